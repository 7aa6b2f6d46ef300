"""The archived and quarantined copy of a delivery that holds credentials (USER's
service_password): every delivered byte except the password field, blanked on each line.

The copy keeps the delivery's compression, encoding and line endings; which fields are blanked
on a line with a wrong field count is the parser's rule (``parse.blank_secrets``). It is written
next to the work files, fsynced, and moved into archive or quarantine by the journal of moves
(``ops_store``), which then deletes the plaintext original from landing.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import shutil
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ingestion.contract import INTERFACES, FieldType, Interface
from ingestion.deliveries import DeliveryRejected
from ingestion.parse import secret_slots

_CHUNK = 4 << 20


@dataclass(frozen=True)
class Blanked:
    path: Path
    sha256: str  # of the file as delivered
    line_count: int  # lines of its text, a last line without a newline included


def has_secrets(iface: Interface) -> bool:
    return any(f.type is FieldType.SECRET for f in iface.fields)


def interface_by_name(name: str) -> Interface | None:
    """For a landed data file whose name fits no interface: the credential-holding interface its
    name starts with (``user_571_…``, ``USER_５７１_…``), so that its copy is blanked too."""
    shown = unicodedata.normalize("NFKC", name).upper()
    if shown.endswith(".CHK"):
        return None
    for iface in INTERFACES.values():
        if has_secrets(iface) and shown.startswith(f"{iface.code}_"):
            return iface
    return None


class _Hashing:
    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


_HIDDEN = "*"  # what the parse copy holds in place of a non-empty blanked field


def _blank_line(iface: Interface, line: bytes, codec: str) -> tuple[bytes, bytes]:
    """One line (without its newline) as kept (blanked, as delivered) and as parsed (UTF-8).

    The parse copy holds ``*`` where a blanked field was not empty, so that DuckDB's reader sees
    the same empty and non-empty fields as in the delivery (it accepts surplus empty fields at
    the end of a line, so blanking a surplus field would turn a rejected line into a record).
    """
    body, end = (line[:-1], line[-1:]) if line.endswith(b"\r") else (line, b"")
    if codec == "utf-8":  # a "|" byte is never part of a UTF-8 sequence: split the bytes
        values = body.split(b"|")
        slots = secret_slots(iface, len(values))
        if not any(values[i] for i in slots):
            return line, line
        kept, parsed = list(values), list(values)
        for i in slots:
            kept[i] = b""
            parsed[i] = b"*" if values[i] else b""
        return b"|".join(kept) + end, b"|".join(parsed) + end
    # in GBK a "|" byte can be the second byte of a character: split the decoded text
    texts = body.decode(codec, "surrogateescape").split("|")
    slots = secret_slots(iface, len(texts))
    kept_text, parsed_text = list(texts), list(texts)
    for i in slots:
        kept_text[i] = ""
        parsed_text[i] = _HIDDEN if texts[i] else ""
    kept_line = "|".join(kept_text).encode(codec, "surrogateescape") if slots else body
    return kept_line + end, "|".join(parsed_text).encode("utf-8", "surrogateescape") + end


def blank_copy(
    iface: Interface,
    source: Path,
    out: Path,
    codec: str,
    compressed: bool,
    parse_copy: Path | None = None,
) -> Blanked:
    """Write ``source`` with its credentials blanked to ``out`` (fsynced, same mode) and, when
    asked, the UTF-8 text the parser reads to ``parse_copy`` (see ``_blank_line``).

    Raises DeliveryRejected when a compressed file is not a readable gzip: nothing of it can be
    kept then, since its passwords cannot be found.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = 0
    with contextlib.ExitStack() as files:
        hashing = _Hashing(files.enter_context(open(source, "rb")))
        raw_out = files.enter_context(open(out, "wb"))
        parsed = files.enter_context(open(parse_copy, "wb")) if parse_copy else None
        reader: BinaryIO = gzip.GzipFile(fileobj=hashing) if compressed else hashing  # type: ignore[assignment]
        writer: BinaryIO = (
            gzip.GzipFile(filename="", fileobj=raw_out, mode="wb", mtime=0)  # type: ignore[assignment]
            if compressed
            else raw_out
        )

        def write(batch: list[bytes], newline: bytes) -> None:
            pairs = [_blank_line(iface, line, codec) for line in batch]
            writer.write(b"".join(kept + newline for kept, _ in pairs))
            if parsed is not None:
                parsed.write(b"".join(text + newline for _, text in pairs))

        tail = b""
        try:
            while chunk := reader.read(_CHUNK):
                *whole, tail = (tail + chunk).split(b"\n")
                lines += len(whole)
                write(whole, b"\n")
            if tail:
                lines += 1
                write([tail], b"")
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            for written in (out, parse_copy):
                if written is not None:
                    written.unlink(missing_ok=True)
            raise DeliveryRejected(
                f"data file is not a readable gzip: {source.name} ({err})"
            ) from err
        finally:
            if compressed:
                writer.close()
        while hashing.read(_CHUNK):  # bytes past the gzip stream count for the hash too
            pass
        raw_out.flush()
        os.fsync(raw_out.fileno())
    shutil.copymode(source, out)
    return Blanked(out, hashing.digest.hexdigest(), lines)
