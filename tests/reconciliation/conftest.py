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

from tests.reconciliation import recompute_users
from tests.reconciliation.compare import CLEAN, DEFECTIVE
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


# The clean province's revised plan (a re-delivery of its TARGET file, landing with the
# corrections): January's new-users target of REVISED_CITY raised, February's withdrawn.
REVISED_CITY = "0574"


def revise_plan(home: Path, province: str) -> None:
    name = f"TARGET_{province}_2026_001"
    lines = (home / "landing" / f"{name}.AVL").read_text("utf-8").splitlines()
    revised = []
    for line in lines:
        year, month, city, indicator, value = line.split("|")
        if (city, indicator) == (REVISED_CITY, "new_users") and month in ("01", "02"):
            if month == "02":
                continue
            value = str(int(value) + 7)
        revised.append("|".join((year, month, city, indicator, value)))
    data = ("\n".join(revised) + "\n").encode("utf-8")
    folder = home / "landing_redelivery"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.AVL").write_bytes(data)
    check = f"{name}.AVL|{len(data)}|{len(revised)}|2026|20260301090000|UTF-8\n"
    (folder / f"{name}.CHK").write_text(check, "ascii")


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    batches = tmp_path_factory.mktemp("landed")
    common = ["--users", str(USERS), "--months", str(MONTHS), "--start", "202601"]
    _jingfen(home, "generate", *common, "--seed", "13", "--provinces", CLEAN)
    _jingfen(
        home, "generate", *common, "--seed", "1", "--provinces", DEFECTIVE, "--defects", "0.05"
    )
    revise_plan(home, CLEAN)
    shutil.copytree(home / "landing", batches / "0")
    _jingfen(home, "ingest")
    shutil.copytree(home / "landing_redelivery", batches / "1")
    shutil.copytree(home / "landing_redelivery", home / "landing", dirs_exist_ok=True)
    _jingfen(home, "run")
    (home / "batches").symlink_to(batches)
    return home


@pytest.fixture(scope="session")
def recomputed(home) -> Recomputation:
    batches = sorted((home / "batches").iterdir(), key=lambda p: int(p.name))
    return Recomputation(replay(land_batches(batches)))


@pytest.fixture(scope="session")
def kpi_parts(recomputed):
    return recomputed.kpi_parts()


@pytest.fixture(scope="session")
def user_months(recomputed):
    return recompute_users.user_months(recomputed)
