"""E-mail: a notice as a message (plain text and HTML from the templates beside this file,
with a link to the certification's page for the recipient) and an SMTP connection that sends
one after another (aiosmtplib), opened on first use and kept for the batch."""

import contextlib
import socket
from email.message import EmailMessage
from email.utils import format_datetime, formatdate
from enum import StrEnum
from pathlib import Path
from typing import Self

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, ConfigDict, SecretStr

from domain.notices import NoticeKind, survey_id
from identity.principal import OrganisationKind
from notifications.notices import Claimed

TEMPLATES = Path(__file__).resolve().parent / "templates"
_html = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
_text = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined)
PAGES = {
    OrganisationKind.MEMBER: "/member/{}",
    OrganisationKind.AUDIT_FIRM: "/worklist/{}",
    OrganisationKind.SECRETARIAT: "/certifications/{}",
}
"""Where each kind of organisation reads a certification (api/pages/member.py, worklist.py, secretariat.py)."""


class Security(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"
    """TLS from the first byte (SMTPS, usually port 465)."""


class MailSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str = "127.0.0.1"
    port: int = 1025
    username: str | None = None
    password: SecretStr | None = None
    security: Security = Security.NONE
    mail_from: str = "certflow <certflow@localhost>"
    public_url: str = "http://127.0.0.1:8000"
    """The links' start: where people reach the dashboard."""
    timeout_seconds: float = 30.0


def page_link(claimed: Claimed, public_url: str) -> str | None:
    """The certification's page for the recipient's kind of organisation."""
    certification = claimed.notice.certification_id
    if certification is None or claimed.organisation_kind is None:
        return None
    return public_url.rstrip("/") + PAGES[claimed.organisation_kind].format(certification)


def survey_link(claimed: Claimed, public_url: str) -> str | None:
    if claimed.notice.kind != NoticeKind.SURVEY:
        return None
    return f"{public_url.rstrip('/')}/surveys/{survey_id(claimed.notice.notice_id)}"


def compose(claimed: Claimed, settings: MailSettings) -> EmailMessage:
    """The notice as a message to `claimed.target`, under the delivery's one Message-ID."""
    context = {
        "notice": claimed.notice,
        "link": page_link(claimed, settings.public_url),
        "survey": survey_link(claimed, settings.public_url),
    }
    message = EmailMessage()
    message["Subject"] = claimed.notice.subject
    message["From"] = settings.mail_from
    message["To"] = claimed.target
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = claimed.message_id
    message["X-Certflow-Notice"] = str(claimed.notice.notice_id)
    message["X-Certflow-Notice-At"] = format_datetime(claimed.notice.at)
    message.set_content(_text.get_template("notice.txt").render(context))
    message.add_alternative(_html.get_template("notice.html").render(context), subtype="html")
    return message


class Mailer:
    """One SMTP connection, opened on first send and reopened after a failure (the server may
    have dropped it); `async with` closes it."""

    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings
        self._smtp: aiosmtplib.SMTP | None = None

    def _client(self) -> aiosmtplib.SMTP:
        s = self._settings
        return aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password.get_secret_value() if s.password else None,
            use_tls=s.security == Security.TLS,
            start_tls=s.security == Security.STARTTLS,
            timeout=s.timeout_seconds,
            # socket.getfqdn() (aiosmtplib's default) can wait seconds on a host without DNS.
            local_hostname=socket.gethostname(),
        )

    async def send(self, message: EmailMessage) -> None:
        """Returns once the server accepted the message; raises otherwise."""
        if self._smtp is None or not self._smtp.is_connected:
            self._smtp = self._client()
            await self._smtp.connect()
        try:
            await self._smtp.send_message(message)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._smtp is not None and self._smtp.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                await self._smtp.quit()
        self.close()
