"""Every lake check, what it judges and how bad its failure is — and running them.

``LAKE_CHECKS`` is the catalogue the Dagster wiring turns into asset checks
(orchestration/quality/checks.py) and data_quality/README.md documents; ``evaluate_lake`` runs
them and returns ``CheckResult``s; nothing here imports Dagster. The warehouse's rules are dbt
tests (warehouse/tests/quality/), read back by ``data_quality.dbt_tests``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.contract import INTERFACES, Period
from core.settings import Settings
from data_quality import frames, observability, suites
from data_quality.results import BLOCKING, WARNING, CheckResult

# GX validates the newest data dates of each interface per run (older ones were judged by the
# runs that loaded them): a week of daily data dates, the newest two months of monthly ones.
GX_WINDOW = {Period.DAY: 7, Period.MONTH: 2}


@dataclass(frozen=True)
class CheckSpec:
    name: str
    asset: str  # "lake/voice", "indicators/kpi_monthly"
    severity: str  # the worst a failure can be: blocking checks gate the publication
    description: str


def _lake_specs() -> list[CheckSpec]:
    out = []
    for code, interface in INTERFACES.items():
        asset = f"lake/{code.lower()}"
        out.append(
            CheckSpec(
                "expectations",
                asset,
                WARNING,
                f"GX suite lake_{code.lower()} (from core/contract.py): types, codes, ranges, "
                "null rates, primary key unique per province and data date.",
            )
        )
        descriptions = {
            "freshness": "Newest data date delivered on time against the province's virtual "
            "clock (daily by D+1 06:00, monthly by the 3rd).",
            "volume": "Records per data date within 0.5x–2x of the trailing median.",
            "schema": "Lake files' columns and types equal the contract's lake schema.",
            "sequence_complete": "No split file (_001, _002…) of a data date missing or rejected.",
            "rejections": "No delivery left REJECTED, no rejected record (load log).",
            "snapshot_months": "No month without a snapshot between the first and the due one.",
            "unknown_users": "Usage of users in no USER snapshot: warning when any, blocking "
            "when more than 1% of one data date's records.",
        }
        for name in observability.lake_checks(code):
            severity = BLOCKING if name == "unknown_users" else WARNING
            out.append(CheckSpec(name, asset, severity, descriptions[name]))
        del interface
    return out


LAKE_CHECKS = _lake_specs()


def _guarded(name: str, asset: str, severity: str, run: Callable[[], CheckResult]) -> CheckResult:
    """A check that cannot be computed fails (with its error), rather than crashing the others."""
    try:
        return run()
    except Exception as err:  # the error is the finding
        return CheckResult(
            name,
            asset,
            severity,
            False,
            None,
            "the check must be computable",
            {"error": f"{type(err).__name__}: {err}"},
            None,
            f"could not be evaluated: {type(err).__name__}: {str(err).splitlines()[0][:200]}",
        )


def evaluate_lake(
    settings: Settings, ifaces: list[str] | None = None
) -> tuple[list[CheckResult], Path | None]:
    """Every lake check of ``ifaces`` (default all); returns the results and the Data Docs index."""
    codes = ifaces or list(INTERFACES)
    results: list[CheckResult] = []
    validation_ids: list = []
    context = suites.runtime_context(settings)
    with frames.lake(settings) as con:
        masking = frames.masked(con, settings)
        for code in codes:
            spec = suites.lake_suite(INTERFACES[code])
            window = GX_WINDOW[INTERFACES[code].period]

            def run_suite(spec=spec, code=code, window=window) -> CheckResult:
                parts = frames.lake_frames(masking, code, window)
                result, ids = suites.validate(context, spec, parts)
                validation_ids.extend(ids)
                return result

            results.append(_guarded("expectations", spec.asset, WARNING, run_suite))
            files = [str(p) for p in frames.lake_files(settings, code)]
            for name in observability.lake_checks(code):
                severity = BLOCKING if name == "unknown_users" else WARNING

                def run_check(name=name, code=code, files=files) -> CheckResult:
                    if name == "schema":
                        return observability.schema_drift(con, code, files)
                    return observability.CHECKS[name](con, code)

                results.append(_guarded(name, f"lake/{code.lower()}", severity, run_check))
    return results, suites.build_docs(context, validation_ids)


__all__ = [
    "BLOCKING",
    "LAKE_CHECKS",
    "WARNING",
    "CheckSpec",
    "evaluate_lake",
]
