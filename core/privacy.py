"""How personal data is masked in the published copy, and the installation secret that keys it.

The rules live here once: which columns are personal and of what kind, and how each kind is
masked. ``core.masking`` applies them in DuckDB, for the publication and for the frames the
quality checks read alike: to columns, to the fields of rejected raw lines by their position in
the interface (``core.contract`` tags each field with its kind), and to the delivered values
that reasons and check details quote. This module is ground:
the contract imports it, so it imports nothing of the project but settings and errors.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

from core.errors import JingfenError
from core.settings import Settings


class Personal(StrEnum):
    PHONE = "phone"  # 138****1234
    NAME = "name"  # 张**
    CERT = "cert"  # HMAC-SHA-256 with the installation secret
    BIRTH_DATE = "birth_date"  # the year only


# Columns of these names hold personal data wherever they appear (suffixes: ``payer_msisdn``…).
PERSONAL_COLUMNS: dict[str, Personal] = {
    "msisdn": Personal.PHONE,
    "other_number": Personal.PHONE,
    "cert_no": Personal.CERT,
    "cust_name": Personal.NAME,
    "acct_name": Personal.NAME,
    "birth_date": Personal.BIRTH_DATE,
}
PERSONAL_SUFFIXES: dict[str, Personal] = {
    "_msisdn": Personal.PHONE,
    "_cert_no": Personal.CERT,
    "_birth_date": Personal.BIRTH_DATE,
}
# The history's change-detection digest is an unkeyed hash of every tracked column, cert_no and
# names included, so it could be tried like cert_no: it is keyed the same way (it still compares).
KEYED_COLUMNS = ("state_hash",)
# A rejected record as delivered; masked field by field (``Masker.line``).
RAW_LINE_COLUMN = "raw_line"
# Free text that may quote a delivered value after the field's name (``Masker.message``).
MESSAGE_COLUMNS = ("reason", "details")

# Ingestion quotes at most this many characters of a bad value in a reason (ingestion/parse.py).
QUOTED_VALUE_CHARS = 40
# What a field of a raw line that cannot be trusted by position becomes.
HIDDEN = "***"
_KEY_BYTES = 32
SECRET_FILE_NAME = "cert_no.key"


def column_kind(column: str) -> Personal | None:
    name = column.lower()
    if name in PERSONAL_COLUMNS:
        return PERSONAL_COLUMNS[name]
    for suffix, kind in PERSONAL_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    return None


def published_name(column: str) -> str:
    """A birth date is published as its year, under a name that says so."""
    if column_kind(column) is Personal.BIRTH_DATE and column.lower().endswith("_date"):
        return column[: -len("_date")] + "_year"
    return column


def mask_phone(value: str) -> str:
    """The first 3 and last 4 digits of a full number; only the first 3 of a shorter one."""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:3] + "*" * max(len(value) - 3, 0)


def mask_name(value: str) -> str:
    return value[:1] + "**" if value else value


def birth_year(value: str) -> int | None:
    """The year of ``YYYYMMDD`` or ``YYYY-MM-DD`` text (None when it does not start with one)."""
    year = value[:4]
    return int(year) if len(year) == 4 and year.isascii() and year.isdigit() else None


def keyed_hash(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class LineLayout:
    """An interface's fields as a raw line holds them: each position's kind (None: not personal)
    and every code value any of its coded fields may take."""

    kinds: tuple[Personal | None, ...]
    codes: frozenset[str]


@dataclass(frozen=True)
class Masker:
    """The masking rules with the installation secret that keys the hashes."""

    key: bytes

    def text(self, kind: Personal, value: str) -> str:
        """``value`` masked as its kind, as text (a raw line's field, a quoted value)."""
        if kind is Personal.PHONE:
            return mask_phone(value)
        if kind is Personal.NAME:
            return mask_name(value)
        if kind is Personal.CERT:
            return keyed_hash(self.key, value)
        year = birth_year(value)
        return HIDDEN if year is None else str(year)

    def column(self, column: str) -> Callable[[str], str | int | None] | None:
        """The rule for a column's values (cast to text), or None for a column that is not
        personal. A birth date becomes an integer year (``published_name``); the raw line has
        its own rule (``line``), which needs the file name."""
        kind = column_kind(column)
        if kind is Personal.BIRTH_DATE:
            return birth_year
        if kind is not None:
            return partial(self.text, kind)
        if column.lower() in KEYED_COLUMNS:
            return partial(keyed_hash, self.key)
        if column.lower() in MESSAGE_COLUMNS:
            return self.message
        return None

    def line(self, line: str, layout: LineLayout | None) -> str:
        """A raw line with every personal field masked by its position.

        A line whose field count is not the interface's (or whose interface is unknown) cannot be
        trusted by position: a name may sit where a code should be. Only empty fields and the
        interface's own code values survive; every other field becomes ``***``.
        """
        fields = line.split("|")
        if layout is not None and len(fields) == len(layout.kinds):
            return "|".join(
                self.text(kind, value) if kind is not None and value else value
                for kind, value in zip(layout.kinds, fields, strict=True)
            )
        codes = layout.codes if layout is not None else frozenset()
        return "|".join(value if not value or value in codes else HIDDEN for value in fields)

    def message(self, text: str) -> str:
        """Reasons and check details with every quoted value of a personal field masked.

        Ingestion quotes a bad value as ``in <field> (…): '<value>'``, at most
        ``QUOTED_VALUE_CHARS`` of it. A value may hold quotes and semicolons, so a personal
        field's value runs to the last closing quote within that many characters (and before
        the next personal field is named): more than the value may be masked, never less. JSON
        details are walked: a personal key's value is masked by its kind, every string as a reason.
        """
        try:
            data = json.loads(text)
        except ValueError:
            return self._quoted(text)
        if not isinstance(data, dict | list):
            return self._quoted(text)
        masked = self._walk(data)
        return text if masked == data else json.dumps(masked, ensure_ascii=False, sort_keys=True)

    def _walk(self, data: Any, kind: Personal | None = None) -> Any:
        if isinstance(data, dict):
            return {k: self._walk(v, column_kind(k)) for k, v in data.items()}
        if isinstance(data, list):
            return [self._walk(v, kind) for v in data]
        if data is None or isinstance(data, bool):
            return data
        if kind is not None:
            return self.text(kind, str(data))
        return self._quoted(data) if isinstance(data, str) else data

    def _quoted(self, text: str) -> str:
        text = self._numbers(text)
        starts = list(_QUOTED_PERSONAL.finditer(text))
        if not starts:
            return text
        out, done = [], 0
        for n, start in enumerate(starts):
            limit = starts[n + 1].start() if n + 1 < len(starts) else len(text)
            limit = min(limit, start.end() + QUOTED_VALUE_CHARS + 1)
            closes = [m.start() for m in _CLOSING_QUOTE.finditer(text, start.end())]
            end = max((c for c in closes if c < limit), default=limit)
            kind = column_kind(start["field"])
            assert kind is not None
            out += [text[done : start.end()], self.text(kind, text[start.end() : end])]
            done = end
        out.append(text[done:])
        return "".join(out)

    def _numbers(self, text: str) -> str:
        """Mobile and ID numbers however a message shows them (a reader's error quoting a line):
        masked wherever they stand on their own."""
        text = _MOBILE.sub(lambda m: mask_phone(m[0]), text)
        return _ID_NUMBER.sub(lambda m: keyed_hash(self.key, m[0]), text)


def _personal_names() -> str:
    names = [re.escape(n) for n in PERSONAL_COLUMNS]
    suffixes = [r"\w*" + re.escape(s) for s in PERSONAL_SUFFIXES]
    return "|".join(sorted(suffixes) + sorted(names, key=len, reverse=True))


_QUOTED_PERSONAL = re.compile(rf"\bin (?P<field>{_personal_names()})(?: \([^()]*\))?: '")
_CLOSING_QUOTE = re.compile(r"'(?=;|$)")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
# Resident ID: area, birth date (19xx/20xx), sequence, check digit; record ids do not look so.
_ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[0-9]{6}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)


# --- the installation secret -------------------------------------------------------------------


def secret_path(settings: Settings) -> Path:
    return settings.secrets / SECRET_FILE_NAME


def installation_secret(settings: Settings) -> bytes:
    """The key of the cert_no hashes: created on first use (mode 0600), then read.

    It is never published, logged or shown: error messages name its file, never its content.
    """
    path = secret_path(settings)
    try:
        if not path.exists():
            _create(path)
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as err:
        cause = err.strerror if isinstance(err, OSError) and err.strerror else "not text"
        raise JingfenError(
            f"Could not read the installation secret {path} ({cause}): make it readable by this "
            "user only (chmod 600), or remove it to create a new one, which changes every "
            "published cert_no hash at the next publish."
        ) from err
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise JingfenError(
            f"The installation secret {path} is readable by others: run 'chmod 600 {path}' "
            "(and rotate it if it may have been copied)."
        )
    if not re.fullmatch(rf"[0-9a-f]{{{_KEY_BYTES * 2}}}", text):
        raise JingfenError(
            f"The installation secret {path} is damaged ({_KEY_BYTES * 2} hex digits expected): "
            "restore it from a backup, or remove it to create a new one, which changes every "
            "published cert_no hash at the next publish."
        )
    return bytes.fromhex(text)


def _create(path: Path) -> None:
    """Write a new secret beside ``path`` and link it into place: of two first uses at once,
    one wins and both read the same file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_hex(_KEY_BYTES) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
