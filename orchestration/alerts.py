"""One e-mail to the operators per failed run, whoever saw the failure first.

`jingfen run` reports the runs it executes; the ``alert_on_run_failure`` sensor reports every run
the daemon sees fail, those of `jingfen run` included. A marker file per run id, created
atomically, makes sure only one of them sends. The SMTP server is configured as for the reports
(``JINGFEN_SMTP_*``, reports/mail.py); the operators are ``JINGFEN_ALERT_EMAIL``
(comma-separated). The Dagster UI port is ``JINGFEN_DAGSTER_PORT`` (default 3000).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from core.errors import JingfenError
from core.settings import Settings
from orchestration.failures import failure_reason
from reports.mail import SmtpConfig, parse_recipients, send_message

ALERT_ATTEMPTS = 3
ALERT_BACKOFF_SECONDS = 2.0


def run_url(settings: Settings, run_id: str) -> str:
    return f"http://127.0.0.1:{settings.dagster_port}/runs/{run_id}"


def _marker(settings: Settings, run_id: str) -> Path:
    return settings.alert_markers / run_id


def _claim(marker: Path) -> bool:
    marker.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    return True


def alert_message(settings: Settings, config: SmtpConfig, recipients: list[str], job: str,
                  run_id: str, reason: str) -> EmailMessage:  # fmt: skip
    message = EmailMessage()
    message["Subject"] = f"经分 Jingfen: run of {job} failed ({run_id[:8]})"
    message["From"] = config.sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(config.sender)[1].split("@")[-1])
    message.set_content(
        "\n".join(
            [
                f"The run {run_id} of '{job}' failed: {reason}.",
                "",
                f"Run in the Dagster UI: {run_url(settings, run_id)}",
                "",
                "The previous published copy is unchanged.",
            ]
        )
    )
    return message


def alert_failed_run(
    settings: Settings, job: str, run_id: str, reason: str, say: Callable[[str], None] = print
) -> bool:
    """Mail the operators about a failed run, once per run id; True when this call sent it.

    Never raises: a mail failure is said, and the run's own failure stays what is reported.
    """
    try:
        recipients = parse_recipients(settings.alert_email)
        if not recipients:
            return False
        config = SmtpConfig.from_settings(settings)
    except JingfenError as err:
        say(f"No failure alert was mailed: {err}")
        return False
    marker = _marker(settings, run_id)
    try:
        if not _claim(marker):
            return False
        send_message(
            config,
            alert_message(settings, config, recipients, job, run_id, reason),
            recipients,
            what="the failure alert",
            attempts=ALERT_ATTEMPTS,
            backoff_seconds=ALERT_BACKOFF_SECONDS,
            say=say,
        )
    except (JingfenError, OSError) as err:
        marker.unlink(missing_ok=True)  # nothing went out: whoever sees the run next may try
        say(f"The failure alert for run {run_id} was not mailed: {err}")
        return False
    say(f"Mailed the failure alert for run {run_id} to {', '.join(recipients)}.")
    return True


@run_failure_sensor(
    name="alert_on_run_failure",
    # runs of `jingfen run` carry no code location: watch every run of the instance
    monitor_all_code_locations=True,
    default_status=DefaultSensorStatus.RUNNING,
    description="Mail JINGFEN_ALERT_EMAIL once about each failed run, with its reason and link.",
)
def alert_on_run_failure(context: RunFailureSensorContext) -> None:
    settings = Settings.from_env()
    run = context.dagster_run
    reason = failure_reason(context.instance, run.run_id, settings)
    alert_failed_run(settings, run.job_name, run.run_id, reason, say=context.log.info)
