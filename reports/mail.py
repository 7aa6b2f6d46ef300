"""Send a report by e-mail: one message, the PDF and the workbook attached.

The SMTP server and the recipients come from these variables (core/settings.py reads them):

| variable | meaning |
|---|---|
| JINGFEN_SMTP_HOST | server name (required to send) |
| JINGFEN_SMTP_PORT | port; default 465 with TLS ``ssl``, 587 with ``starttls``, 25 with ``none`` |
| JINGFEN_SMTP_USER, JINGFEN_SMTP_PASSWORD | log in when a user is set |
| JINGFEN_SMTP_FROM | sender address (default: the user) |
| JINGFEN_SMTP_TLS | ``starttls`` (default), ``ssl`` (implicit TLS) or ``none`` |
| JINGFEN_REPORT_RECIPIENTS | comma-separated addresses the scheduled reports go to |

A transient failure (connection refused or reset, time-out, a 4xx reply) is retried with
exponential back-off; a refusal (5xx reply, failed log-in) raises JingfenError at once.
"""

from __future__ import annotations

import mimetypes
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from core.errors import JingfenError
from core.settings import Settings
from reports.build import ReportFiles

TLS_MODES = {"starttls": "starttls", "ssl": "ssl", "tls": "ssl", "none": "none", "off": "none",
             "false": "none", "0": "none", "true": "starttls", "1": "starttls"}  # fmt: skip
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    tls: str = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        host = settings.smtp_host
        if not host:
            raise JingfenError(
                "JINGFEN_SMTP_HOST is not set, so the report cannot be mailed: "
                "set JINGFEN_SMTP_HOST (and JINGFEN_SMTP_PORT, JINGFEN_SMTP_FROM, ...) first."
            )
        tls_text = settings.smtp_tls.lower()
        if tls_text not in TLS_MODES:
            raise JingfenError(
                f"JINGFEN_SMTP_TLS is {tls_text!r}: use 'starttls', 'ssl' or 'none'."
            )
        tls = TLS_MODES[tls_text]
        port_text = settings.smtp_port
        if port_text and not port_text.isdigit():
            raise JingfenError(f"JINGFEN_SMTP_PORT is {port_text!r}: it must be a port number.")
        user = settings.smtp_user or None
        sender = settings.smtp_from or user or ""
        if "@" not in parseaddr(sender)[1]:
            raise JingfenError(
                "JINGFEN_SMTP_FROM is not set to an e-mail address: set the sender address "
                "the report is mailed from."
            )
        return cls(
            host=host,
            port=int(port_text) if port_text else DEFAULT_PORTS[tls],
            sender=sender,
            tls=tls,
            user=user,
            password=settings.smtp_password or None,
        )


def parse_recipients(text: str | Iterable[str] | None) -> list[str]:
    """Addresses from a comma- or semicolon-separated text (or a list); bad ones are refused."""
    if text is None:
        return []
    parts = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    addresses = [p.strip() for p in parts if p and p.strip()]
    bad = [a for a in addresses if "@" not in parseaddr(a)[1]]
    if bad:
        raise JingfenError(f"Not an e-mail address: {', '.join(bad)}.")
    return addresses


def report_recipients(settings: Settings) -> list[str]:
    return parse_recipients(settings.report_recipients)


def build_message(config: SmtpConfig, files: ReportFiles, recipients: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = files.subject
    message["From"] = config.sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(config.sender)[1].split("@")[-1])
    body = [
        *files.summary,
        "",
        "附件 Attachments: " + ", ".join(p.name for p in files.attachments),
        "",
        "经分 Jingfen — figures from the published copy.",
    ]
    message.set_content("\n".join(body))
    for path in files.attachments:
        if not path.is_file():
            raise JingfenError(f"The report file {path} is missing: build the report again.")
        kind = XLSX_TYPE if path.suffix == ".xlsx" else mimetypes.guess_type(path.name)[0]
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


class _Transient(Exception):
    """A failure worth another attempt."""


def _code_of(err: smtplib.SMTPResponseException) -> int:
    return int(getattr(err, "smtp_code", 0) or 0)


def _reply(err: smtplib.SMTPResponseException) -> str:
    text = err.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{_code_of(err)} {text}".strip()


def _deliver(config: SmtpConfig, message: EmailMessage, recipients: list[str], what: str) -> None:
    where = f"{config.host}:{config.port}"
    try:
        if config.tls == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout,
                context=ssl.create_default_context(),
            )  # fmt: skip
        else:
            server = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with server:
            server.ehlo()
            if config.tls == "starttls":
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if config.user:
                server.login(config.user, config.password or "")
            refused = server.send_message(message, config.sender, recipients)
    except smtplib.SMTPAuthenticationError as err:
        raise JingfenError(
            f"The mail server {where} refused the log-in of {config.user} ({_reply(err)}): "
            "check JINGFEN_SMTP_USER and JINGFEN_SMTP_PASSWORD."
        ) from err
    except smtplib.SMTPNotSupportedError as err:
        raise JingfenError(
            f"The mail server {where} does not support what was asked ({err}): "
            "check JINGFEN_SMTP_TLS (starttls, ssl or none) and the log-in settings."
        ) from err
    except smtplib.SMTPRecipientsRefused as err:
        codes = [code for code, _ in err.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            raise _Transient(f"recipients deferred: {err.recipients}") from err
        raise JingfenError(
            f"The mail server {where} refused every recipient "
            f"({', '.join(f'{a}: {c}' for a, (c, _) in err.recipients.items())}): "
            "check the addresses."
        ) from err
    except smtplib.SMTPResponseException as err:
        if 400 <= _code_of(err) < 500:
            raise _Transient(_reply(err)) from err
        raise JingfenError(
            f"The mail server {where} refused {what} ({_reply(err)}); nothing was sent."
        ) from err
    except ssl.SSLError as err:
        raise JingfenError(
            f"TLS with the mail server {where} failed ({err}): check JINGFEN_SMTP_TLS and the port."
        ) from err
    except (smtplib.SMTPServerDisconnected, OSError) as err:
        # Connection refused or reset, time-outs, name look-ups: worth another try.
        raise _Transient(f"{type(err).__name__}: {err}") from err
    if refused:
        raise JingfenError(
            f"{what[0].upper()}{what[1:]} was mailed, but {where} refused "
            + ", ".join(f"{a} ({c})" for a, (c, _) in refused.items())
            + ": check those addresses."
        )


class MailNotDelivered(JingfenError):
    """Every attempt met a transient failure; nothing was sent."""


def send_message(
    config: SmtpConfig,
    message: EmailMessage,
    addresses: list[str],
    *,
    what: str,
    attempts: int = 4,
    backoff_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = print,
) -> None:
    """Deliver one message, retrying transient failures with exponential back-off."""
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            _deliver(config, message, addresses, what)
        except _Transient as err:
            last = str(err)
            if attempt == attempts:
                break
            delay = min(backoff_seconds * 2 ** (attempt - 1), 300.0)
            say(f"Mail server {config.host}:{config.port} not ready ({last}); "
                f"retrying in {delay:g} s (attempt {attempt + 1} of {attempts})…")  # fmt: skip
            sleep(delay)
        else:
            return
    raise MailNotDelivered(
        f"Could not mail {what} through {config.host}:{config.port} after {attempts} "
        f"attempts (last: {last})"
    )


def send_report(
    settings: Settings,
    files: ReportFiles,
    recipients: Iterable[str] | str,
    *,
    config: SmtpConfig | None = None,
    attempts: int = 4,
    backoff_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = print,
) -> None:
    """Mail both files in one message to ``recipients``; JingfenError when it cannot be sent."""
    addresses = parse_recipients(recipients)
    if not addresses:
        raise JingfenError(
            "No recipient to mail the report to: give --email or set JINGFEN_REPORT_RECIPIENTS."
        )
    config = config or SmtpConfig.from_settings(settings)
    message = build_message(config, files, addresses)
    try:
        send_message(config, message, addresses, what="the report", attempts=attempts,
                     backoff_seconds=backoff_seconds, sleep=sleep, say=say)  # fmt: skip
    except MailNotDelivered as err:
        raise JingfenError(f"{err}; the files are in {settings.reports}.") from err
    say(f"Mailed {files.pdf.name} and {files.xlsx.name} to {', '.join(addresses)}.")
