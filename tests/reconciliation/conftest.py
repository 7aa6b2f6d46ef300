"""The reconciliation suite's one province build, shared by every test module of the suite.

See test_recompute_from_extracts.py for what is built and how it is compared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reconciliation.compare import CLEAN, DEFECTIVE, published
from tests.reconciliation.extracts import land_batches, replay
from tests.reconciliation.recompute import Recomputation

USERS, MONTHS = 150, 4

# Seeds whose four months hold a write-off (坏账核销) in each province and a re-entry (重入网),
# so bad_debt and reentry_users are exercised, not only their zeros.


def _jingfen(home: Path, *args: str) -> None:
    script = Path(sys.executable).with_name("jingfen")
    env = {**os.environ, "JINGFEN_HOME": str(home)}
    done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"jingfen {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr}"


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    batches = tmp_path_factory.mktemp("landed")
    common = ["--users", str(USERS), "--months", str(MONTHS), "--start", "202601"]
    _jingfen(home, "generate", *common, "--seed", "13", "--provinces", CLEAN)
    _jingfen(
        home, "generate", *common, "--seed", "1", "--provinces", DEFECTIVE, "--defects", "0.05"
    )
    shutil.copytree(home / "landing", batches / "0")
    _jingfen(home, "ingest")
    shutil.copytree(home / "landing_redelivery", batches / "1")
    shutil.copytree(home / "landing_redelivery", home / "landing", dirs_exist_ok=True)
    _jingfen(home, "run")
    (home / "batches").symlink_to(batches)
    return home


@pytest.fixture(scope="session")
def recomputed(home) -> Recomputation:
    load_log = published(
        home,
        "select file_name, status, record_count, loaded_count, rejected_count "
        "from ops.load_log order by processed_at, started_at",
    )
    rejected = published(home, "select file_name, line_no, raw_line from ops.rejected_records")
    batches = sorted((home / "batches").iterdir(), key=lambda p: int(p.name))
    extracts = replay(land_batches(batches), load_log, rejected)
    # The defective province really exercised the contract's rejection paths.
    assert extracts.rejected_deliveries > 0 and extracts.rejected_lines > 0
    assert any(status == "REPLACED" for _f, status, *_ in load_log)
    return Recomputation(extracts)


@pytest.fixture(scope="session")
def kpi_parts(recomputed):
    return recomputed.kpi_parts()
