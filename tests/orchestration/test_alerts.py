"""A failed run mails the operators once, with its reason and its link, through a real SMTP
server (aiosmtpd on 127.0.0.1); a mail failure never hides the run's own failure."""

from __future__ import annotations

import dataclasses
import email
import os
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from dagster import DagsterEventType, build_run_status_sensor_context

from core.errors import JingfenError
from core.settings import Settings
from orchestration.instance import get_instance
from orchestration.runner import _execute

ROOT = Path(__file__).resolve().parents[2]
OPERATORS = ["ops@example.com", "oncall@example.com"]
DAGSTER_PORT = "18401"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    def __init__(self, reply: str = "250 Message accepted") -> None:
        self.reply = reply
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.reply.startswith("250"):
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return self.reply


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A home, its instance, and the alert settings pointing at a local SMTP server."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    home = tmp_path / "home"
    for name, value in {
        "JINGFEN_HOME": str(home), "JINGFEN_SMTP_HOST": "127.0.0.1",
        "JINGFEN_SMTP_PORT": str(port), "JINGFEN_SMTP_FROM": "jingfen@example.com",
        "JINGFEN_SMTP_TLS": "none", "JINGFEN_ALERT_EMAIL": ", ".join(OPERATORS),
        "JINGFEN_DAGSTER_PORT": DAGSTER_PORT, "DAGSTER_HOME": str(tmp_path / "unused"),
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    instance = get_instance(settings)
    yield settings, instance, recorder, port
    controller.stop()


def _job(name: str):
    from tests.orchestration.alert_defs import defs

    return defs.resolve_job_def(name)


def _sensor_sees(instance, run_id: str) -> None:
    from tests.orchestration.alert_defs import defs

    run = instance.get_run_by_id(run_id)
    [failure] = [
        record.dagster_event
        for record in instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)
    ]
    sensor = defs.resolve_sensor_def("alert_on_run_failure")
    sensor(build_run_status_sensor_context(
        sensor_name=sensor.name, dagster_event=failure, dagster_instance=instance,
        dagster_run=run,
    ).for_run_failure())  # fmt: skip


def test_a_failed_run_sends_one_mail_with_reason_and_link(env):
    settings, instance, recorder, _ = env
    said: list[str] = []
    with pytest.raises(JingfenError) as failure:
        _execute(_job("gated"), instance, settings, said.append)
    run_id = instance.get_runs()[0].run_id
    reason = "blocking check(s) failed: numbers_are_positive on numbers"
    assert str(failure.value) == (
        f"Run {run_id} of 'gated' failed: {reason}. The previous published copy is unchanged; "
        "the Dagster UI shows the run's log."
    )
    [message] = recorder.messages
    assert sorted(recorder.envelopes[0].rcpt_tos) == sorted(OPERATORS)
    assert message["Subject"] == f"经分 Jingfen: run of gated failed ({run_id[:8]})"
    body = message.get_content()
    assert f"The run {run_id} of 'gated' failed: {reason}." in body
    assert f"http://127.0.0.1:{DAGSTER_PORT}/runs/{run_id}" in body
    assert said == [f"Mailed the failure alert for run {run_id} to {', '.join(OPERATORS)}."]

    # The daemon's run-failure sensor sees the same run: no second mail.
    _sensor_sees(instance, run_id)
    assert len(recorder.messages) == 1


def test_the_sensor_alone_mails_a_run_nobody_reported(env):
    _, instance, recorder, _ = env
    result = _job("gated").execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success and recorder.messages == []
    _sensor_sees(instance, result.run_id)
    _sensor_sees(instance, result.run_id)
    [message] = recorder.messages
    assert "blocking check(s) failed: numbers_are_positive on numbers" in message.get_content()


def test_a_mail_failure_does_not_hide_the_run_failure(env):
    settings, instance, recorder, port = env
    recorder.reply = "554 Transaction failed"
    said: list[str] = []
    with pytest.raises(JingfenError, match="blocking check\\(s\\) failed: numbers_are_positive"):
        _execute(_job("gated"), instance, settings, said.append)
    run_id = instance.get_runs()[0].run_id
    assert recorder.messages == []
    assert said == [
        f"The failure alert for run {run_id} was not mailed: The mail server "
        f"127.0.0.1:{port} refused the failure alert (554 Transaction failed); "
        "nothing was sent."
    ]
    # Nothing went out, so whoever sees the run next tries again.
    recorder.reply = "250 OK"
    _sensor_sees(instance, run_id)
    assert len(recorder.messages) == 1


def test_without_operators_nothing_is_mailed(env):
    settings, instance, recorder, _ = env
    without_operators = dataclasses.replace(settings, alert_email="")
    with pytest.raises(JingfenError, match="blocking check"):
        _execute(_job("gated"), instance, without_operators, lambda _m: None)
    assert recorder.messages == []


def test_out_of_memory_is_named_as_such(env):
    settings, instance, recorder, _ = env
    with pytest.raises(JingfenError) as failure:
        _execute(_job("hungry_job"), instance, settings, lambda _m: None)
    text = str(failure.value)
    assert "failed: the test build ran out of memory (DuckDB: Out of Memory Error: " in text
    assert f"raise JINGFEN_MEMORY_LIMIT (now {settings.memory_limit}) or free memory" in text
    assert "blocking check" not in text
    # Not retried: one attempt of the step.
    run_id = instance.get_runs()[0].run_id
    starts = instance.all_logs(run_id, of_type=DagsterEventType.STEP_START)
    assert len(starts) == 1
    assert "ran out of memory" in recorder.messages[0].get_content()


def test_a_check_that_ran_out_of_memory_is_not_a_failed_check(env):
    settings, instance, _, _ = env
    with pytest.raises(JingfenError) as failure:
        _execute(_job("counted_job"), instance, settings, lambda _m: None)
    assert (
        "failed: the check counted_is_complete on counted ran out of memory (DuckDB: Out of "
        "Memory Error: " in str(failure.value)
    )
    assert "blocking check" not in str(failure.value)


def test_the_daemon_mails_a_failed_run_of_jingfen_run_once(env, tmp_path):
    settings, instance, recorder, _ = env
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-m",
         "tests.orchestration.alert_defs"],
        env={**os.environ, "DAGSTER_HOME": str(settings.dagster_home), "PYTHONPATH": str(ROOT)},
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        # The sensor's first tick only sets its cursor; failures after it are its business.
        _wait(lambda: _ticks(instance) >= 1, "the sensor's first tick")
        unreported = _job("gated").execute_in_process(instance=instance, raise_on_error=False)
        with pytest.raises(JingfenError):
            _execute(_job("gated"), instance, settings, lambda _m: None)
        reported = instance.get_runs(limit=1)[0].run_id
        _wait(lambda: len(recorder.messages) >= 2, "the daemon's alert")
        ticks = _ticks(instance)
        _wait(lambda: _ticks(instance) >= ticks + 1, "one more sensor tick")
    finally:
        os.killpg(daemon.pid, 15)
        daemon.wait(timeout=60)
    subjects = sorted(m["Subject"] for m in recorder.messages)
    assert subjects == sorted(
        f"经分 Jingfen: run of gated failed ({run_id[:8]})"
        for run_id in (unreported.run_id, reported)
    )


def _ticks(instance) -> int:
    states = [s for s in instance.all_instigator_state() if s.name == "alert_on_run_failure"]
    return sum(len(instance.get_ticks(s.instigator_origin_id, s.selector_id)) for s in states)


def _wait(condition, what: str, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(1)
