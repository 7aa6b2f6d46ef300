"""Great Expectations suites: one per lake interface (from core/contract.py), one per table.

The suites, their validation definitions and checkpoints live in git as a GX File Data Context
under ``data_quality/gx``; ``make suites`` (``python -m data_quality.suites``) writes them from the
specs below (run it after changing the contract or a spec, and commit the result — a test fails
when the committed folder differs from what it writes).

At run time the committed context is copied to ``$JINGFEN_HOME/quality/gx`` (so validation results
and ``uncommitted/`` never land in the source tree), its Data Docs site pointed at
``$JINGFEN_HOME/quality/docs``, and each checkpoint is run on a pandas frame read from DuckDB.

An expectation's GX ``severity`` says what its failure means for Jingfen: ``critical`` → the
check fails as *blocking* (published numbers would be wrong), ``warning`` → a warning.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.contract import INTERFACES, FieldType, Interface, Kind
from core.privacy import published_name
from core.settings import Settings
from data_quality.results import BLOCKING, WARNING, CheckResult

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.data_context import FileDataContext

PROJECT_ROOT = Path(__file__).resolve().parent  # holds gx/
DATASOURCE = "jingfen_frames"
BATCH = "whole_frame"
DOCS_SITE = "jingfen_docs"
DOCS_PLACEHOLDER = "uncommitted/data_docs/"
LAKE_INDEX = ("_file_name", "_line_no")
MAX_SAMPLES = 20

# Lake fields that can never be negative, and the ones with a closed range (contract §3 prose).
NON_NEGATIVE = {
    "duration_s", "up_kb", "down_kb", "base_fee_fen", "toll_fee_fen", "roam_fee_fen", "fee_fen",
    "employee_count", "monthly_fee_fen", "free_voice_min", "free_data_mb", "free_sms",
    "priority", "standard_fee_fen",
}  # fmt: skip
RANGES = {"share_pct": (1, 100)}
# Reference fields of event interfaces: a few NULLs are tolerated, more are a warning.
REFERENCE_NULL_MOSTLY = 0.99
REFERENCES = ("user_id", "acct_id", "cust_id")
MASKED_PHONE_REGEX = r"^1[0-9]{2}\*{4}[0-9]{4}$"  # msisdn as masked (core.privacy.mask_phone)


@dataclass(frozen=True)
class SuiteSpec:
    """One suite, the asset it judges and the columns that identify a failing row."""

    name: str
    asset: str
    index_columns: tuple[str, ...]
    expectations: list[Any] = field(default_factory=list)
    table: str = ""  # warehouse schema.table, for warehouse suites


def _gxe():
    import great_expectations.expectations as gxe

    return gxe


def _column(name: str):
    from great_expectations.expectations.row_conditions import Column

    return Column(name)


def _warn() -> dict[str, str]:
    return {"severity": "warning"}


def lake_suite(interface: Interface) -> SuiteSpec:
    """Types, codes, ranges, null rates and key uniqueness of one interface, from the contract.

    All warnings: ingestion already rejects what breaks the contract, and staging keeps one row
    per key, so a failure here means a file bypassed ingestion — worth a look, not a stop.
    """
    gxe = _gxe()
    expectations: list[Any] = []
    for f in interface.stored_fields:
        # the frame holds the published copy's columns: a birth date is its year (birth_year)
        column = published_name(f.name)
        expectations.append(gxe.ExpectColumnToExist(column=column, **_warn()))
        if f.type is FieldType.CODE:
            expectations.append(
                gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(f.codes), **_warn())
            )
        elif f.type is FieldType.MSISDN:
            expectations.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=column, regex=MASKED_PHONE_REGEX, **_warn()
                )
            )
        elif f.type is FieldType.MONTH:
            expectations.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=column, regex=r"^[0-9]{4}(0[1-9]|1[0-2])$", **_warn()
                )
            )
        elif f.type is FieldType.INT:
            expectations.append(
                gxe.ExpectColumnValuesToBeInTypeList(
                    column=column, type_list=["int64", "Int64", "float64"], **_warn()
                )
            )
            if f.name in RANGES:
                low, high = RANGES[f.name]
                expectations.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=column, min_value=low, max_value=high, **_warn()
                    )
                )
            elif f.name in NON_NEGATIVE:
                expectations.append(
                    gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, **_warn())
                )
        if f.name in interface.primary_key:
            expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=column, **_warn()))
        elif f.name in REFERENCES and interface.kind is Kind.EVENT:
            expectations.append(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=column, mostly=REFERENCE_NULL_MOSTLY, **_warn()
                )
            )
    # PK unique within one data date of one province, across all its deliveries (_001, _002…).
    # A warning: staging keeps the latest delivery's row, so a repeat does not reach the numbers.
    expectations.append(
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=[*interface.primary_key, "_province_code", "_data_date"], **_warn()
        )
    )
    return SuiteSpec(
        f"lake_{interface.code.lower()}", f"lake/{interface.code.lower()}", LAKE_INDEX, expectations
    )


def _non_negative(columns: list[str], severity: str = "critical") -> list[Any]:
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=severity) for c in columns
    ]


def _ratio(columns: list[str]) -> list[Any]:
    gxe = _gxe()
    return [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1) for c in columns]


# ARPU (yuan per billed user and month) outside this band is implausible for a city × brand cell.
# Judged on cells with enough billed users: a cell of two 全球通 VIPs legitimately averages more.
ARPU_BAND = (1, 1000)
ARPU_MIN_USERS = 100
KPI_COUNTS = [
    "users_on_net", "new_users", "churned_users", "precancel_users", "reentry_users",
    "billed_users", "calls", "voice_minutes", "billed_minutes", "offnet_minutes",
    "roam_out_minutes", "sms_sent", "data_mb",
]  # fmt: skip


def indicator_suites() -> list[SuiteSpec]:
    """Indicators: non-negative counts, ratios in [0, 1], ARPU within a plausible band."""
    gxe = _gxe()
    kpi_keys = ("stat_month", "province_code", "city_code", "brand")
    return [
        SuiteSpec(
            "indicators_kpi_monthly",
            "indicators/kpi_monthly",
            kpi_keys,
            [
                *_non_negative(KPI_COUNTS),
                *_ratio(["churn_rate"]),
                gxe.ExpectColumnValuesToBeBetween(
                    column="arpu",
                    min_value=ARPU_BAND[0],
                    max_value=ARPU_BAND[1],
                    row_condition=_column("billed_users") >= ARPU_MIN_USERS,
                    **_warn(),
                ),
                *_non_negative(["billed_revenue", "late_fee_revenue"], "warning"),
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(kpi_keys)),
            ],
            table="indicators.kpi_monthly",
        ),
        SuiteSpec(
            "indicators_finance_monthly",
            "indicators/finance_monthly",
            ("stat_month", "province_code"),
            [
                *_non_negative(["arrears", "doubtful_debt"]),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="arrears", column_B="doubtful_debt", or_equal=True
                ),
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["stat_month", "province_code"]),
            ],
            table="indicators.finance_monthly",
        ),
        SuiteSpec(
            "indicators_group_monthly",
            "indicators/group_monthly",
            ("stat_month", "province_code", "group_id"),
            [
                *_non_negative(["active_members", "member_churn"]),
                gxe.ExpectColumnValuesToBeInSet(column="group_class", value_set=["A", "B", "C"]),
                gxe.ExpectColumnValuesToBeBetween(
                    column="member_penetration", min_value=0, max_value=1, **_warn()
                ),
            ],
            table="indicators.group_monthly",
        ),
        SuiteSpec(
            "indicators_user_value_monthly",
            "indicators/user_value_monthly",
            ("stat_month", "province_code", "user_id"),
            [
                gxe.ExpectColumnValuesToBeInSet(
                    column="vip_tier", value_set=["DIAMOND", "GOLD", "SILVER"]
                ),
                *_non_negative(["avg_revenue_6m"], "warning"),
            ],
            table="indicators.user_value_monthly",
        ),
    ]


def mart_suites() -> list[SuiteSpec]:
    """The marts the indicators are summed from: counts and money that cannot be negative."""
    gxe = _gxe()
    user_month = ("province_code", "user_id", "stat_month")
    account_month = ("province_code", "acct_id", "stat_month")
    return [
        SuiteSpec(
            "marts_fct_user_months",
            "marts/fct_user_months",
            user_month,
            [
                *_non_negative(
                    [
                        "calls",
                        "voice_seconds",
                        "billed_tenth_minutes",
                        "offnet_seconds",
                        "roam_out_seconds",
                        "sms_sent",
                        "data_kb",
                    ]
                ),
                gxe.ExpectColumnValuesToBeBetween(column="active_days", min_value=0, max_value=31),
                *_non_negative(["billed_revenue_fen", "late_fee_fen"], "warning"),
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(user_month)),
            ],
            table="marts.fct_user_months",
        ),
        SuiteSpec(
            "marts_fct_account_months",
            "marts/fct_account_months",
            account_month,
            [
                *_non_negative(
                    [
                        "arrears_fen",
                        "doubtful_debt_fen",
                        "arrears_0_1_months_fen",
                        "arrears_1_3_months_fen",
                        "arrears_3_6_months_fen",
                        "arrears_6_plus_months_fen",
                    ]
                ),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="arrears_fen", column_B="doubtful_debt_fen", or_equal=True
                ),
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(account_month)),
            ],
            table="marts.fct_account_months",
        ),
    ]


def warehouse_suites() -> list[SuiteSpec]:
    return [*indicator_suites(), *mart_suites()]


def all_suites() -> list[SuiteSpec]:
    return [lake_suite(i) for i in INTERFACES.values()] + warehouse_suites()


def suite_for(name: str) -> SuiteSpec:
    return next(s for s in all_suites() if s.name == name)


# --- the File Data Context ------------------------------------------------------------------


def write_context(project_root: Path = PROJECT_ROOT) -> Path:
    """Write (or update) every suite, validation definition and checkpoint under project_root/gx."""
    import great_expectations as gx

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    context = gx.get_context(mode="file", project_root_dir=str(project_root))
    datasource = context.data_sources.add_or_update_pandas(DATASOURCE)
    for spec in all_suites():
        try:
            asset = datasource.get_asset(spec.name)
        except LookupError:
            asset = datasource.add_dataframe_asset(spec.name)
        try:
            batch = asset.get_batch_definition(BATCH)
        except (KeyError, LookupError, ValueError):
            batch = asset.add_batch_definition_whole_dataframe(BATCH)
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=spec.name, expectations=spec.expectations)
        )
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
        )
        context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=spec.name,
                validation_definitions=[definition],
                actions=[],
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": list(spec.index_columns),
                },
            )
        )
    _stable_ids(project_root / "gx")
    return project_root / "gx"


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _stable_ids(gx_dir: Path) -> None:
    """GX gives every object a random id on each write: each id is renamed after the file and
    position where it first appears (references elsewhere follow), so writing again changes only
    what the specs changed, and the committed folder can be compared byte for byte."""
    files = sorted(p for p in gx_dir.rglob("*") if p.is_file() and "uncommitted" not in p.parts)
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    stable: dict[str, str] = {}
    for path in files:
        first_seen = 0
        for found in _UUID.finditer(texts[path]):
            if found[0] not in stable:
                name = f"{path.relative_to(gx_dir).as_posix()}#{first_seen}"
                stable[found[0]] = str(uuid.uuid5(uuid.NAMESPACE_URL, name))
                first_seen += 1
    for path, text in texts.items():
        renamed = _UUID.sub(lambda found: stable[found[0]], text)
        if renamed != text:
            path.write_text(renamed, encoding="utf-8")


def runtime_context(settings: Settings) -> FileDataContext:
    """The committed context, copied under the home with Data Docs going to quality/docs."""
    import great_expectations as gx

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    root = settings.quality
    target = root / "gx"
    source = PROJECT_ROOT / "gx"
    for folder in ("expectations", "validation_definitions", "checkpoints"):
        shutil.rmtree(target / folder, ignore_errors=True)
        shutil.copytree(source / folder, target / folder)
    config = (source / "great_expectations.yml").read_text(encoding="utf-8")
    docs = settings.quality_docs
    docs.mkdir(parents=True, exist_ok=True)
    config = config.replace(DOCS_PLACEHOLDER, str(docs) + "/")
    (target / "great_expectations.yml").write_text(config, encoding="utf-8")
    return gx.get_context(mode="file", project_root_dir=str(root))


def _samples(rows: list[Any] | None) -> list[Any]:
    return [
        {k: (None if v != v else v) for k, v in r.items()} if isinstance(r, dict) else r
        for r in (rows or [])[:MAX_SAMPLES]
    ]


def validate(
    context: FileDataContext, spec: SuiteSpec, frame: pd.DataFrame
) -> tuple[CheckResult, list[Any]]:
    """Run the suite's checkpoint on ``frame``: one check result and the validation result ids."""
    checkpoint = context.checkpoints.get(spec.name)
    outcome = checkpoint.run(batch_parameters={"dataframe": frame})
    failed: list[dict[str, Any]] = []
    evaluated = 0
    identifiers = []
    for identifier, run in outcome.run_results.items():
        identifiers.append(identifier)
        for er in run.results:
            evaluated += 1
            if er.success:
                continue
            config = er.expectation_config
            result = er.result or {}
            failed.append(
                {
                    "expectation": config.type,
                    "column": config.kwargs.get("column")
                    or config.kwargs.get("column_list")
                    or [config.kwargs.get("column_A"), config.kwargs.get("column_B")],
                    "severity": BLOCKING if _critical(config) else WARNING,
                    "unexpected_count": result.get("unexpected_count"),
                    "unexpected_percent": result.get("unexpected_percent"),
                    "failing_rows": _samples(result.get("unexpected_index_list")),
                    "error": (er.exception_info or {}).get("exception_message")
                    if not er.result
                    else None,
                }
            )
    blocking = any(f["severity"] == BLOCKING for f in failed)
    names = ", ".join(f"{f['expectation']}({f['column']})" for f in failed[:5]) + (
        f" and {len(failed) - 5} more" if len(failed) > 5 else ""
    )
    population = frame.attrs.get("population", len(frame))
    rows = f"{len(frame)} rows" + (
        f" of {population} (a sample by key)" if population > len(frame) else ""
    )
    result = CheckResult(
        check_name="expectations",
        asset=spec.asset,
        severity=BLOCKING if blocking or (not failed and _has_critical(spec)) else WARNING,
        passed=not failed,
        observed_value=float(len(failed)),
        threshold="0 failed expectations",
        details={
            "suite": spec.name,
            "rows": len(frame),
            "population": population,
            "expectations": evaluated,
            "failed": failed,
        },
        summary=f"{evaluated - len(failed)}/{evaluated} expectations met on {rows}"
        + (f"; failed: {names}" if failed else ""),
    )
    return result, identifiers


def _critical(expectation: Any) -> bool:
    return str(getattr(expectation, "severity", "critical")).lower().endswith("critical")


def _has_critical(spec: SuiteSpec) -> bool:
    return any(_critical(e) for e in spec.expectations)


def build_docs(context: FileDataContext, validation_ids: list[Any]) -> Path | None:
    """Render this run's validation results (and the index) into the Data Docs site."""
    try:
        context.build_data_docs(resource_identifiers=validation_ids or None)
    except Exception:  # Data Docs are a convenience: a rendering bug must not fail a check
        return None
    urls = context.get_docs_sites_urls()
    return Path(urls[0]["site_url"].removeprefix("file://")) if urls else None


def main() -> int:
    path = write_context()
    print(f"wrote {len(all_suites())} suites, validation definitions and checkpoints to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
