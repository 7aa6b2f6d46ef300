"""Errors a user can act on.

Raise ``JingfenError`` with one plain sentence that names the file or thing at fault and what to
do; the command line prints it without a traceback and exits non-zero.
"""


class JingfenError(Exception):
    exit_code = 1
