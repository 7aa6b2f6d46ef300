"""Child processes that live and die together: each started in a session of its own, waited for
until its address answers, and stopped with everything it started.

    services = [Service("Dagster UI", argv, url="http://127.0.0.1:3000")]
    start(services)
    wait_until_answering(services)
    stop(services)
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from core.errors import JingfenError

HOST = "127.0.0.1"
STARTUP_SECONDS = 120
STOP_SECONDS = 15


@dataclass
class Service:
    name: str
    argv: list[str]
    url: str | None = None  # polled until it answers; None for headless services
    env: Mapping[str, str] | None = None  # None: this process's environment
    process: subprocess.Popen | None = None


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start(services: list[Service]) -> None:
    for service in services:
        # A session of its own, so stopping it also stops its children (gRPC servers…).
        service.process = subprocess.Popen(service.argv, env=service.env, start_new_session=True)


def wait_until_answering(services: list[Service], seconds: float = STARTUP_SECONDS) -> None:
    """Return once every started service with a URL answers there; raise JingfenError when one
    stops first or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    for service in services:
        while service.url and not answers(service.url):
            if service.process.poll() is not None:
                raise JingfenError(
                    f"{service.name} stopped while starting (exit code "
                    f"{service.process.returncode}); its messages are above."
                )
            if time.monotonic() > deadline:
                raise JingfenError(f"{service.name} did not answer at {service.url} in time.")
            time.sleep(0.5)


def stop(services: list[Service]) -> None:
    """SIGTERM to every running service's process group; SIGKILL to those still running after
    STOP_SECONDS."""
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
