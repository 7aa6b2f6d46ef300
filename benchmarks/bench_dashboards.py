"""Every chart's query time through Superset's API (run on demand; target: p95 < 1 s).

    uv run python benchmarks/bench_dashboards.py [--url http://127.0.0.1:8088] [--rounds 20]
        [--user admin] [--password ...]

Against a running Superset (`jingfen serve`) on the home's published copy. Each round asks every
chart for its data with ``force=true`` (Superset's cache bypassed, so DuckDB answers every time) as
the given user; prints p50 / p95 / max per chart, slowest first, and exits 1 when any p95 reaches
the target. The password defaults to JINGFEN_ADMIN_PASSWORD or the one `jingfen serve` generated
under $JINGFEN_HOME/superset/admin_password.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from core.settings import Settings
from dashboards.superset_api import SupersetApi

TARGET_SECONDS = 1.0


def _password(settings: Settings, user: str) -> str:
    if user == "admin":
        stored = settings.superset_admin_password_file
        return settings.admin_password or stored.read_text().strip()
    return settings.demo_password


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    settings = Settings.from_env()
    port = settings.superset_port
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password")
    # 20 rounds: the p95 is then the second-worst answer; with 10 it would be the worst, which on
    # a shared machine is whichever query met another job's burst.
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    api = SupersetApi(args.url, args.user, args.password or _password(settings, args.user))
    charts = sorted(api.all("chart"), key=lambda c: c["id"])
    timings: dict[int, list[float]] = {c["id"]: [] for c in charts}
    for _ in range(args.rounds):
        for chart in charts:
            started = time.perf_counter()
            response = api.chart_data(chart["id"])
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                print(f"{chart['slice_name']}: HTTP {response.status_code} {response.text[:200]}")
                return 1
            timings[chart["id"]].append(elapsed)

    rows = sorted(
        ((_p95(timings[c["id"]]), c) for c in charts), key=lambda row: row[0], reverse=True
    )
    print(f"{len(charts)} charts x {args.rounds} rounds as {args.user} at {args.url}")
    print(f"{'p50 s':>7} {'p95 s':>7} {'max s':>7}  chart")
    for p95, chart in rows:
        values = timings[chart["id"]]
        print(
            f"{statistics.median(values):7.3f} {p95:7.3f} {max(values):7.3f}  "
            f"{chart['slice_name']} (#{chart['id']})"
        )
    slow = [chart["slice_name"] for p95, chart in rows if p95 >= TARGET_SECONDS]
    every = [t for values in timings.values() for t in values]
    print(f"all queries: p50 {statistics.median(every):.3f} s, p95 {_p95(every):.3f} s")
    if slow:
        print(f"p95 at or above {TARGET_SECONDS} s: {', '.join(slow)}")
        return 1
    print(f"every chart's p95 is under {TARGET_SECONDS} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
