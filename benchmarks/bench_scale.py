"""On-demand benchmark (not a test): the cost curve of a month's build on each engine.

    uv run python benchmarks/bench_scale.py [--sizes 100000,250000,500000,1000000]
        [--engines duckdb,spark] [--home /tmp/bench-scale]

For each size: generate one month of a province (generator.generate), ingest it once, then
`dbt build` the whole warehouse (models, seeds, tests, unit tests: the month-close build) on each
engine in turn, from the same lake (the engines keep their warehouses apart under one home). For
each build it prints the wall seconds, the peak memory of dbt's whole process tree (Spark's JVM
included), and both per 1M user-months.

- DuckDB: the cost per user must stay flat, within 1.5x from the smallest size to the largest: no
  step may grow faster than the data. Every build also pays a fixed part (dbt's start-up and a
  few hundred nodes' planning), which makes a small build dear per user, so the verdict compares
  the cost of the further users of each step (size to size). Exits 1 when it is not flat.
- Spark local: the same, and a least-squares line seconds = fixed + per_user * users through the
  sizes, whose intercept is the fixed start-up and per-node overhead and whose slope the cost
  that grows with the data.

docs/scaling.md holds the figures of the last run and what they extrapolate to.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.engine import require_engine  # noqa: E402
from core.settings import Settings  # noqa: E402
from generator import generate  # noqa: E402
from ingestion.ingest import ingest_landing  # noqa: E402

FLAT_WITHIN = 1.5
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20
SAMPLE_SECONDS = 0.5


@dataclass(frozen=True)
class Build:
    engine: str
    users: int
    seconds: float
    peak_mb: float

    @property
    def seconds_per_million(self) -> float:
        return self.seconds * 1_000_000 / self.users

    @property
    def mb_per_million(self) -> float:
        return self.peak_mb * 1_000_000 / self.users


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # the command name may hold spaces and parentheses: the parent follows the last ')'
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # ended while being read
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    tree, pending, pages = _children(), [root], 0
    while pending:
        pid = pending.pop()
        try:
            pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        pending += tree.get(pid, [])
    return pages * PAGE_MB


def _dbt_build(settings: Settings) -> tuple[float, float]:
    """(wall seconds, peak MiB of the process tree) of a full `dbt build` on the settings."""
    env = {**os.environ, **settings.dbt_environment()}
    warehouse = REPO / "warehouse"
    command = [str(Path(sys.executable).parent / "dbt"), "--no-use-colors", "build",
               "--project-dir", str(warehouse), "--profiles-dir", str(warehouse)]  # fmt: skip
    log = settings.home / f"dbt-{settings.engine}.log"
    peak = 0.0
    began = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=settings.home, stdout=out, stderr=out)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(SAMPLE_SECONDS):
                peak = max(peak, _tree_rss_mb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        done.set()
        sampler.join()
    seconds = time.perf_counter() - began
    if returncode != 0:
        sys.exit(f"dbt build on {settings.engine} failed: see {log}")
    return seconds, peak


def _province(home: Path, users: int, seed: int) -> Settings:
    """A home whose lake holds one generated month of ``users`` users."""
    settings = Settings.from_env().at_home(str(home))
    began = time.perf_counter()
    generate(settings.landing, users=users, months=1, seed=seed, progress=lambda _: None)
    generated = time.perf_counter() - began
    began = time.perf_counter()
    ingest_landing(settings, progress=None)
    print(f"{users:>9,} users: generated in {generated:.0f} s, "
          f"ingested in {time.perf_counter() - began:.0f} s", flush=True)  # fmt: skip
    return settings


def _line(points: list[Build]) -> tuple[float, float]:
    """(intercept seconds, seconds per user) of the least-squares line through the builds."""
    n = len(points)
    mean_x = sum(b.users for b in points) / n
    mean_y = sum(b.seconds for b in points) / n
    spread = sum((b.users - mean_x) ** 2 for b in points)
    slope = sum((b.users - mean_x) * (b.seconds - mean_y) for b in points) / spread
    return mean_y - slope * mean_x, slope


def _marginal(points: list[Build]) -> list[float]:
    """Seconds per 1M users of each step from one size to the next: the cost of the further
    users alone, without the fixed part every build pays."""
    return [(b.seconds - a.seconds) * 1_000_000 / (b.users - a.users) for a, b in pairwise(points)]


def _report(builds: list[Build]) -> bool:
    """Print the table and the verdicts; True when DuckDB's cost per further user stays flat."""
    print(f"\n{'engine':<7} {'users':>9} {'seconds':>8} {'peak MiB':>9} "
          f"{'s / 1M user-months':>19} {'MiB / 1M user-months':>21}")  # fmt: skip
    for b in builds:
        print(f"{b.engine:<7} {b.users:>9,} {b.seconds:>8.0f} {b.peak_mb:>9.0f} "
              f"{b.seconds_per_million:>19.0f} {b.mb_per_million:>21.0f}")  # fmt: skip
    flat = True
    for engine in dict.fromkeys(b.engine for b in builds):
        points = sorted((b for b in builds if b.engine == engine), key=lambda b: b.users)
        if len(points) < 2:
            continue
        fixed, slope = _line(points)
        print(f"\n{engine}: fixed part {fixed:.0f} s per build, "
              f"{slope * 1_000_000:.0f} s per 1M users (least squares)")  # fmt: skip
        steps = _marginal(points)
        print("  s per 1M further users, size to size: " + ", ".join(f"{s:.0f}" for s in steps))
        if engine == "duckdb":
            # the fixed part makes small builds dear per user; what must not happen is a step
            # whose further users cost more than the others'
            ratio = max(steps) / min(steps) if min(steps) > 0 else float("inf")
            flat = ratio <= FLAT_WITHIN
            print(f"  flat within {FLAT_WITHIN}x: {'yes' if flat else 'NO'} ({ratio:.2f}x)")
    return flat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,250000,500000,1000000")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--home", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep each size's home")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    engines = args.engines.split(",")
    root = (args.home or Path(tempfile.mkdtemp(prefix="jingfen-scale-"))).resolve()
    for engine in engines:
        require_engine(Settings.from_env({"JINGFEN_ENGINE": engine}))

    builds = []
    for users in sizes:
        home = root / f"users-{users}"
        province = _province(home, users, args.seed)
        for engine in engines:
            settings = Settings.from_env({**os.environ, "JINGFEN_ENGINE": engine}).at_home(
                str(home)
            )
            seconds, peak = _dbt_build(settings)
            builds.append(Build(engine, users, seconds, peak))
            print(f"{users:>9,} users on {engine}: {seconds:.0f} s, peak {peak:.0f} MiB")
        if not args.keep:
            shutil.rmtree(province.home)
    sys.exit(0 if _report(builds) else 1)


if __name__ == "__main__":
    main()
