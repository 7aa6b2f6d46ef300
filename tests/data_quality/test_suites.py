"""The committed GX context is what the specs write; the store round-trips.

The ARPU band and the other rules about warehouse tables are dbt tests, proven in
tests/data_quality/test_clean_province.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from core.contract import INTERFACES
from core.settings import Settings
from data_quality import results, suites


def test_every_interface_has_a_suite_from_the_contract():
    names = {s.name for s in suites.all_suites()}
    # One suite per interface and none of a warehouse table: those rules are dbt tests.
    assert names == {f"lake_{code.lower()}" for code in INTERFACES}
    voice = suites.suite_for("lake_voice")
    kinds = {type(e).__name__ for e in voice.expectations}
    assert kinds == {
        "ExpectColumnToExist", "ExpectColumnValuesToBeBetween", "ExpectColumnValuesToBeInSet",
        "ExpectColumnValuesToBeInTypeList", "ExpectColumnValuesToMatchRegex",
        "ExpectColumnValuesToNotBeNull", "ExpectCompoundColumnsToBeUnique",
    }  # fmt: skip


def _tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "uncommitted" not in path.parts
    }


def test_committed_context_is_what_make_suites_writes(tmp_path):
    """Fails after a change to the contract or a spec, or a hand edit: run `make suites`."""
    committed = suites.PROJECT_ROOT / "gx"
    shutil.copytree(committed, tmp_path / "gx", ignore=shutil.ignore_patterns("uncommitted"))
    suites.write_context(tmp_path)
    written = _tree(tmp_path / "gx")
    assert written == _tree(committed)
    # GX leaves a suite no spec writes any more in place: the committed folder must not hold one
    names = {spec.name for spec in suites.all_suites()}
    for folder in ("expectations", "validation_definitions", "checkpoints"):
        assert {p.stem for p in (committed / folder).glob("*.json")} == names, folder
    checkpoint = json.loads(written["checkpoints/lake_voice.json"])
    assert checkpoint["result_format"] == {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": ["_file_name", "_line_no"],
    }


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
