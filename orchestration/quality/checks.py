"""The lake's quality checks as Dagster asset checks: thin wiring around data_quality.checks.

``lake_quality`` (one multi-asset check, one step) holds every check of the lake/<iface> assets
(GX suite, freshness, volume, schema, sequences, snapshot months, rejections, unknown users). It
is selected into build_and_publish, where it runs once everything is ingested and before dbt, and
its blocking failures keep the published copy (downstream of every lake asset) from being
rebuilt. The ingest jobs leave it out (``.without_checks()`` in orchestration/ingestion/jobs.py):
a daily ingest runs before the month's USER snapshot is in. Run in any other job (from the UI),
its verdicts are reported as warnings.

The warehouse's rules and reconciliations are dbt tests, which dagster-dbt makes asset checks of
their models (blocking when their severity is error); ``orchestration/warehouse/assets.py``
stores their outcomes (``data_quality.dbt_tests``) after each build.

Every result also goes to ``$JINGFEN_HOME/quality.duckdb`` (quality_results) and links the GX
Data Docs under ``$JINGFEN_HOME/quality/docs``.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from core.settings import Settings
from data_quality.checks import LAKE_CHECKS, CheckSpec, evaluate_lake
from data_quality.results import BLOCKING, CheckResult, store
from orchestration.failures import infrastructure_retries
from orchestration.resources import JingfenHome

GATE_JOB = "build_and_publish"
MAX_DETAILS_CHARS = 8000
# The checks write quality.duckdb, which the publication reads: they take the warehouse's one
# writer slot.
QUALITY_POOL = "warehouse_writer"


def _key(asset: str) -> AssetKey:
    return AssetKey(asset.split("/"))


def _spec(check: CheckSpec) -> AssetCheckSpec:
    return AssetCheckSpec(
        check.name,
        asset=_key(check.asset),
        description=f"[{check.severity}] {check.description}",
        blocking=check.severity == BLOCKING,
    )


def _dagster_result(
    result: CheckResult, docs: Path | None, gate: bool, settings: Settings, run_id: str
) -> AssetCheckResult:
    blocking = result.severity == BLOCKING and gate
    details = json.dumps(result.details, ensure_ascii=False, default=str, sort_keys=True)
    metadata = {
        "severity": result.severity if gate else f"{result.severity} (reported as warning here)",
        "summary": result.summary,
        "threshold": result.threshold,
        "partition": result.partition or "",
        "details": MetadataValue.json(json.loads(details))
        if len(details) <= MAX_DETAILS_CHARS
        else MetadataValue.text(details[:MAX_DETAILS_CHARS] + " …(see quality_results)"),
        "results_store": MetadataValue.path(str(settings.quality_db)),
        "run_id": run_id,
    }
    if result.observed_value is not None:
        metadata["observed_value"] = float(result.observed_value)
    if docs:
        metadata["data_docs"] = MetadataValue.url(f"file://{docs}")
    return AssetCheckResult(
        asset_key=_key(result.asset),
        check_name=result.check_name,
        passed=result.passed,
        severity=AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN,
        description=result.summary[:1000],
        metadata=metadata,
    )


def _emit(
    context: AssetCheckExecutionContext,
    home: JingfenHome,
    results: list[CheckResult],
    docs: Path | None,
) -> Iterator[AssetCheckResult]:
    gate = context.run.job_name == GATE_JOB
    wanted = set(context.selected_asset_check_keys)
    chosen = [r for r in results if AssetCheckKey(_key(r.asset), r.check_name) in wanted]
    if not gate:
        for r in chosen:
            r.details = {**r.details, "preliminary": f"evaluated in {context.run.job_name}"}
    store(home.settings, chosen, context.run.run_id)
    for r in chosen:
        (context.log.info if r.passed else context.log.warning)(r.describe())
        yield _dagster_result(r, docs, gate, home.settings, context.run.run_id)


@multi_asset_check(
    specs=[_spec(c) for c in LAKE_CHECKS],
    name="lake_quality",
    can_subset=True,
    pool=QUALITY_POOL,
    description="Quality of the lake: GX suites from the contract and delivery observability.",
)
def lake_quality(
    context: AssetCheckExecutionContext, home: JingfenHome
) -> Iterator[AssetCheckResult]:
    ifaces = sorted({k.asset_key.path[-1].upper() for k in context.selected_asset_check_keys})
    with infrastructure_retries("the lake quality checks", home.settings):
        results, docs = evaluate_lake(home.settings, ifaces)
    yield from _emit(context, home, results, docs)


quality_checks = [lake_quality]
lake_check_keys = [AssetCheckKey(_key(c.asset), c.name) for c in LAKE_CHECKS]
