"""The synthetic province generator behind ``jingfen generate``.

Writes BOSS deliveries (data file + check file, interfaces.md) for one or more provinces into a
landing folder, day by day, so memory stays flat however many months are asked for. With
``defects > 0`` it also breaks some deliveries on purpose, puts corrected or repeated ones into
the sibling folder ``landing_redelivery/`` and lists every defect in ``defects_manifest.json``
next to the landing folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.defects import (
    MANIFEST_NAME,
    REDELIVERY_FOLDER,
    DefectInjector,
    write_manifest,
)
from generator.province import simulate, stream
from generator.writer import DeliveryWriter

__all__ = ["GenerationSummary", "generate"]


@dataclass(frozen=True)
class GenerationSummary:
    files: int
    records: int
    seconds: float
    manifest: Path

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def generate(
    landing: Path,
    *,
    users: int,
    months: int,
    seed: int,
    start: str = "202601",
    provinces: Sequence[str] = ("571",),
    defects: float = 0.0,
    progress: Callable[[str], None] = print,
) -> GenerationSummary:
    landing = Path(landing)
    began = time.perf_counter()
    injector = DefectInjector(defects, stream(seed, "000", "defects"))
    writer = DeliveryWriter(landing, landing.parent / REDELIVERY_FOLDER, injector)
    try:
        for code in provinces:
            simulate(
                writer, code, users=users, months=months, seed=seed, start=start, progress=progress
            )
    finally:
        entries = writer.close()
    manifest = landing.parent / MANIFEST_NAME
    settings = {
        "users": users,
        "months": months,
        "seed": seed,
        "start": start,
        "provinces": list(provinces),
        "defects": defects,
    }
    write_manifest(manifest, settings, landing.name, entries)
    seconds = time.perf_counter() - began
    progress(
        f"wrote {writer.files} files, {writer.records:,} records in {seconds:.1f} s "
        f"({writer.records / max(seconds, 1e-9):,.0f} records/s); defects: {len(entries)}"
    )
    return GenerationSummary(writer.files, writer.records, seconds, manifest)
