"""Scheduled management reports: the month on paper (PDF + Excel), by e-mail.

Plain Python with no Dagster import, so the CLI, the Dagster schedule and the tests share it:

- ``build_report(settings, month, say)`` reads every figure from the published copy and writes
  ``jingfen_report_YYYYMM.pdf`` and ``.xlsx`` under ``settings.reports``;
- ``build_flash(settings, say)`` does the same for the weekly flash of the latest days;
- ``send_report(settings, files, recipients)`` mails both files in one message.
"""

from reports.build import ReportFiles, build_flash, build_report
from reports.mail import send_report

__all__ = ["ReportFiles", "build_flash", "build_report", "send_report"]
