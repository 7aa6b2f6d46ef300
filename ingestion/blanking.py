"""The archived and quarantined copy of a delivery that holds credentials (USER's
service_password): every delivered byte except the password field, blanked on each line.

The copy keeps the delivery's compression, encoding and line endings; which fields are blanked
on a line with a wrong field count is the parser's rule (``parse.secret_slots``). It is written
next to the work files, fsynced, and moved into archive or quarantine by the journal of moves
(``ops_store``), which then deletes the plaintext original from landing.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from core.contract import INTERFACES, FieldType, Interface
from ingestion.deliveries import DeliveryRejected
from ingestion.parse import secret_slots
from ingestion.text import HashingReader

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


_HIDDEN = b"*"  # what the parse copy holds in place of a non-empty blanked field


def _secret_spans(iface: Interface, block: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Byte ranges [start, end) of the non-empty fields to blank in a block of whole lines
    (UTF-8, or decoded with surrogateescape and encoded as UTF-8: a ``|`` byte is a separator).

    Vectorised with numpy: a line with the right field count (nearly all) has its password as
    the last field, up to a CR; the others (a wrong count) are split in Python, by the parser's
    rule (``parse.secret_slots``). Splitting every line in Python cost ~8 µs a line."""
    n = len(iface.fields)
    data = np.frombuffer(block, np.uint8)
    newlines = np.flatnonzero(data == 0x0A)
    ends = newlines if block.endswith(b"\n") else np.append(newlines, len(data))
    starts = np.concatenate(([0], newlines + 1))[: len(ends)]
    pipes = np.flatnonzero(data == 0x7C)
    pipes_before_end = np.searchsorted(pipes, ends)
    counts = pipes_before_end - np.searchsorted(pipes, starts)
    cr = (ends > starts) & (data[np.maximum(ends - 1, 0)] == 0x0D)
    field_ends = ends - cr
    regular = (counts == n - 1) if secret_slots(iface, n) == [n - 1] else counts < 0
    first = [pipes[pipes_before_end[regular] - 1] + 1]
    last = [field_ends[regular]]
    for i in np.flatnonzero(~regular):
        line = block[starts[i] : field_ends[i]]
        values = line.split(b"|")
        offsets = np.cumsum([0] + [len(v) + 1 for v in values])
        slots = secret_slots(iface, len(values))
        first.append(starts[i] + offsets[slots])
        last.append(starts[i] + offsets[slots] + [len(values[j]) for j in slots])
    a, b = np.concatenate(first).astype(np.int64), np.concatenate(last).astype(np.int64)
    return a[b > a], b[b > a]


def _blanked(block: bytes, spans: tuple[np.ndarray, np.ndarray], hidden: bytes) -> bytes:
    """``block`` with each span removed, or replaced by ``hidden`` (one byte)."""
    a, b = spans
    if not len(a):
        return block
    data = np.frombuffer(block, np.uint8)
    cut_from = a + len(hidden)
    # spans never overlap: +1 where one starts, -1 where it ends, keep where the sum is 0
    size = len(data) + 1
    inside = np.cumsum(np.bincount(cut_from, minlength=size) - np.bincount(b, minlength=size))
    out = data.copy()
    if hidden:
        out[a] = hidden[0]
    return out[inside[:-1] == 0].tobytes()


def blank_copy(
    iface: Interface,
    source: Path,
    out: Path,
    codec: str,
    compressed: bool,
    parse_copy: Path | None = None,
) -> Blanked:
    """Write ``source`` with its credentials blanked to ``out`` (fsynced, same mode) and, when
    asked, the UTF-8 text the parser reads to ``parse_copy``.

    The parse copy holds ``*`` where a blanked field was not empty, so that DuckDB's reader sees
    the same empty and non-empty fields as in the delivery (it accepts surplus empty fields at
    the end of a line, so an emptied surplus field would turn a rejected line into a record).
    Lines are split after decoding: in GBK a ``|`` byte can be a character's second byte.
    Raises DeliveryRejected when a compressed file is not a readable gzip: nothing of it can be
    kept then, since its passwords cannot be found.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = 0
    with contextlib.ExitStack() as files:
        hashing = HashingReader(files.enter_context(open(source, "rb")))
        raw_out = files.enter_context(open(out, "wb"))
        parsed = files.enter_context(open(parse_copy, "wb")) if parse_copy else None
        reader: BinaryIO = gzip.GzipFile(fileobj=hashing) if compressed else hashing  # type: ignore[assignment]
        writer: BinaryIO = (
            gzip.GzipFile(filename="", fileobj=raw_out, mode="wb", mtime=0)  # type: ignore[assignment]
            if compressed
            else raw_out
        )

        def write(block: bytes) -> None:
            # "\n" is never inside a character in UTF-8 or GBK: a block of lines decodes alone
            utf8 = block
            if codec != "utf-8":
                utf8 = block.decode(codec, "surrogateescape").encode("utf-8", "surrogateescape")
            spans = _secret_spans(iface, utf8)
            kept = _blanked(utf8, spans, b"")
            if codec != "utf-8":
                kept = kept.decode("utf-8", "surrogateescape").encode(codec, "surrogateescape")
            writer.write(kept)
            if parsed is not None:
                parsed.write(_blanked(utf8, spans, _HIDDEN))

        tail = b""
        try:
            while chunk := reader.read(_CHUNK):
                whole, newline, tail = (tail + chunk).rpartition(b"\n")
                if newline:
                    lines += whole.count(b"\n") + 1
                    write(whole + newline)
            if tail:
                lines += 1
                write(tail)
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
        hashing.drain()  # bytes past the gzip stream count for the hash too
        raw_out.flush()
        os.fsync(raw_out.fileno())
    shutil.copymode(source, out)
    return Blanked(out, hashing.digest.hexdigest(), lines)
