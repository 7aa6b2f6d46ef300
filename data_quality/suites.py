"""Great Expectations suites: one per lake interface, from core/contract.py.

GX judges the lake's Parquet files (what ingestion wrote), with its Data Docs. Rules about
warehouse tables are dbt tests (warehouse/tests/quality/, data_quality/dbt_tests.py): they read
every row on the engine that builds the warehouse.

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
from collections.abc import Iterable
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


def _gxe():
    import great_expectations.expectations as gxe

    return gxe


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


def all_suites() -> list[SuiteSpec]:
    return [lake_suite(i) for i in INTERFACES.values()]


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
    context: FileDataContext, spec: SuiteSpec, frames: Iterable[pd.DataFrame]
) -> tuple[CheckResult, list[Any]]:
    """Run the suite's checkpoint on every frame (the parts of one table, ``frames.parts``): one
    check result over all of them, and the validation result ids."""
    checkpoint = context.checkpoints.get(spec.name)
    failed: dict[tuple[str, str], dict[str, Any]] = {}
    evaluated: set[tuple[str, str]] = set()
    identifiers: list[Any] = []
    rows = population = 0
    for frame in frames:
        rows += len(frame)
        population = frame.attrs.get("population", rows)
        outcome = checkpoint.run(batch_parameters={"dataframe": frame})
        for identifier, run in outcome.run_results.items():
            identifiers.append(identifier)
            for er in run.results:
                config = er.expectation_config
                column = (
                    config.kwargs.get("column")
                    or config.kwargs.get("column_list")
                    or [config.kwargs.get("column_A"), config.kwargs.get("column_B")]
                )
                key = (config.type, str(column))
                evaluated.add(key)
                if er.success:
                    continue
                result = er.result or {}
                found = failed.setdefault(
                    key,
                    {
                        "expectation": config.type,
                        "column": column,
                        "severity": BLOCKING if _critical(config) else WARNING,
                        "unexpected_count": 0,
                        "failing_rows": [],
                        "error": None,
                    },
                )
                found["unexpected_count"] += result.get("unexpected_count") or 0
                found["failing_rows"] = _samples(
                    found["failing_rows"] + (result.get("unexpected_index_list") or [])
                )
                if not er.result:
                    found["error"] = (er.exception_info or {}).get("exception_message")
    failures = list(failed.values())
    blocking = any(f["severity"] == BLOCKING for f in failures)
    names = ", ".join(f"{f['expectation']}({f['column']})" for f in failures[:5]) + (
        f" and {len(failures) - 5} more" if len(failures) > 5 else ""
    )
    result = CheckResult(
        check_name="expectations",
        asset=spec.asset,
        severity=BLOCKING if blocking or (not failures and _has_critical(spec)) else WARNING,
        passed=not failures,
        observed_value=float(len(failures)),
        threshold="0 failed expectations",
        details={
            "suite": spec.name,
            "rows": rows,
            "population": population,
            "expectations": len(evaluated),
            "failed": failures,
        },
        summary=f"{len(evaluated) - len(failures)}/{len(evaluated)} expectations met on "
        f"{rows} rows" + (f"; failed: {names}" if failures else ""),
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
