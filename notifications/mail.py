"""E-mail: a notice as a message (plain text and HTML from the templates beside this file,
with a link to the certification's page for the recipient) and an SMTP connection that sends
one after another (aiosmtplib), opened on first use and kept for the batch."""

import binascii
import contextlib
import socket
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate, parseaddr
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Self

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, ConfigDict, SecretStr

from domain.notices import NoticeKind, survey_id
from identity.principal import OrganisationKind
from notifications.notices import Claimed

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Loaded once: an environment that reloads checks the file's time on every message.
_loader = FileSystemLoader(TEMPLATES)
HTML = Environment(loader=_loader, autoescape=True, undefined=StrictUndefined, auto_reload=False).get_template(
    "notice.html"
)
TEXT = Environment(loader=_loader, autoescape=False, undefined=StrictUndefined, auto_reload=False).get_template(
    "notice.txt"
)
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


@dataclass(frozen=True)
class Outgoing:
    """A message ready for the wire: its envelope and its bytes."""

    sender: str
    recipient: str
    data: bytes


@lru_cache(maxsize=16)
def _address(mail_from: str) -> str:
    """The envelope's sender: the address in From."""
    return parseaddr(mail_from)[1]


def _header(value: str) -> str:
    """A header's value on one line; RFC 2047-encoded when not ASCII. Line breaks in it
    become spaces: a notice's subject must not add headers."""
    value = " ".join(value.splitlines())
    return value if value.isascii() else Header(value, "utf-8").encode()


def _part(content_type: str, text: str) -> bytes:
    return (
        f'Content-Type: {content_type}; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\n'.encode()
        + binascii.b2a_qp(text.encode())
    )


def compose(claimed: Claimed, settings: MailSettings) -> Outgoing:
    """The notice as a message to `claimed.target` (plain text and HTML, both quoted-printable
    UTF-8), under the delivery's one Message-ID. Written out directly: the email package's
    EmailMessage took five times as long to build and write per message, its compat32
    classes three, and composing was the dispatcher's dearest step (bench/dispatcher.py).
    aiosmtplib turns the line ends into CRLF and escapes leading dots."""
    context = {
        "notice": claimed.notice,
        "link": page_link(claimed, settings.public_url),
        "survey": survey_link(claimed, settings.public_url),
    }
    boundary = f"=_certflow_{claimed.delivery_id.hex}"
    headers = {
        "Subject": _header(claimed.notice.subject),
        "From": _header(settings.mail_from),
        "To": _header(claimed.target),
        "Date": formatdate(localtime=False),
        "Message-ID": claimed.message_id,
        "X-Certflow-Notice": str(claimed.notice.notice_id),
        "MIME-Version": "1.0",
        "Content-Type": f'multipart/alternative; boundary="{boundary}"',
    }
    head = "".join(f"{name}: {value}\n" for name, value in headers.items())
    separator, end = f"\n--{boundary}\n".encode(), f"\n--{boundary}--\n".encode()
    data = (
        head.encode()
        + separator
        + _part("text/plain", TEXT.render(context))
        + separator
        + _part("text/html", HTML.render(context))
        + end
    )
    return Outgoing(_address(settings.mail_from), claimed.target, data)


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

    async def send(self, message: Outgoing) -> None:
        """Returns once the server accepted the message; raises otherwise."""
        if self._smtp is None or not self._smtp.is_connected:
            self._smtp = self._client()
            await self._smtp.connect()
        try:
            await self._smtp.sendmail(message.sender, [message.recipient], message.data)
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
