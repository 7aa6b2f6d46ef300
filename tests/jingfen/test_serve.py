"""`jingfen serve`: the UIs come up on 127.0.0.1, and SIGTERM or SIGINT stops them, children
included."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout.split()
    found = {int(c) for c in children}
    for child in list(found):
        found |= descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return not state.stdout.strip().startswith("Z")


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("first", "second", "start_ignoring_sigint"),
    [
        # As from a terminal through `uv run`: the signal arrives twice, the second mid-clean-up.
        (signal.SIGTERM, signal.SIGINT, False),
        # A background job of a non-interactive shell starts with SIGINT ignored; kill -INT
        # must stop it all the same.
        (signal.SIGINT, signal.SIGTERM, True),
    ],
    ids=["sigterm", "sigint-as-background-job"],
)
def test_serve_prints_addresses_and_stops_with_its_children_on_signals(
    tmp_path, first, second, start_ignoring_sigint
):
    port = free_port()
    env = {**os.environ, "JINGFEN_HOME": str(tmp_path / "home"),
           "JINGFEN_DAGSTER_PORT": str(port)}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "jingfen.cli", "serve"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=ignore_sigint if start_ignoring_sigint else None,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Press Ctrl-C" in line or proc.poll() is not None:
                break
        assert f"Dagster UI: http://127.0.0.1:{port}" in "".join(lines), proc.stderr.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=10) as r:
            assert r.status == 200
        family = descendants(proc.pid)
        assert len(family) >= 2  # webserver and daemon, each with children of their own
    finally:
        proc.send_signal(first)
        time.sleep(0.5)
        proc.send_signal(second)
        proc.wait(timeout=60)
    assert proc.returncode == 0
    time.sleep(1)
    assert not [pid for pid in family if alive(pid)]
    # No published copy yet: Superset is not started, and the user is told why.
    assert "jingfen run" in proc.stderr.read()
