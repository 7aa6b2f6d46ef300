"""Ingest speed against DuckDB's own bare CSV → Parquet copy of the same file (run on demand).

    uv run python benchmarks/bench_ingest.py [--records 5000000] [--rounds 3] [--breakdown]

Writes a VOICE delivery under a temporary folder, then alternates the two contenders so both see
the same machine load, and prints the best and median times and their ratio (bare / ingest: 1.0
means ingestion with all its checks is as fast as the bare copy; the target is at least 0.8).
``--breakdown`` also prints, per round, the CPU time of the parts both share or ingestion adds:
DuckDB's Parquet writer alone (each file's rows written again from memory), the reader alone,
the content hash and line count, and the repeated-key check.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from core.contract import INTERFACES, FieldType, Interface, lake_schema
from core.settings import Settings
from ingestion import parse
from ingestion.ingest import ingest_landing
from ingestion.text import hash_and_count

NAME = "VOICE_571_20261001_001"


def write_voice(path: Path, records: int) -> None:
    duckdb.execute(
        f"""
        COPY (
            SELECT 'C' || lpad(i::VARCHAR, 12, '0'), 'U' || lpad((i % 100000)::VARCHAR, 9, '0'),
                '138' || lpad((i % 100000000)::VARCHAR, 8, '0'), ['MOC', 'MTC', 'FWD'][1 + i % 3],
                '139' || lpad(((i * 7919) % 100000000)::VARCHAR, 8, '0'),
                ['CMCC', 'CU', 'CT', 'OTHER'][1 + i % 4],
                strftime(TIMESTAMP '2026-10-01' + to_seconds(i % 86400), '%Y%m%d%H%M%S'),
                i % 3600, i % 4, i % 5, CASE WHEN i % 10 = 0 THEN '' ELSE '0571' END,
                'CELL' || (i % 5000), i % 500, i % 300, (i % 200) - 20
            FROM range({records}) AS t(i)
        ) TO '{path}' (FORMAT csv, DELIMITER '|', HEADER false, QUOTE '', ESCAPE '')
        """
    )


def cpu_seconds() -> float:
    """CPU time of this process, all threads: steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(run, *args) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    run(*args)
    return time.perf_counter() - wall, cpu_seconds() - cpu


def untimed_check(settings: Settings) -> None:
    (path,) = settings.lake.rglob("*.parquet")
    # the parallel scan must still number lines in file order: record i is on line i + 1
    misplaced = duckdb.execute(
        f"SELECT count(*) FROM '{path}' WHERE _line_no <> CAST(substr(cdr_id, 2) AS BIGINT) + 1"
    ).fetchall()
    assert misplaced == [(0,)], misplaced


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(
        config={"memory_limit": settings.memory_limit, "threads": settings.threads,
                "temp_directory": str(settings.tmp)}
    )  # fmt: skip


def bare_copy(settings: Settings, source: Path, target: Path) -> None:
    con = connect(settings)
    con.execute(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}'")
    con.close()
    target.unlink()


def lake_columns(con: duckdb.DuckDBPyConnection, voice: Interface, lake_file: Path) -> str:
    """The lake file's columns as the one pass hands them to the writer: codes and the constant
    lineage columns as ENUMs (Parquet reads them back as text, which the writer would hash)."""
    values = {f.name: f.codes for f in voice.stored_fields if f.type is FieldType.CODE}
    for name in ("_province_code", "_data_date", "_file_name"):
        values[name] = [con.execute(f"SELECT any_value({name}) FROM '{lake_file}'").fetchone()[0]]
    return ", ".join(
        f"CAST({name} AS ENUM({', '.join(parse.sql_text(v) for v in values[name])})) AS {name}"
        if name in values else name
        for name in lake_schema(voice)
    )  # fmt: skip


def breakdown(settings: Settings, source: Path, base: Path) -> dict[str, float]:
    """CPU seconds of the parts (see the module's docstring), each timed on its own."""
    voice = INTERFACES["VOICE"]
    (lake_file,) = settings.lake.rglob("*.parquet")
    con = connect(settings)
    con.execute("SET preserve_insertion_order = false")  # as both contenders write
    con.execute(f"CREATE TABLE bare AS SELECT * FROM read_csv('{source}')")
    columns = lake_columns(con, voice, lake_file)
    con.execute(f"CREATE TABLE lake AS SELECT {columns} FROM '{lake_file}'")
    rewrite = base / "rewrite.parquet"
    parts = {
        "writer, bare copy's columns": f"COPY bare TO '{rewrite}'",
        "writer, lake file's columns": f"COPY lake TO '{rewrite}'",
        "reader, every field as text": f"SELECT count(*) FROM {parse.csv_source(voice, source)}",
    }
    cpu = {}
    for label, sql in parts.items():
        cpu[label] = timed(con.execute, sql)[1]
    cpu["content hash and line count"] = timed(hash_and_count, source)[1]
    cpu["repeated-key check"] = timed(parse.has_repeated_keys, con, voice, lake_file, [])[1]
    con.close()
    rewrite.unlink()
    return cpu


def land(settings: Settings, source: Path, records: int) -> None:
    for path in (settings.lake, settings.archive):
        shutil.rmtree(path, ignore_errors=True)
    settings.ops_db.unlink(missing_ok=True)
    settings.landing.mkdir(parents=True, exist_ok=True)
    data = settings.landing / f"{NAME}.AVL"
    shutil.copyfile(source, data)
    (settings.landing / f"{NAME}.CHK").write_text(
        f"{data.name}|{data.stat().st_size}|{records}|20261001|20261002010000|UTF-8\n"
    )


def ingest(settings: Settings, records: int) -> None:
    summary = ingest_landing(settings, progress=None)
    (outcome,) = summary.outcomes
    assert outcome.status == "LOADED" and outcome.loaded_count == records, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--breakdown", action="store_true", help="also time the parts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jingfen-bench-") as folder:
        base = Path(folder)
        settings = Settings.from_env({"JINGFEN_HOME": str(base / "home")})
        settings.tmp.mkdir(parents=True)
        source = base / f"{NAME}.AVL"
        write_voice(source, args.records)
        print(f"{args.records:,} VOICE records, {source.stat().st_size / 1e6:.0f} MB; "
              f"memory_limit={settings.memory_limit} threads={settings.threads}")  # fmt: skip
        bare, ours = [], []
        for round_no in range(1, args.rounds + 1):
            bare.append(timed(bare_copy, settings, source, base / "bare.parquet"))
            land(settings, source, args.records)
            ours.append(timed(ingest, settings, args.records))
            untimed_check(settings)
            (bare_wall, bare_cpu), (our_wall, our_cpu) = bare[-1], ours[-1]
            print(f"round {round_no}: bare copy {bare_wall:.2f} s ({bare_cpu:.2f} s CPU), "
                  f"ingest {our_wall:.2f} s ({our_cpu:.2f} s CPU); ratio "
                  f"{bare_wall / our_wall:.2f} wall, {bare_cpu / our_cpu:.2f} CPU")  # fmt: skip
            if args.breakdown:
                parts = breakdown(settings, source, base)
                print("  CPU s: " + "; ".join(f"{k} {v:.2f}" for k, v in parts.items()))
        for label, i in (("wall", 0), ("CPU", 1)):
            best = min(b[i] for b in bare) / min(o[i] for o in ours)
            median = statistics.median(b[i] for b in bare) / statistics.median(o[i] for o in ours)
            # each round's two runs saw the same machine load: their ratios are the fairest range
            rounds = [b[i] / o[i] for b, o in zip(bare, ours, strict=True)]
            print(f"speed ratio by {label} time (bare / ingest): best {best:.2f}, "
                  f"median {median:.2f}, rounds {min(rounds):.2f}–{max(rounds):.2f} "
                  "(target 0.80)")  # fmt: skip


if __name__ == "__main__":
    main()
