"""How fast `jingfen generate` writes a province (run on demand, not part of the tests).

uv run python benchmarks/bench_generate.py --users 20000 --months 2
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from generator import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--provinces", default="571")
    parser.add_argument("--defects", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cpu_before = time.process_time()
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        summary = generate(
            Path(tmp) / "landing",
            users=args.users,
            months=args.months,
            seed=args.seed,
            provinces=args.provinces.split(","),
            defects=args.defects,
            progress=lambda _: None,
        )
        cpu = time.process_time() - cpu_before
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{summary.records:,} records in {summary.files} files ({size / 2**20:,.0f} MiB) "
        f"in {summary.seconds:.1f} s: {summary.records_per_second:,.0f} records/s; "
        f"{summary.records / cpu:,.0f} records per CPU second (all threads; the figure that does "
        f"not depend on what else the machine runs); peak memory {peak_mb:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
