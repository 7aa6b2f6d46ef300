"""The ``jingfen`` command line (docs/design.md is its contract)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import JingfenError, is_interruption
from core.months import is_month
from core.settings import Settings


def _month(text: str) -> str:
    if not is_month(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month written YYYYMM")
    return text


def _provinces(text: str) -> list[str]:
    codes = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in codes if len(p) != 3 or not p.isdigit()]
    if bad or not codes:
        raise argparse.ArgumentTypeError(
            f"province codes are 3 digits separated by commas, got {text!r}"
        )
    return codes


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a rate is between 0 and 1, got {text}")
    return value


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from generator import generate

    generate(
        settings.landing,
        users=args.users,
        months=args.months,
        seed=args.seed,
        start=args.start,
        provinces=args.provinces,
        defects=args.defects,
        progress=print,
    )
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.ingest import ingest_landing

    summary = ingest_landing(settings, progress=print)
    print(summary.describe())
    failure = summary.failure()
    if failure is not None:
        raise JingfenError(failure)
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.runner import run_pipeline

    run_pipeline(settings, say=print)
    return 0


def cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    from publication.audit import audited_query
    from publication.query import FORMATTERS

    result = audited_query(settings, args.query)
    sys.stdout.write(FORMATTERS[args.format](result))
    return 0


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from publication.audit import parse_since, read_audit
    from publication.query import FORMATTERS

    since = parse_since(args.since) if args.since else None
    sys.stdout.write(FORMATTERS[args.format](read_audit(settings, since)))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from dashboards.service import superset_services
    from jingfen.serve import dagster_services, serve

    return serve(dagster_services(settings) + superset_services(settings))


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from reports import build_report, send_report

    files = build_report(settings, args.month, say=print)
    if args.email:
        send_report(settings, files, args.email, say=print)
    return 0


def cmd_targets_template(args: argparse.Namespace, settings: Settings) -> int:
    from planning import template
    from planning.layout import provinces

    chosen = [args.province] if args.province else list(provinces())
    default = f"targets_{args.year}" + (f"_{args.province}" if args.province else "") + ".xlsx"
    path = template(Path(args.output or default), args.year, chosen)
    print(f"wrote {path}: fill in the targets, then run 'jingfen targets import {path}'")
    return 0


def cmd_targets_import(args: argparse.Namespace, settings: Settings) -> int:
    from planning import import_workbook

    for path in import_workbook(Path(args.workbook), settings.landing):
        print(f"landed {path.name} in {settings.landing}: 'jingfen run' ingests it")
    return 0


def _year(text: str) -> int:
    if len(text) != 4 or not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a year written YYYY")
    return int(text)


def _province(text: str) -> str:
    from planning.layout import provinces

    if text not in provinces():
        raise argparse.ArgumentTypeError(
            f"unknown province {text!r}: one of {', '.join(provinces())}"
        )
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jingfen",
        description="Jingfen (经分): business-analysis warehouse for mobile operators. "
        "Everything a run writes lives under $JINGFEN_HOME (default ./jingfen-home).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser("generate", help="write a synthetic province's deliveries into landing/")
    gen.add_argument("--users", type=_positive_int, required=True, help="subscribers per province")
    gen.add_argument("--months", type=_positive_int, required=True, help="months of history")
    gen.add_argument("--seed", type=int, required=True, help="random seed (same seed, same bytes)")
    gen.add_argument("--start", type=_month, default="202601", help="first month, YYYYMM")
    gen.add_argument("--provinces", type=_provinces, default=["571"], help="e.g. 571,574")
    gen.add_argument(
        "--defects",
        type=_rate,
        default=0.0,
        help="share of deliveries given an injected defect (0 to 1)",
    )
    gen.set_defaults(func=cmd_generate)

    ing = sub.add_parser("ingest", help="load every ready delivery from landing/ into the lake")
    ing.set_defaults(func=cmd_ingest)

    run = sub.add_parser("run", help="ingest, build, check and publish")
    run.set_defaults(func=cmd_run)

    sql = sub.add_parser("sql", help="read-only query on the published copy")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.add_argument("query")
    sql.set_defaults(func=cmd_sql)

    audit = sub.add_parser("audit", help="the audit log of 'jingfen sql': who ran what, when")
    audit.add_argument(
        "--since", help="from a UTC date or time (2026-12-01, 2026-12-01 08:00) or an age (2h, 7d)"
    )
    audit.add_argument("--format", choices=("table", "csv", "json"), default="table")
    audit.set_defaults(func=cmd_audit)

    serve = sub.add_parser("serve", help="start the Dagster UI and Superset on localhost")
    serve.set_defaults(func=cmd_serve)

    report = sub.add_parser("report", help="build the management report of a month")
    report.add_argument("--month", type=_month, required=True)
    report.add_argument("--email", help="comma-separated recipients")
    report.set_defaults(func=cmd_report)

    targets = sub.add_parser("targets", help="the yearly plan (考核目标) as an Excel workbook")
    targets_sub = targets.add_subparsers(dest="targets_command", required=True, metavar="ACTION")
    blank = targets_sub.add_parser("template", help="write the empty plan workbook of a year")
    blank.add_argument("--year", type=_year, required=True)
    blank.add_argument("--province", type=_province, help="one province (default: every one)")
    blank.add_argument("--output", help="the .xlsx to write (default: targets_<year>.xlsx)")
    blank.set_defaults(func=cmd_targets_template)
    filled = targets_sub.add_parser("import", help="check a filled-in workbook, land it")
    filled.add_argument("workbook")
    filled.set_defaults(func=cmd_targets_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, Settings.from_env())
    except JingfenError as err:
        print(f"jingfen {args.command}: {err}", file=sys.stderr)
        return err.exit_code
    except (KeyboardInterrupt, RuntimeError) as err:
        if not is_interruption(err):
            raise
        print(f"jingfen {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
