"""Organisations' webhook endpoints: registering one (its signing secret generated here and
shown once), listing them (never the secret), rotating the secret (the previous one keeps
signing for a day, so receivers can switch over) and disabling one."""

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID, uuid4

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from notifications.tables import webhook_endpoints

W = webhook_endpoints.c
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP = timedelta(hours=24)
"""How long the previous secret still signs after a rotation."""


class NotHttps(ValueError):
    """A webhook URL that is not https (http only where the setting allows it)."""


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: UUID
    organisation_id: str
    url: str
    created_at: datetime
    disabled_at: datetime | None
    previous_secret_until: datetime | None


@dataclass(frozen=True)
class WithSecret:
    """An endpoint and its new secret: the one time the secret is shown."""

    endpoint: Endpoint
    secret: str


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def check_url(url: str, allow_http: bool) -> str:
    """`url` when it is an absolute https URL (or http, if allowed); NotHttps otherwise."""
    schemes = ("https", "http") if allow_http else ("https",)
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # "https://[" and the like
        hostname = None
    if hostname is None or parts.scheme not in schemes or any(c.isspace() for c in url):
        allowed = " or ".join(f"{s}://" for s in schemes)
        raise NotHttps(f"a webhook URL must be an absolute {allowed} URL")
    return url


_COLUMNS = (W.endpoint_id, W.organisation_id, W.url, W.created_at, W.disabled_at, W.previous_secret_until)


def _endpoint(row: object) -> Endpoint:
    return Endpoint(*row)  # type: ignore[misc]


async def register(conn: AsyncConnection, organisation_id: str, url: str, allow_http: bool) -> WithSecret:
    secret = new_secret()
    values = {"endpoint_id": uuid4(), "organisation_id": organisation_id, "url": check_url(url, allow_http)}
    row = (await conn.execute(webhook_endpoints.insert().values(**values, secret=secret).returning(*_COLUMNS))).one()
    return WithSecret(_endpoint(row), secret)


async def listed(conn: AsyncConnection, organisation_id: str | None) -> list[Endpoint]:
    """An organisation's endpoints (everyone's with None), newest first, disabled ones too."""
    query = select(*_COLUMNS).order_by(W.created_at.desc(), W.endpoint_id)
    if organisation_id is not None:
        query = query.where(W.organisation_id == organisation_id)
    return [_endpoint(r) for r in (await conn.execute(query)).all()]


async def find(conn: AsyncConnection, endpoint_id: UUID) -> Endpoint | None:
    row = (await conn.execute(select(*_COLUMNS).where(W.endpoint_id == endpoint_id))).one_or_none()
    return _endpoint(row) if row else None


async def rotate(conn: AsyncConnection, endpoint_id: UUID) -> WithSecret | None:
    """A new secret; the current one becomes the previous, signing too for ROTATION_OVERLAP."""
    secret = new_secret()
    row = (
        await conn.execute(
            update(webhook_endpoints)
            .where(W.endpoint_id == endpoint_id, W.disabled_at.is_(None))
            .values(secret=secret, previous_secret=W.secret, previous_secret_until=func.now() + ROTATION_OVERLAP)
            .returning(*_COLUMNS)
        )
    ).one_or_none()
    return WithSecret(_endpoint(row), secret) if row else None


async def disable(conn: AsyncConnection, endpoint_id: UUID) -> Endpoint | None:
    """The endpoint, disabled now (or when it was): no new deliveries go to it."""
    await conn.execute(
        update(webhook_endpoints)
        .where(W.endpoint_id == endpoint_id, W.disabled_at.is_(None))
        .values(disabled_at=func.now())
    )
    return await find(conn, endpoint_id)
