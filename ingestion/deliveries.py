"""Finding deliveries in landing and verifying their check files (interfaces.md §1, §4.1).

A delivery is ready once its check file has landed; a data file without one is still being written
and is left alone. Names that fit no interface are reported so they can be quarantined.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from core.contract import (
    ALL_INTERFACES,
    CHECK_FIELDS,
    CHECK_FILE_RE,
    DATA_FILE_RE,
    Interface,
    Period,
)

# Encodings a check file may declare, mapped to the Python codec that decodes them. GBK is read
# with GB18030, its superset, so a rare name character outside GBK still decodes (an extension).
ENCODINGS = {
    "": "utf-8",
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
    "GBK": "gb18030",
    "GB2312": "gb18030",
    "GB18030": "gb18030",
}

# Upload tools write under a temporary name and rename when done: those files are not ours yet.
_IN_PROGRESS_SUFFIXES = (".tmp", ".part", ".filepart", ".partial")

# The contract's patterns, but \d only for ASCII digits (Python's \d also takes fullwidth ５) and
# matched in full (``$`` alone lets a name end in a newline).
_DATA_NAME = re.compile(DATA_FILE_RE.pattern, re.ASCII)
_CHECK_NAME = re.compile(CHECK_FILE_RE.pattern, re.ASCII)
_DELIVERY_ENDINGS = (".AVL", ".AVL.GZ", ".CHK")


class DeliveryRejected(Exception):
    """The whole delivery is rejected; the message is the reason recorded in the load log."""


class SizeMismatch(DeliveryRejected):
    """The data file's size is not the check file's; the check file itself was read, so its
    record_count is logged, as for the other rejections of a delivery with a check file."""

    def __init__(self, reason: str, check: CheckFile) -> None:
        super().__init__(reason)
        self.check = check


@dataclass(frozen=True)
class CheckFile:
    file_name: str
    byte_size: int
    record_count: int
    data_date: str
    created_at: str
    encoding: str  # normalised key of ENCODINGS

    @property
    def codec(self) -> str:
        return ENCODINGS[self.encoding]


@dataclass(frozen=True)
class Delivery:
    """One data file plus its check file, as found in the landing folder."""

    iface: str
    province: str
    data_date: str
    seq: str
    data_path: Path | None  # None when only the check file landed
    check_path: Path

    @property
    def stem(self) -> str:
        return f"{self.iface}_{self.province}_{self.data_date}_{self.seq}"

    @property
    def file_name(self) -> str:
        """The data file's name, or the expected one when it is missing."""
        return self.data_path.name if self.data_path else f"{self.stem}.AVL"

    @property
    def compressed(self) -> bool:
        return self.data_path is not None and self.data_path.name.endswith(".gz")

    @property
    def interface(self) -> Interface:
        return ALL_INTERFACES[self.iface]

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.data_path, self.check_path) if p is not None)


@dataclass(frozen=True)
class Unrecognised:
    """A landed file whose name fits no interface."""

    path: Path
    reason: str
    iface: str | None = None
    province: str | None = None
    data_date: str | None = None
    seq: str | None = None
    regular: bool = True  # False: a link, folder or special file, moved but never read


@dataclass
class Landing:
    ready: list[Delivery] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)
    unrecognised: list[Unrecognised] = field(default_factory=list)


_DATE_UNITS = {
    Period.DAY: "YYYYMMDD (daily)",
    Period.MONTH: "YYYYMM (monthly)",
    Period.YEAR: "YYYY (yearly)",
}
_DATE_FORMATS = {8: "%Y%m%d", 6: "%Y%m", 4: "%Y"}


def name_problem(iface: str, data_date: str) -> str | None:
    """Why a well-formed name still fits no interface, or None."""
    interface = ALL_INTERFACES.get(iface)
    if interface is None:
        return f"{iface} is not an interface of the contract"
    if len(data_date) != interface.date_length:
        unit = _DATE_UNITS[interface.period]
        return f"{iface} is delivered per {unit}, the name carries {data_date}"
    try:
        dt.datetime.strptime(data_date, _DATE_FORMATS[len(data_date)])
    except ValueError:
        return f"{data_date} in the name is not a calendar date"
    return None


def _refused_entry(path: Path) -> Unrecognised | None:
    """A landed entry that is not a regular file: never opened, never followed, refused.

    Folders are refused only when named like a delivery file: others (``lost+found`` on a
    mount point, an operator's own folder) are not deliveries and are left alone.
    """
    name = path.name
    mode = path.lstat().st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        why = (
            "is a symbolic link: landing takes regular files only and never follows a link; the "
            "link itself was moved to quarantine, deliver the file itself"
        )
    elif stat.S_ISDIR(mode):
        if not unicodedata.normalize("NFKC", name).upper().endswith(_DELIVERY_ENDINGS):
            return None
        why = (
            "is a folder, not a file: deliveries are files laid flat in landing; it was moved "
            "to quarantine"
        )
    else:
        why = (
            "is not a regular file (a named pipe, socket or device): landing takes regular "
            "files only; it was moved to quarantine"
        )
    return Unrecognised(path, f"{name} {why}", regular=False)


def _unfit_name(name: str) -> str:
    pattern = "{IFACE}_{PROV}_{DATADATE}_{SEQ}.AVL, .AVL.gz or .CHK"
    ascii_form = unicodedata.normalize("NFKC", name)
    fits = _DATA_NAME.fullmatch(ascii_form) or _CHECK_NAME.fullmatch(ascii_form)
    if not name.isascii() and fits:
        return (
            f"{name} fits no interface file name: it holds non-ASCII characters where the name "
            f"has ASCII letters and digits (fullwidth digits?); deliver it as {ascii_form}"
        )
    return f"{name} fits no interface file name ({pattern})"


def scan_landing(landing: Path) -> Landing:
    """Sort the landing folder into ready deliveries, waiting data files and unrecognised files."""
    data: dict[str, list[Path]] = {}
    checks: dict[str, Path] = {}
    found = Landing()
    for path in sorted(landing.iterdir()):
        name = path.name
        if name.startswith(".") or name.endswith(_IN_PROGRESS_SUFFIXES):
            continue
        try:
            refused = _refused_entry(path)
        except FileNotFoundError:  # gone since the listing
            continue
        if refused is not None:
            found.unrecognised.append(refused)
            continue
        if not path.is_file():
            continue
        match = _DATA_NAME.fullmatch(name) or _CHECK_NAME.fullmatch(name)
        if match is None:
            found.unrecognised.append(Unrecognised(path, _unfit_name(name)))
            continue
        key = "{iface}_{province}_{data_date}_{seq}".format(**match.groupdict())
        problem = name_problem(match["iface"], match["data_date"])
        if problem is not None:
            found.unrecognised.append(
                Unrecognised(
                    path, f"{name} fits no interface: {problem}", match["iface"],
                    match["province"], match["data_date"], match["seq"],
                )
            )  # fmt: skip
        elif name.endswith(".CHK"):
            checks[key] = path
        else:
            data.setdefault(key, []).append(path)

    for key, check_path in checks.items():
        iface, province, data_date, seq = key.split("_")
        candidates = data.pop(key, [])
        found.ready.append(
            Delivery(
                iface, province, data_date, seq,
                candidates[0] if len(candidates) == 1 else None, check_path,
            )
        )  # fmt: skip
        if len(candidates) > 1:
            # Both KEY.AVL and KEY.AVL.gz: the check file cannot tell which one it describes.
            for path in candidates:
                found.unrecognised.append(
                    Unrecognised(
                        path, f"{path.name} landed together with another data file of the "
                        f"same name ({', '.join(p.name for p in candidates)})",
                        iface, province, data_date, seq,
                    )
                )  # fmt: skip
    found.waiting = sorted(path for paths in data.values() for path in paths)
    found.ready.sort(key=lambda d: (d.iface, d.province, d.data_date, d.seq))
    return found


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit also takes fullwidth ５ and superscript ²."""
    return text.isascii() and text.isdigit()


def _count(text: str) -> bool:
    # far below BIGINT, so that the parser's line numbers and ranges never overflow
    return _digits(text) and int(text) < 2**62


def read_check_file(delivery: Delivery) -> CheckFile:
    """Parse and verify the check file against the landed data file (everything but the count)."""
    check_name = delivery.check_path.name
    raw = delivery.check_path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DeliveryRejected(f"check file {check_name} is not plain text") from err
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != 1:
        raise DeliveryRejected(f"check file {check_name} must hold one line, it holds {len(lines)}")
    values = lines[0].strip().split("|")
    if len(values) == len(CHECK_FIELDS) - 1:  # tolerated: encoding left off entirely = UTF-8
        values.append("")
    if len(values) != len(CHECK_FIELDS):
        raise DeliveryRejected(
            f"check file {check_name} has {len(values)} fields, expected {len(CHECK_FIELDS)} "
            f"({'|'.join(CHECK_FIELDS)})"
        )
    file_name, byte_size, record_count, data_date, created_at, encoding = values
    if not (_count(byte_size) and _count(record_count)):
        raise DeliveryRejected(
            f"check file {check_name}: byte_size {byte_size!r} and record_count "
            f"{record_count!r} must be whole numbers in ASCII digits (below 2^62)"
        )
    if encoding.upper() not in ENCODINGS:
        raise DeliveryRejected(
            f"check file {check_name} declares encoding {encoding!r}; UTF-8 or GBK is expected"
        )
    if len(created_at) != 14 or not _digits(created_at):
        raise DeliveryRejected(
            f"check file {check_name}: created_at {created_at!r} is not YYYYMMDDHHMMSS"
        )
    check = CheckFile(
        file_name, int(byte_size), int(record_count), data_date, created_at, encoding.upper()
    )
    if data_date != delivery.data_date:
        raise DeliveryRejected(
            f"check file {check_name} gives data date {data_date}, the name says "
            f"{delivery.data_date}"
        )
    if delivery.data_path is None:
        raise DeliveryRejected(f"data file {file_name} named in {check_name} has not landed")
    if file_name != delivery.data_path.name:
        raise DeliveryRejected(
            f"check file {check_name} describes {file_name!r}, but the data file is "
            f"{delivery.data_path.name}"
        )
    size = os.stat(delivery.data_path).st_size
    if size != check.byte_size:
        raise SizeMismatch(
            f"byte size in the check file differs from the data file: {file_name} is {size} "
            f"bytes, its check file says {check.byte_size} (incomplete or altered transfer?)",
            check,
        )
    return check
