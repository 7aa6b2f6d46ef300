"""Every quality check, what it judges and how bad its failure is — and running them.

``LAKE_CHECKS`` and ``WAREHOUSE_CHECKS`` are the catalogue the Dagster wiring turns into asset
checks (orchestration/quality/checks.py) and data_quality/README.md documents. ``evaluate_lake``
and ``evaluate_warehouse`` run them and return ``CheckResult``s; nothing here imports Dagster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.contract import INTERFACES, Period
from core.settings import Settings
from data_quality import frames, observability, reconciliations, suites, volatility
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

WAREHOUSE_CHECKS = [
    *(
        CheckSpec(
            "expectations",
            s.asset,
            BLOCKING,
            f"GX suite {s.name}: non-negative counts, ratios in [0, 1], unique keys (blocking); "
            "plausibility such as ARPU within its band (warning).",
        )
        for s in suites.warehouse_suites()
    ),
    CheckSpec(
        "revenue_assurance",
        "marts/fct_bill_items",
        WARNING,
        "Rated CDR fees per user-month equal the BILL usage items (standard_fee_fen).",
    ),
    CheckSpec(
        "day_sums_match_month",
        "marts/fct_user_months",
        BLOCKING,
        "The sum of fct_user_day_usage over a user's month equals fct_user_months.",
    ),
    CheckSpec(
        "published_totals_match_lake",
        "indicators/kpi_monthly",
        BLOCKING,
        "users_on_net, billed_users, billed_revenue, calls, sms_sent per province-month equal a "
        "direct count from the lake.",
    ),
    CheckSpec(
        "arrears_match_ledger",
        "marts/fct_account_months",
        BLOCKING,
        "Per account: max(0, Σ billed − Σ paid) equals arrears_fen; finance_monthly.arrears is "
        "their sum.",
    ),
    CheckSpec(
        "volatility",
        "indicators/kpi_monthly",
        WARNING,
        "Key indicators month over month within per-indicator tolerances; names the cities and "
        "brands that moved most.",
    ),
]


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
                frame = frames.lake_frame(masking, code, window)
                result, ids = suites.validate(context, spec, frame)
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


def evaluate_warehouse(settings: Settings) -> tuple[list[CheckResult], Path | None]:
    """Every check of the marts and indicators (after dbt); the warehouse is open read-only."""
    results: list[CheckResult] = []
    validation_ids: list = []
    context = suites.runtime_context(settings)
    with frames.lake(settings) as con:
        reconciliations.attach_warehouse(con, settings)
        masking = frames.masked(con, settings)
        try:
            for spec in suites.warehouse_suites():

                def run_suite(spec=spec) -> CheckResult:
                    frame = frames.table_frame(masking, spec.table, spec.index_columns)
                    result, ids = suites.validate(context, spec, frame)
                    validation_ids.extend(ids)
                    return result

                results.append(_guarded("expectations", spec.asset, BLOCKING, run_suite))
            for check in WAREHOUSE_CHECKS:
                if check.name in reconciliations.RECONCILIATIONS:
                    fn = reconciliations.RECONCILIATIONS[check.name]
                    results.append(
                        _guarded(check.name, check.asset, check.severity, lambda fn=fn: fn(con))
                    )
            results.append(
                _guarded(
                    "volatility",
                    "indicators/kpi_monthly",
                    WARNING,
                    lambda: volatility.month_over_month(
                        frames.table_frame(
                            masking,
                            "indicators.kpi_monthly",
                            suites.suite_for("indicators_kpi_monthly").index_columns,
                        )
                    ),
                )
            )
        finally:
            reconciliations.detach_warehouse(con)
    return results, suites.build_docs(context, validation_ids)


__all__ = [
    "BLOCKING",
    "LAKE_CHECKS",
    "WAREHOUSE_CHECKS",
    "WARNING",
    "CheckSpec",
    "evaluate_lake",
    "evaluate_warehouse",
]
