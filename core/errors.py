"""Errors a user can act on.

Raise ``JingfenError`` with one plain sentence that names the file or thing at fault and what to
do; the command line prints it without a traceback and exits non-zero.
"""


class JingfenError(Exception):
    exit_code = 1


def is_interruption(err: BaseException) -> bool:
    """Whether ``err`` is Ctrl-C or SIGTERM arriving while DuckDB ran a query.

    DuckDB's Python client (2.x) notices a signal handler's KeyboardInterrupt during a query,
    drops it and raises ``RuntimeError('Query interrupted')`` instead, so the interruption has to
    be recognised by that exact error to stop the run as one."""
    return isinstance(err, KeyboardInterrupt) or (
        type(err) is RuntimeError and str(err) == "Query interrupted"
    )
