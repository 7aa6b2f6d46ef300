"""`jingfen serve`: the user interfaces as child processes that live and die together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import JingfenError
from core.settings import Settings

HOST = "127.0.0.1"
STARTUP_SECONDS = 120
STOP_SECONDS = 15


@dataclass
class Service:
    name: str
    argv: list[str]
    url: str | None = None  # polled until it answers; None for headless services
    process: subprocess.Popen | None = None


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def dagster_services(settings: Settings) -> list[Service]:
    from orchestration.instance import fail_abandoned_runs, get_instance

    fail_abandoned_runs(get_instance(settings))
    port = os.environ.get("JINGFEN_DAGSTER_PORT", "3000")
    module = ["-m", "orchestration.definitions"]
    return [
        Service(
            "Dagster UI",
            [_venv_bin("dagster-webserver"), "-h", HOST, "-p", port, *module],
            url=f"http://{HOST}:{port}",
        ),
        Service("Dagster daemon", [_venv_bin("dagster-daemon"), "run", *module]),
    ]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(services: list[Service]) -> None:
    running = [s for s in services if s.process and s.process.poll() is None]
    for service in running:
        os.killpg(service.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for service in running:
        try:
            service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()


def serve(services: list[Service], say: Callable[[str], None] = print) -> int:
    """Start every service, print the addresses, and stop them all on Ctrl-C or SIGTERM."""

    def on_term(signum, frame):
        raise KeyboardInterrupt

    previous_term = signal.signal(signal.SIGTERM, on_term)
    # Set even when SIGINT came ignored, as a shell starts a background job: `kill -INT` stops it.
    previous_int = signal.signal(signal.SIGINT, on_term)
    try:
        for service in services:
            # A session of its own, so stopping it also stops its children (gRPC servers…).
            service.process = subprocess.Popen(service.argv, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        for service in services:
            while service.url and not _answers(service.url):
                if service.process.poll() is not None:
                    raise JingfenError(
                        f"{service.name} stopped while starting (exit code "
                        f"{service.process.returncode}); its messages are above."
                    )
                if time.monotonic() > deadline:
                    raise JingfenError(f"{service.name} did not answer at {service.url} in time.")
                time.sleep(0.5)
        for service in services:
            if service.url:
                say(f"{service.name}: {service.url}")
        say("Press Ctrl-C to stop.")
        while True:
            for service in services:
                if service.process.poll() is not None:
                    raise JingfenError(
                        f"{service.name} stopped unexpectedly (exit code "
                        f"{service.process.returncode}); the other services were stopped too."
                    )
            time.sleep(1)
    except KeyboardInterrupt:
        say("Stopping…")
        return 0
    finally:
        # Ctrl-C reaches every process of the terminal's group, and `uv run` forwards it again:
        # a second signal must not cut the clean-up short and leave orphans behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            _stop(services)
        finally:
            signal.signal(signal.SIGINT, previous_int)
            signal.signal(signal.SIGTERM, previous_term)
