"""The Dagster side: definitions load, schedules pick the right month, the job writes the files."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dagster import DagsterInstance, RunRequest, SkipReason, build_schedule_context

from orchestration.reports import reports_defs
from orchestration.reports.schedules import monthly_report_after_close, weekly_flash_monday

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_definitions_load():
    reports_defs.get_repository_def().load_all_definitions()
    assert {s.name for s in reports_defs.schedules} == {
        "monthly_report_after_close",
        "weekly_flash_monday",
    }


def test_monthly_schedule_waits_for_the_close_then_asks_once_per_month(published, monkeypatch):
    monkeypatch.setenv("JINGFEN_HOME", str(published.home))
    closed = monthly_report_after_close(
        build_schedule_context(
            scheduled_execution_time=dt.datetime(2026, 3, 3, 10, tzinfo=SHANGHAI)
        )
    )
    assert isinstance(closed, RunRequest)
    assert closed.run_key == "monthly_report:202602"
    assert closed.run_config["ops"]["reports__monthly_report"]["config"]["month"] == "202602"
    # March has no bills in the published copy: no report of a month not closed yet.
    open_month = monthly_report_after_close(
        build_schedule_context(
            scheduled_execution_time=dt.datetime(2026, 4, 3, 10, tzinfo=SHANGHAI)
        )
    )
    assert isinstance(open_month, SkipReason)
    flash = weekly_flash_monday(
        build_schedule_context(scheduled_execution_time=dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI))
    )
    assert flash.run_key == "weekly_flash:2026-03-02"


def test_the_monthly_job_writes_the_report(published, monkeypatch):
    monkeypatch.setenv("JINGFEN_HOME", str(published.home))
    monkeypatch.delenv("JINGFEN_REPORT_RECIPIENTS", raising=False)
    result = reports_defs.resolve_job_def("monthly_report").execute_in_process(
        run_config={"ops": {"reports__monthly_report": {"config": {"month": "202601"}}}},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    assert (published.reports / "jingfen_report_202601.pdf").exists()
    assert (published.reports / "jingfen_report_202601.xlsx").exists()
