"""dbt's tests as quality results: one ``CheckResult`` per test of a dbt run, into quality_results.

Every rule about warehouse tables, and every reconciliation between them, is one dbt test
(``warehouse/tests/``, the quality rules in ``warehouse/tests/quality/``), run by ``dbt build`` on
whichever engine builds the warehouse, reading every row. Dagster shows them as asset checks on
their models (dagster-dbt); this module reads what dbt wrote after the build — ``run_results.json``
for the outcomes, ``manifest.json`` for what each test judges and how bad its failure is — and
turns them into the rows the quality dashboard and the report read. The failing rows of a test
kept with ``store_failures`` are sampled into its details, masked as the published copy is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from core.settings import Settings
from data_quality import frames
from data_quality.results import BLOCKING, WARNING, CheckResult

MAX_FAILING_ROWS = 20
# Columns that name the months a failing row concerns (CheckResult.partition).
MONTH_COLUMNS = ("stat_month", "bill_month", "usage_month")
# dbt's run statuses of a test that was evaluated (a skipped test was not).
EVALUATED = {"pass", "fail", "warn", "error"}


def asset_path(node: Mapping[str, Any]) -> str | None:
    """The Dagster asset of a dbt model, seed or source, as ``folder/name``: a model's key is its
    folder under models/ and its name (``indicators/kpi_monthly``), a seed's ``reference/<name>``,
    a source's its ``meta.dagster.asset_key`` (``lake/voice``)."""
    kind = node.get("resource_type")
    if kind == "model":
        return f"{node['fqn'][1]}/{node['name']}"
    if kind == "seed":
        return f"reference/{node['name']}"
    if kind == "source":
        key = (node.get("meta") or {}).get("dagster", {}).get("asset_key")
        return "/".join(key) if key else None
    return None


def _judged_node(test: Mapping[str, Any], manifest: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The node a test is the check of, as dagster-dbt attaches it: ``meta.dagster.ref`` for a
    test that reads several models, else the generic test's model, else its one parent."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    meta = (test.get("config") or {}).get("meta") or test.get("meta") or {}
    ref = meta.get("dagster", {}).get("ref", {}).get("name")
    if ref:
        return next(
            (n for n in nodes.values() if n.get("resource_type") == "model" and n["name"] == ref),
            None,
        )
    if test.get("attached_node"):
        return nodes.get(test["attached_node"])
    parents = test.get("depends_on", {}).get("nodes", [])
    return nodes.get(parents[0]) if len(parents) == 1 else None


def _threshold(config: Mapping[str, Any]) -> str:
    meta = config.get("meta") or {}
    if meta.get("threshold"):
        return str(meta["threshold"]).strip()
    # dbt writes its default condition "!= 0"
    error_if = str(config.get("error_if", "!=0")).replace(" ", "")
    warn_if = str(config.get("warn_if", "!=0")).replace(" ", "")
    if error_if == warn_if == "!=0":
        return "0 failing rows"
    return f"failing rows: error if {error_if}, warn if {warn_if}"


def _jsonable(value: Any) -> Any:
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def stored_failures(settings: Settings, relation: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A sample of the failing rows dbt kept in ``relation`` (masked as published) and the months
    they concern, read from the warehouse file once dbt has closed it."""
    con = duckdb.connect(str(settings.warehouse_db), read_only=True)
    try:
        columns = [row[0] for row in con.execute(f"describe select * from {relation}").fetchall()]
        masking = frames.masked(con, settings)
        cursor = con.execute(
            f"select {masking.select(columns)} from {relation} limit {MAX_FAILING_ROWS}"
        )
        names = [d[0] for d in cursor.description]
        rows = [
            {k: _jsonable(v) for k, v in zip(names, row, strict=True)} for row in cursor.fetchall()
        ]
        month_column = next((c for c in MONTH_COLUMNS if c in columns), None)
        months = (
            [
                str(m)
                for (m,) in con.execute(
                    f"select distinct {month_column} from {relation} "
                    f"where {month_column} is not null order by 1"
                ).fetchall()
            ]
            if month_column
            else []
        )
        return rows, months
    finally:
        con.close()


def _summary(status: str, failures: int | None, message: str, rows: list[dict]) -> str:
    if status == "pass":
        return "0 failing rows (every row read)"
    if status == "error":
        return f"could not be evaluated: {message.splitlines()[0][:200] if message else status}"
    shown = "; ".join(
        ", ".join(f"{k} {v}" for k, v in row.items() if v is not None) for row in rows[:3]
    )
    return f"{failures} failing rows" + (f": {shown}" if shown else "")


def run_results_as_checks(
    settings: Settings, run_results: Mapping[str, Any], manifest: Mapping[str, Any]
) -> list[CheckResult]:
    """One result per test dbt evaluated in the run (a skipped test is not one)."""
    out: list[CheckResult] = []
    for outcome in run_results.get("results", []):
        unique_id = outcome.get("unique_id", "")
        status = str(outcome.get("status", "")).lower()
        if not unique_id.startswith("test.") or status not in EVALUATED:
            continue
        test = manifest["nodes"][unique_id]
        judged = _judged_node(test, manifest)
        asset = asset_path(judged) if judged else None
        if asset is None:
            continue  # a test of no asset is no asset check either
        config = test.get("config") or {}
        severity = BLOCKING if str(config.get("severity", "error")).lower() == "error" else WARNING
        if status == "warn":  # over warn_if but not error_if: a warning whatever the severity
            severity = WARNING
        failures = outcome.get("failures")
        message = str(outcome.get("message") or "")
        rows: list[dict[str, Any]] = []
        months: list[str] = []
        relation = test.get("relation_name")
        details: dict[str, Any] = {"dbt_test": unique_id}
        if status in ("fail", "warn") and relation:
            try:
                rows, months = stored_failures(settings, relation)
            except duckdb.Error as err:  # the outcome stands without its sample
                details["failing_rows_error"] = f"{type(err).__name__}: {err}"
            details["stored_failures"] = relation
        if status != "pass":
            details.update({"message": message, "failing_rows": rows})
        out.append(
            CheckResult(
                check_name=test["name"],
                asset=asset,
                severity=severity,
                passed=status == "pass",
                observed_value=None if status == "error" else float(failures or 0),
                threshold=_threshold(config),
                details=details,
                partition=",".join(months) or None,
                summary=_summary(status, failures, message, rows),
            )
        )
    return out
