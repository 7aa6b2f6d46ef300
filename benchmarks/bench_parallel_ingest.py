"""On-demand benchmark (not a test): `jingfen ingest` of a whole landing folder, one delivery at
a time and several at once (JINGFEN_INGEST_WORKERS).

    uv run python benchmarks/bench_parallel_ingest.py [--users 2000] [--months 6]
        [--workers 1,2,4] [--home /tmp/bench-parallel]

Generates one province (the sample province of `make up` by default), copies its landing folder
once per worker count, ingests each copy and prints the wall seconds, the deliveries per second
and the speed-up over one worker. tests/ingestion/test_ingest_parallel.py proves the outcomes are
the same; here each run's load log is only counted, to show the same work was done.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from generator import generate  # noqa: E402
from ingestion.ingest import ingest_landing  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    root = args.home or Path(tempfile.mkdtemp(prefix="bench-parallel-"))
    source = Settings.from_env({"JINGFEN_HOME": str(root / "generated")})
    generate(source.landing, users=args.users, months=args.months, seed=7,
             progress=lambda _m: None)  # fmt: skip
    baseline = None
    print(f"{args.users} users x {args.months} months, {len(list(source.landing.iterdir()))} "
          "files in landing")  # fmt: skip
    for workers in (int(w) for w in args.workers.split(",")):
        settings = dataclasses.replace(source, home=root / f"workers-{workers}",
                                       ingest_workers=workers)  # fmt: skip
        shutil.rmtree(settings.home, ignore_errors=True)
        shutil.copytree(source.landing, settings.landing)
        began = time.perf_counter()
        summary = ingest_landing(settings, progress=None)
        seconds = time.perf_counter() - began
        baseline = baseline or seconds
        statuses = dict(sorted(Counter(o.status for o in summary.outcomes).items()))
        print(f"workers={workers}: {seconds:6.1f} s, {len(summary.outcomes) / seconds:5.1f} "
              f"deliveries/s, x{baseline / seconds:.2f} {statuses}")  # fmt: skip
    if args.home is None:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
