"""Small hand-made deliveries for the ingestion tests (independent of generator)."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb

from core.contract import check_file_name, data_file_name
from core.settings import Settings

PASSWORD = "pw-SECRET-831"  # searched for everywhere a record can end up


def voice_row(i: int, **overrides: str) -> list[str]:
    row = {
        "cdr_id": f"C{i:08d}",
        "user_id": f"U{i % 50:06d}",
        "msisdn": f"138{i:08d}",
        "call_type": "MOC",
        "other_number": "13900000000",
        "other_carrier": "CMCC",
        "start_time": "20261001120000",
        "duration_s": str(60 + i % 7),
        "roam_type": "0",
        "toll_type": "0",
        "visited_city": "",
        "cell_id": "CELL1",
        "base_fee_fen": "10",
        "toll_fee_fen": "0",
        "roam_fee_fen": "-5",
    }
    row.update(overrides)
    return list(row.values())


def user_row(i: int, name_free: str = "", **overrides: str) -> list[str]:
    row = {
        "user_id": f"U{i:06d}",
        "cust_id": f"K{i:06d}",
        "msisdn": f"139{i:08d}",
        "brand": "GOTONE",
        "plan_id": "P1",
        "pay_mode": "POST",
        "open_date": "20200105",
        "user_status": "NORMAL",
        "status_date": "20200105",
        "channel_id": name_free or "CH1",
        "city_code": "0571",
        "service_password": PASSWORD,
    }
    row.update(overrides)
    return list(row.values())


def cust_row(i: int, name: str = "张三") -> list[str]:
    return [f"K{i:06d}", "1", name, "1", f"33010{i:013d}", "M", "19800101", "0571",
            "20200101", "1"]  # fmt: skip


def land(
    settings: Settings,
    iface: str,
    rows: list[list[str]] | list[str],
    data_date: str = "20261001",
    *,
    province: str = "571",
    seq: int = 1,
    gz: bool = False,
    encoding: str = "UTF-8",
    newline: str = "\n",
    record_count: int | None = None,
    byte_size: int | None = None,
    check_data_date: str | None = None,
    with_check: bool = True,
) -> Path:
    """Write one delivery (rows as field lists, or raw lines) into landing; return the data file."""
    settings.landing.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else "|".join(r) for r in rows]
    text = "".join(line + newline for line in lines)
    payload = text.encode("gbk" if encoding == "GBK" else "utf-8")
    if gz:
        payload = gzip.compress(payload)
    data = settings.landing / data_file_name(iface, province, data_date, seq, gz)
    data.write_bytes(payload)
    if with_check:
        write_check(
            settings, data,
            record_count=len(lines) if record_count is None else record_count,
            byte_size=len(payload) if byte_size is None else byte_size,
            data_date=check_data_date or data_date, encoding=encoding,
        )  # fmt: skip
    return data


def write_check(
    settings: Settings,
    data: Path,
    *,
    record_count: int,
    byte_size: int | None = None,
    data_date: str | None = None,
    encoding: str = "UTF-8",
) -> Path:
    iface, province, date, seq = data.name.split(".")[0].split("_")
    check = settings.landing / check_file_name(iface, province, date, int(seq))
    size = data.stat().st_size if byte_size is None else byte_size
    check.write_text(
        f"{data.name}|{size}|{record_count}|{data_date or date}|20261002010000|{encoding}\n"
    )
    return check


def ops_rows(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.ops_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def lake_query(settings: Settings, iface: str, select: str = "*", where: str = "true") -> list:
    """Rows of one interface's lake files, in delivery and line order."""
    files = f"{settings.lake}/{iface.lower()}/**/*.parquet"
    return duckdb.sql(
        f"SELECT {select} FROM read_parquet('{files}', hive_partitioning=false) WHERE {where} "
        "ORDER BY _file_name, _line_no"
    ).fetchall()


def lake_files(settings: Settings) -> list[str]:
    return sorted(str(p.relative_to(settings.lake)) for p in settings.lake.rglob("*.parquet"))
