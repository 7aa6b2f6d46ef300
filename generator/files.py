"""One delivery on disk: data file bytes and the check file line, as interfaces.md §1 says."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.csv as pa_csv

from core.contract import ALL_INTERFACES, check_file_name, data_file_name

_CSV = pa_csv.WriteOptions(include_header=False, delimiter="|", quoting_style="none")
_IFACE_ORDER = {code: i for i, code in enumerate(ALL_INTERFACES)}


@dataclass(frozen=True)
class Delivery:
    iface: str
    province: str
    data_date: str
    seq: int = 1
    gz: bool = False
    encoding: str = "UTF-8"

    @property
    def file_name(self) -> str:
        return data_file_name(self.iface, self.province, self.data_date, self.seq, self.gz)

    @property
    def check_name(self) -> str:
        return check_file_name(self.iface, self.province, self.data_date, self.seq)

    @property
    def created_at(self) -> str:
        """The night after the data date (after the month for monthly files, mid-January of
        the year for a yearly plan), never the clock."""
        if len(self.data_date) == 4:
            created, hour = date(int(self.data_date), 1, 15), 9
        elif len(self.data_date) == 8:
            day = date(int(self.data_date[:4]), int(self.data_date[4:6]), int(self.data_date[6:]))
            created = day + timedelta(days=1)
            hour = 1
        else:
            year, month = int(self.data_date[:4]), int(self.data_date[4:])
            created = date(year + month // 12, month % 12 + 1, 1)
            hour = 3
        minute, second = _IFACE_ORDER[self.iface] * 3 % 60, self.seq
        return f"{created:%Y%m%d}{hour:02d}{minute:02d}{second:02d}"


def serialize(table: pa.Table) -> bytes:
    """UTF-8 records, one per line. Arrow refuses values holding '|', quotes or line breaks."""
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, _CSV)
    return sink.getvalue().to_pybytes()


def package(delivery: Delivery, text: bytes) -> bytes:
    """The data file as delivered: re-encoded to GBK and/or gzipped (mtime 0, no name)."""
    if delivery.encoding == "GBK":
        text = text.decode("utf-8").encode("gbk")
    if delivery.gz:
        return gzip.compress(text, compresslevel=1, mtime=0)
    return text


def check_line(delivery: Delivery, byte_size: int, record_count: int) -> bytes:
    fields = (
        delivery.file_name,
        str(byte_size),
        str(record_count),
        delivery.data_date,
        delivery.created_at,
        delivery.encoding,
    )
    return ("|".join(fields) + "\n").encode("ascii")
