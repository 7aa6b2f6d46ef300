"""One real Superset for the whole session, on a free port, reading a small published copy.

The home is a temporary folder: the hand-made lake (tests/warehouse/sample_lake.py) plus a few
large bills for VIP tiers → ``dbt build`` → an ops store → ``publish``. Superset's metadata
database is prepared in parallel with the dbt build.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from core.settings import Settings
from dashboards import service
from dashboards.superset_api import SupersetApi
from tests.dashboards.sample_home import build_sample_home

ADMIN_PASSWORD = "admin-test-password"
DEMO_PASSWORD = "demo-test-password"
PASSWORDS = {"JINGFEN_ADMIN_PASSWORD": ADMIN_PASSWORD, "JINGFEN_DEMO_PASSWORD": DEMO_PASSWORD}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboards"
STARTUP_SECONDS = 180
CITIES_SEED = Path(__file__).resolve().parents[2] / "warehouse" / "seeds" / "cities.csv"


def city_name(code: str) -> str:
    """The Chinese name the dashboards show for a city code (leading zeros ignored)."""
    with CITIES_SEED.open(encoding="utf-8") as seed:
        (name,) = {row["city_name_zh"] for row in csv.DictReader(seed)
                   if row["city_code"].lstrip("0") == code.lstrip("0")}  # fmt: skip
    return name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Superset stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"Superset did not answer at {url}:\n{log.read_text()[-3000:]}")


class Superset:
    def __init__(self, url: str, settings: Settings, cities: list[str]):
        self.url = url
        self.settings = settings
        self.cities = cities

    def api(self, username: str = "admin") -> SupersetApi:
        password = ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD
        return SupersetApi(self.url, username, password)

    @staticmethod
    def password(username: str) -> str:
        return ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def superset(tmp_path_factory) -> Superset:
    home = tmp_path_factory.mktemp("jingfen-home")
    settings = Settings.from_env({"JINGFEN_HOME": str(home), **PASSWORDS})
    errors: list[BaseException] = []

    def metadata() -> None:
        try:
            service.prepare_metadata(settings)
        except BaseException as err:  # reported in the main thread
            errors.append(err)

    worker = threading.Thread(target=metadata)
    worker.start()
    build_sample_home(home)
    worker.join()
    if errors:
        raise errors[0]
    service.prepare_content(settings)

    port = free_port()
    log = home / "superset.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            service.server_argv(str(port)),
            env=service.environment(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/health", process, log)
        yield Superset(url, settings, service.cities(settings))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
