"""Build a report: read the figures, write the commentary, the PDF and the workbook."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.months import check_month, month_label
from core.settings import Settings
from reports import commentary, excel, pdf
from reports.flash import load_flash
from reports.formats import fmt
from reports.month import load_month
from reports.tables import ALL, INT


@dataclass(frozen=True)
class ReportFiles:
    """What a build wrote, and what the e-mail says about it."""

    pdf: Path
    xlsx: Path
    subject: str
    summary: tuple[str, ...]

    @property
    def attachments(self) -> tuple[Path, Path]:
        return (self.pdf, self.xlsx)


def write_atomically(path: Path, data: bytes) -> Path:
    """Write a file under a temporary name in its folder, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _suffix(scope: str) -> str:
    return "" if scope == ALL else f"_{scope}"


def build_report(
    settings: Settings,
    month: str,
    say: Callable[[str], None] = print,
    province: str | None = None,
) -> ReportFiles:
    """Write jingfen_report_YYYYMM.pdf and .xlsx under settings.reports; return their paths.

    Every figure comes from the published copy. ``province`` limits the report to one province;
    by default it covers every province of the published copy. A month without published figures
    raises JingfenError.
    """
    check_month(month)
    say(f"Reading the figures of {month} from {settings.serving_db}…")
    month_figures = load_month(settings, month, province)
    month_figures.commentary = commentary.month_commentary(month_figures)
    name = f"jingfen_report_{month}{_suffix(month_figures.scope)}"
    say("Writing the PDF and the workbook…")
    pdf_bytes = pdf.month_pdf(month_figures)
    xlsx_bytes = excel.month_workbook(month_figures)
    pdf_path = write_atomically(settings.reports / f"{name}.pdf", pdf_bytes)
    xlsx_path = write_atomically(settings.reports / f"{name}.xlsx", xlsx_bytes)
    say(f"Wrote {pdf_path} and {xlsx_path}.")
    users = month_figures.indicator("users_on_net")
    return ReportFiles(
        pdf=pdf_path,
        xlsx=xlsx_path,
        subject=f"经营分析月报 {month_label(month)} Management report {month} "
        f"({month_figures.scope_name})",
        summary=(
            f"在网用户数 Users on net: {fmt(users.value, INT)}",
            *month_figures.commentary,
        ),
    )


def build_flash(
    settings: Settings,
    say: Callable[[str], None] = print,
    end_date: dt.date | None = None,
    province: str | None = None,
) -> ReportFiles:
    """Write jingfen_flash_YYYYMMDD.pdf and .xlsx: the latest 7 days against the 7 before."""
    say(f"Reading the latest days from {settings.serving_db}…")
    flash = load_flash(settings, end_date, province)
    flash.commentary = commentary.flash_commentary(flash)
    name = f"jingfen_flash_{flash.end_date:%Y%m%d}{_suffix(flash.scope)}"
    pdf_path = write_atomically(settings.reports / f"{name}.pdf", pdf.flash_pdf(flash))
    xlsx_path = write_atomically(settings.reports / f"{name}.xlsx", excel.flash_workbook(flash))
    say(f"Wrote {pdf_path} and {xlsx_path}.")
    return ReportFiles(
        pdf=pdf_path,
        xlsx=xlsx_path,
        subject=f"经营快报 周报 Weekly flash {flash.end_date:%Y-%m-%d} ({flash.scope_name})",
        summary=tuple(flash.commentary),
    )
