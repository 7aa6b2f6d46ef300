"""On-demand benchmark (not a test): what the incremental usage facts save when one day arrives.

    uv run python benchmarks/bench_incremental.py --users 20000 --months 6 [--home /tmp/bench]

1. generate a synthetic province (generator.generate) into a scratch folder;
2. land and ingest every delivery except the last daily data date; `dbt build` everything;
3. land and ingest the last day; run the usage facts incrementally (only the (province, day) pairs
   the new records touch are recomputed), then again with --full-refresh, and print the models'
   own execution times (dbt's run_results.json, without dbt's start-up) and their ratio. The
   target is a ratio of at most 0.15: the cost of a new day follows the day, not the history.
   Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from generator import generate  # noqa: E402
from ingestion.ingest import ingest_landing  # noqa: E402

FILE_RE = re.compile(r"^[A-Z]+_\d{3}_(?P<data_date>\d{6}|\d{8})_\d{3}\.(AVL(\.gz)?|CHK)$")


def _dbt(settings: Settings, *args: str) -> float:
    env = {**os.environ, **settings.dbt_environment()}
    dbt = Path(sys.executable).parent / "dbt"
    warehouse = REPO / "warehouse"
    command = [str(dbt), *args, "--project-dir", str(warehouse), "--profiles-dir", str(warehouse)]
    began = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        sys.exit(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}")
    return elapsed


USAGE_FACTS = ("fct_user_day_usage", "fct_voice_hour_usage")
TARGET_RATIO = 0.15


def _model_seconds(settings: Settings) -> dict[str, float]:
    """Each model's own execution time in the last dbt invocation (run_results.json)."""
    results = json.loads(settings.dbt_run_results.read_text())
    return {r["unique_id"].rsplit(".", 1)[-1]: r["execution_time"] for r in results["results"]}


def _land(source: Path, landing: Path, keep) -> int:
    """Move the deliveries whose data date satisfies `keep` from source to landing (CHK last)."""
    moved = 0
    names = sorted(p.name for p in source.iterdir() if FILE_RE.match(p.name))
    for name in sorted(names, key=lambda n: n.endswith(".CHK")):
        if keep(FILE_RE.match(name)["data_date"]):
            shutil.move(source / name, landing / name)
            moved += 1
    return moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--home", type=Path, default=None, help="default: a temporary folder")
    args = parser.parse_args()

    home = (args.home or Path(tempfile.mkdtemp(prefix="jingfen-bench-"))).resolve()
    settings = Settings.from_env().at_home(str(home))
    generated = home / "generated"
    generated.mkdir(parents=True, exist_ok=True)
    settings.landing.mkdir(parents=True, exist_ok=True)

    began = time.perf_counter()
    quiet = lambda _message: None  # noqa: E731
    generate(generated, users=args.users, months=args.months, seed=args.seed, progress=quiet)
    print(f"generate: {time.perf_counter() - began:.1f} s")

    daily = sorted({
        FILE_RE.match(p.name)["data_date"]
        for p in generated.iterdir()
        if FILE_RE.match(p.name) and len(FILE_RE.match(p.name)["data_date"]) == 8
    })  # fmt: skip
    last_day = daily[-1]
    _land(generated, settings.landing, lambda d: d != last_day)
    began = time.perf_counter()
    ingest_landing(settings, progress=None)
    print(f"ingest all but {last_day}: {time.perf_counter() - began:.1f} s")
    print(f"dbt build (first, full): {_dbt(settings, 'build'):.1f} s")

    _land(generated, settings.landing, lambda d: d == last_day)
    began = time.perf_counter()
    ingest_landing(settings, progress=None)
    print(f"ingest {last_day}: {time.perf_counter() - began:.1f} s")
    incremental_wall = _dbt(settings, "run", "--select", *USAGE_FACTS)
    incremental = _model_seconds(settings)
    full_wall = _dbt(settings, "run", "--select", *USAGE_FACTS, "--full-refresh")
    full = _model_seconds(settings)
    for model in USAGE_FACTS:
        print(f"{model}: incremental {incremental[model]:.2f} s, full refresh {full[model]:.2f} s")
    ratio = sum(incremental.values()) / sum(full.values())
    print(
        f"dbt run (with dbt's start-up): incremental {incremental_wall:.1f} s, "
        f"full refresh {full_wall:.1f} s"
    )
    print(f"home: {home}")
    print(f"incremental / full rebuild: {ratio:.3f} (target <= {TARGET_RATIO})")
    sys.exit(0 if ratio <= TARGET_RATIO else 1)


if __name__ == "__main__":
    main()
