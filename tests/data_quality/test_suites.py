"""The committed GX context matches the suites the specs generate; the store round-trips."""

from __future__ import annotations

import json

from core.contract import INTERFACES
from core.settings import Settings
from data_quality import results, suites


def _committed(name: str) -> list[tuple]:
    path = suites.PROJECT_ROOT / "gx" / "expectations" / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return sorted(
        (e["type"], json.dumps(e["kwargs"], sort_keys=True), e["severity"])
        for e in data["expectations"]
    )


def _generated(spec: suites.SuiteSpec) -> list[tuple]:
    out = []
    for e in spec.expectations:
        config = e.configuration
        kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
        out.append((config.type, json.dumps(kwargs, sort_keys=True), str(e.severity.value)))
    return sorted(out)


def test_every_interface_has_a_suite_from_the_contract():
    names = {s.name for s in suites.all_suites()}
    # One suite per interface, plus the published tables and the marts the gate judges.
    assert names == {f"lake_{code.lower()}" for code in INTERFACES} | {
        "indicators_finance_monthly", "indicators_group_monthly", "indicators_kpi_monthly",
        "indicators_user_value_monthly", "marts_fct_account_months", "marts_fct_user_months",
    }  # fmt: skip
    voice = suites.suite_for("lake_voice")
    kinds = {type(e).__name__ for e in voice.expectations}
    assert kinds == {
        "ExpectColumnToExist", "ExpectColumnValuesToBeBetween", "ExpectColumnValuesToBeInSet",
        "ExpectColumnValuesToBeInTypeList", "ExpectColumnValuesToMatchRegex",
        "ExpectColumnValuesToNotBeNull", "ExpectCompoundColumnsToBeUnique",
    }  # fmt: skip


def test_committed_context_matches_the_specs():
    """Fails after a change to the contract or a spec: run `python -m data_quality.suites`."""
    gx_dir = suites.PROJECT_ROOT / "gx"
    for spec in suites.all_suites():
        assert _committed(spec.name) == _generated(spec), spec.name
        assert (gx_dir / "checkpoints" / f"{spec.name}.json").exists()
        assert (gx_dir / "validation_definitions" / f"{spec.name}.json").exists()
        checkpoint = json.loads((gx_dir / "checkpoints" / f"{spec.name}.json").read_text())
        assert checkpoint["result_format"]["result_format"] == "COMPLETE"
        assert checkpoint["result_format"]["unexpected_index_column_names"] == list(
            spec.index_columns
        )


def test_results_store_round_trips(tmp_path):
    settings = Settings(home=tmp_path)
    first = results.CheckResult("volume", "lake/voice", results.WARNING, False, 0.7, "band",
                                {"outliers": [1]}, "20260110", "low")  # fmt: skip
    results.store(settings, [first], "run-1")
    first.passed = True
    results.store(settings, [first], "run-2")
    [latest] = results.latest(settings)
    assert latest["passed"] and latest["run_id"] == "run-2"
    assert json.loads(latest["details"]) == {"summary": "low", "outliers": [1]}


def test_arpu_band_judges_only_cells_with_enough_billed_users(tmp_path):
    """The band's row condition must filter: an implausible ARPU fails with 100+ billed users
    and is let through below, where one large account moves the average."""
    import pandas as pd

    context = suites.runtime_context(Settings(home=tmp_path))
    spec = suites.suite_for("indicators_kpi_monthly")
    counts = dict.fromkeys(suites.KPI_COUNTS, 1)
    low, high = suites.ARPU_BAND

    def cell(city: str, billed_users: int, arpu: float) -> dict:
        keys = {"stat_month": "202601", "province_code": "571", "city_code": city,
                "brand": "GOTONE"}  # fmt: skip
        money = {"billed_revenue": arpu * billed_users, "late_fee_revenue": 0.0}
        return {**keys, **counts, **money, "churn_rate": 0.01, "billed_users": billed_users,
                "arpu": arpu}  # fmt: skip

    few = suites.ARPU_MIN_USERS - 1
    frame = pd.DataFrame([cell("0571", few, high * 10), cell("0574", few, (low + high) / 2)])
    result, _ = suites.validate(context, spec, frame)
    assert result.passed, result.summary

    frame = pd.DataFrame([cell("0571", suites.ARPU_MIN_USERS, high * 10)])
    result, _ = suites.validate(context, spec, frame)
    [failed] = result.details["failed"]
    assert (failed["column"], failed["severity"]) == ("arpu", results.WARNING)
