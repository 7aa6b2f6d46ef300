"""`jingfen serve`: the user interfaces as child processes that live and die together."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core.errors import JingfenError
from core.processes import HOST, Service, start, stop, wait_until_answering
from core.settings import Settings


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def dagster_services(settings: Settings) -> list[Service]:
    from orchestration.instance import fail_abandoned_runs, get_instance

    fail_abandoned_runs(get_instance(settings))
    port = settings.dagster_port
    module = ["-m", "orchestration.definitions"]
    # The definitions' resources take the home from JINGFEN_HOME (orchestration/resources.py).
    env = {**os.environ, "JINGFEN_HOME": str(settings.home)}
    return [
        Service(
            "Dagster UI",
            [_venv_bin("dagster-webserver"), "-h", HOST, "-p", port, *module],
            url=f"http://{HOST}:{port}",
            env=env,
        ),
        Service("Dagster daemon", [_venv_bin("dagster-daemon"), "run", *module], env=env),
    ]


def serve(services: list[Service], say: Callable[[str], None] = print) -> int:
    """Start every service, print the addresses, and stop them all on Ctrl-C or SIGTERM."""

    def on_term(signum, frame):
        raise KeyboardInterrupt

    previous_term = signal.signal(signal.SIGTERM, on_term)
    # Set even when SIGINT came ignored, as a shell starts a background job: `kill -INT` stops it.
    previous_int = signal.signal(signal.SIGINT, on_term)
    try:
        start(services)
        wait_until_answering(services)
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
            stop(services)
        finally:
            signal.signal(signal.SIGINT, previous_int)
            signal.signal(signal.SIGTERM, previous_term)
