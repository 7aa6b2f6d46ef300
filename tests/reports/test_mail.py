"""Mailing the report to an SMTP server started by the test (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import smtplib
import socket
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from core.errors import JingfenError
from core.settings import Settings
from reports import ReportFiles, build_report, send_report
from reports.mail import SmtpConfig, parse_recipients

SENDER = "jingfen@example.com"
RECIPIENTS = ["boss@example.com", "cfo@example.com"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """Accepts messages, or answers DATA with the replies it is given first."""

    def __init__(self, replies: list[str] | None = None) -> None:
        self.replies = list(replies or [])
        self.messages: list = []
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        reply = self.replies.pop(0) if self.replies else "250 Message accepted"
        if reply.startswith("250"):
            self.messages.append(envelope)
        return reply


@pytest.fixture
def smtp():
    servers = []

    def start(handler: Recorder, **kwargs) -> SmtpConfig:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        servers.append(controller)
        return SmtpConfig(host="127.0.0.1", port=port, sender=SENDER, tls="none", timeout=10)

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def small_files(tmp_path: Path) -> ReportFiles:
    pdf, xlsx = tmp_path / "jingfen_report_202602.pdf", tmp_path / "jingfen_report_202602.xlsx"
    pdf.write_bytes(b"%PDF-1.4 test")
    xlsx.write_bytes(b"PK test")
    return ReportFiles(pdf, xlsx, "经营分析月报 test", ("在网用户数 Users on net: 4",))


def test_the_report_goes_out_in_one_message_with_both_files(published, smtp):
    files = build_report(published, "202602", say=lambda _: None)
    recorder = Recorder()
    config = smtp(recorder)
    # The mail server as the environment names it, read by Settings alone.
    environment = {
        "JINGFEN_HOME": str(published.home),
        "JINGFEN_SMTP_HOST": config.host,
        "JINGFEN_SMTP_PORT": str(config.port),
        "JINGFEN_SMTP_FROM": SENDER,
        "JINGFEN_SMTP_TLS": "none",
    }
    send_report(Settings.from_env(environment), files, ",".join(RECIPIENTS), say=lambda _: None)

    assert len(recorder.messages) == 1
    envelope = recorder.messages[0]
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == RECIPIENTS
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert "经营分析月报 2026年02月" in message["Subject"]
    assert message["To"] == ", ".join(RECIPIENTS)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "在网用户数 Users on net" in body
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {files.pdf.name, files.xlsx.name}
    assert attachments[files.pdf.name].get_content_type() == "application/pdf"
    assert attachments[files.xlsx.name].get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert attachments[files.pdf.name].get_content() == files.pdf.read_bytes()
    assert attachments[files.xlsx.name].get_content() == files.xlsx.read_bytes()


def test_a_refusing_server_gives_a_clear_error_at_once(smtp, small_files, tmp_path):
    recorder = Recorder(["550 5.7.1 Message rejected by policy"])
    config = smtp(recorder)
    waits: list[float] = []
    with pytest.raises(JingfenError, match=r"refused the report \(550 5.7.1 Message rejected"):
        send_report(Settings(home=tmp_path), small_files, RECIPIENTS, config=config,
                    sleep=waits.append, say=lambda _: None)  # fmt: skip
    assert recorder.attempts == 1 and waits == []


def test_a_transient_failure_is_retried_with_backoff(smtp, small_files, tmp_path):
    recorder = Recorder(["451 4.3.0 Try again later", "421 4.7.0 Busy"])
    config = smtp(recorder)
    waits: list[float] = []
    send_report(Settings(home=tmp_path), small_files, RECIPIENTS, config=config,
                backoff_seconds=1.0, sleep=waits.append, say=lambda _: None)  # fmt: skip
    assert recorder.attempts == 3
    assert len(recorder.messages) == 1
    assert waits == [1.0, 2.0]


def test_an_unreachable_server_is_retried_then_reported(small_files, tmp_path):
    config = SmtpConfig(host="127.0.0.1", port=free_port(), sender=SENDER, tls="none", timeout=5)
    waits: list[float] = []
    with pytest.raises(JingfenError, match=r"after 3 attempts.*ConnectionRefusedError"):
        send_report(Settings(home=tmp_path), small_files, RECIPIENTS, config=config,
                    attempts=3, sleep=waits.append, say=lambda _: None)  # fmt: skip
    assert waits == [5.0, 10.0]


class RefusingLogIn:
    """Stands in for smtplib.SMTP: the server answers the log-in with 535."""

    def __init__(self, *args, **kwargs) -> None:
        self.calls = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def ehlo(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")


def test_a_refused_log_in_is_not_retried(small_files, tmp_path, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", RefusingLogIn)
    config = SmtpConfig("127.0.0.1", 2525, SENDER, tls="none", user="u", password="bad")
    waits: list[float] = []
    with pytest.raises(JingfenError, match=r"refused the log-in of u \(535"):
        send_report(Settings(home=tmp_path), small_files, RECIPIENTS, config=config,
                    sleep=waits.append, say=lambda _: None)  # fmt: skip
    assert waits == []


def smtp_config(environ: dict[str, str]) -> SmtpConfig:
    return SmtpConfig.from_settings(Settings.from_env(environ))


def test_configuration_is_checked_before_sending():
    with pytest.raises(JingfenError, match="JINGFEN_SMTP_HOST is not set"):
        smtp_config({})
    with pytest.raises(JingfenError, match="JINGFEN_SMTP_TLS"):
        smtp_config({"JINGFEN_SMTP_HOST": "mail", "JINGFEN_SMTP_TLS": "maybe"})
    with pytest.raises(JingfenError, match="JINGFEN_SMTP_FROM"):
        smtp_config({"JINGFEN_SMTP_HOST": "mail"})
    config = smtp_config(
        {"JINGFEN_SMTP_HOST": "mail", "JINGFEN_SMTP_TLS": "ssl", "JINGFEN_SMTP_USER": "a@b.cn"}
    )
    assert (config.port, config.tls, config.sender) == (465, "ssl", "a@b.cn")
    assert parse_recipients("a@b.cn; c@d.cn,") == ["a@b.cn", "c@d.cn"]
    with pytest.raises(JingfenError, match="Not an e-mail address: boss"):
        parse_recipients("boss")
