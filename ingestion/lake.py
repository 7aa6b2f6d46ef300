"""The Parquet lake: one file per delivery, published atomically.

A delivery is written under a hidden temporary name in its final folder and renamed into place,
so readers (which glob ``*.parquet``) never see half a file, and a re-delivery replaces exactly
its predecessor in one step.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from core.contract import lake_relative_path
from ingestion.deliveries import Delivery

_TMP_SUFFIX = ".parquet.tmp"


def lake_path(lake: Path, delivery: Delivery) -> Path:
    return lake / lake_relative_path(
        delivery.iface, delivery.province, delivery.data_date, delivery.stem
    )


def temporary_path(final: Path) -> Path:
    return final.with_name(f".{final.stem}.{os.getpid()}{_TMP_SUFFIX}")


def siblings(lake: Path, delivery: Delivery) -> list[Path]:
    """Other split files of the same interface, province and data date already in the lake."""
    own = lake_path(lake, delivery)
    return sorted(p for p in own.parent.glob("*.parquet") if p != own)


def publish(tmp: Path, final: Path) -> None:
    """Make a finished temporary file the delivery's lake file, durably."""
    with open(tmp, "rb") as written:
        os.fsync(written.fileno())
    os.replace(tmp, final)
    fsync_dir(final.parent)


def remove_leftovers(lake: Path) -> None:
    """Delete temporary files of runs that were killed (called under the ingest lock)."""
    if lake.exists():
        for path in lake.rglob(f"*{_TMP_SUFFIX}"):
            path.unlink(missing_ok=True)


def move(source: Path, target: Path) -> None:
    """Move a landed entry (same file system: a rename), replacing an older copy.

    A link is moved as the link (a rename never follows it); a refused folder replaces an older
    one of its name. Not synced here: the caller syncs the folders (``fsync_dir``) once per run,
    before it forgets the journal of moves."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(target) and (_is_folder(source) or _is_folder(target)):
        if _is_folder(target):
            shutil.rmtree(target)
        else:
            target.unlink()
    os.replace(source, target)


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
