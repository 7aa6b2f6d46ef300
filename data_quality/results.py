"""One quality result per check evaluation, and the store they go to (quality.duckdb).

Every check — GX suite, reconciliation, observability, volatility — ends as a ``CheckResult``.
The Dagster wiring turns them into asset check results; ``store`` keeps them in
``$JINGFEN_HOME/quality.duckdb`` table ``quality_results``, which publication copies to
``ops.quality_results``. Nothing personal goes in: details name keys, files and lines, never an
msisdn, other_number or cert_no (see ``frames.mask_personal``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from core.settings import Settings

BLOCKING = "blocking"
WARNING = "warning"

TABLE_DDL = """
create table if not exists quality_results (
    check_name varchar,
    asset varchar,
    partition varchar,
    severity varchar,
    passed boolean,
    observed_value double,
    threshold varchar,
    checked_at timestamp,
    details varchar,
    run_id varchar
)
"""


@dataclass
class CheckResult:
    """The outcome of one check on one asset.

    ``severity`` is what a failure means: ``blocking`` (published numbers would be wrong; stops the
    publication) or ``warning``. A passed result keeps the severity its failure would have had.
    ``partition`` names the data dates or months the failure concerns (comma-separated), if any.
    """

    check_name: str
    asset: str
    severity: str
    passed: bool
    observed_value: float | None
    threshold: str
    details: dict[str, Any] = field(default_factory=dict)
    partition: str | None = None
    summary: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING and not self.passed

    def describe(self) -> str:
        state = "passed" if self.passed else f"FAILED ({self.severity})"
        return f"{self.check_name} on {self.asset}: {state}; {self.summary}".rstrip("; ")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def store(settings: Settings, results: list[CheckResult], run_id: str = "") -> None:
    """Append ``results`` to quality_results in one transaction (waits a minute for the lock)."""
    if not results:
        return
    path = settings.quality_db
    path.parent.mkdir(parents=True, exist_ok=True)
    checked_at = datetime.now().replace(microsecond=0)
    rows = [
        (
            r.check_name,
            r.asset,
            r.partition,
            r.severity,
            r.passed,
            None if r.observed_value is None else float(r.observed_value),
            r.threshold,
            checked_at,
            _json({"summary": r.summary, **r.details}),
            run_id,
        )
        for r in results
    ]
    deadline = time.monotonic() + 60
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    try:
        con.execute(TABLE_DDL)
        con.execute("begin")
        con.executemany("insert into quality_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("commit")
    finally:
        con.close()


def latest(settings: Settings) -> list[dict[str, Any]]:
    """The newest result of every (check_name, asset): what the quality dashboard shows."""
    path = settings.quality_db
    if not path.exists():
        return []
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(
            "select * from quality_results "
            "qualify row_number() over (partition by check_name, asset "
            "order by checked_at desc, rowid desc) = 1 order by asset, check_name"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
