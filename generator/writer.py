"""Writes deliveries: splits, formats, breaks (when asked), packages and lands each data file
before its check file, as a source system does.

Formatting, GBK encoding, gzip and disk writes run on worker threads (Arrow and zlib release the
GIL) while the main thread simulates the next day; every choice is made on the main thread first,
so the bytes do not depend on thread timing.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from generator import defects
from generator.defects import LANDING, DefectInjector, FileWrite, PlannedDefect
from generator.files import Delivery, check_line, package, serialize

MAX_PENDING = 6  # finished tables waiting for a worker: bounds memory


class DeliveryWriter:
    def __init__(
        self, landing: Path, redelivery: Path, injector: DefectInjector, workers: int = 2
    ) -> None:
        self.folders = {LANDING: landing, defects.REDELIVERY: redelivery}
        self.injector = injector
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._pending: deque[Future[list[dict[str, Any]]]] = deque()
        self._entries: list[list[dict[str, Any]] | Future[list[dict[str, Any]]]] = []
        self.records = 0
        self.files = 0
        landing.mkdir(parents=True, exist_ok=True)

    def write(
        self,
        iface: str,
        province: str,
        data_date: str,
        table: pa.Table,
        *,
        files: int = 1,
        gz: bool = False,
        encoding: str = "UTF-8",
    ) -> None:
        """One data date of one interface, split over `files` files of about equal size."""
        step = -(-table.num_rows // files) if table.num_rows else 0
        for seq in range(1, files + 1):
            part = table.slice((seq - 1) * step, step) if step else table
            delivery = Delivery(iface, province, data_date, seq, gz, encoding)
            if iface == "BILL":
                part, entries = self.injector.mismatch_bill(delivery, part)
                self._entries.append(entries)
            self._entries.append(self.injector.gbk_entry(delivery, part.num_rows))
            defect = self.injector.plan(delivery, part.num_rows)
            self._submit(delivery, part, defect)
            self.records += part.num_rows
            self.files += 1

    def _submit(self, delivery: Delivery, table: pa.Table, defect: PlannedDefect | None) -> None:
        while len(self._pending) >= MAX_PENDING:
            self._pending.popleft().result()
        future = self._pool.submit(self._write_delivery, delivery, table, defect)
        self._pending.append(future)
        self._entries.append(future)

    def _write_delivery(
        self, delivery: Delivery, table: pa.Table, defect: PlannedDefect | None
    ) -> list[dict[str, Any]]:
        text = serialize(table)
        if defect is None:
            writes, entries = [FileWrite(LANDING, text, table.num_rows)], []
        else:
            writes, entries = defects.apply(defect, delivery, text, table.num_rows)
        for w in writes:
            self._land(delivery, w)
        return entries

    def _land(self, delivery: Delivery, w: FileWrite) -> None:
        data = package(delivery, w.text)
        if w.truncate_gzip:
            data = data[: len(data) * 6 // 10]
        folder = self.folders[w.folder]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / delivery.file_name).write_bytes(data)
        check_folder = self.folders[w.check_folder or w.folder]
        check_folder.mkdir(parents=True, exist_ok=True)
        count = w.count if w.check_count is None else w.check_count
        (check_folder / delivery.check_name).write_bytes(
            check_line(delivery, len(data) + w.size_delta, count)
        )

    def close(self) -> list[dict[str, Any]]:
        """Wait for every file; the manifest entries in the order deliveries were written."""
        self._pool.shutdown(wait=True)
        entries: list[dict[str, Any]] = []
        for item in self._entries:
            entries += item.result() if isinstance(item, Future) else item
        return entries
