"""A notice as a webhook: a JSON POST signed per the Standard Webhooks specification
(`webhook-id` = the delivery's id, so a receiver tells a repeat; `webhook-timestamp`;
`webhook-signature` = v1 HMAC-SHA256 by the `standardwebhooks` package). During a secret's
rotation the message carries a signature by each secret, space-separated as the
specification allows, so a receiver holding either verifies it."""

from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from pydantic import BaseModel, ConfigDict
from standardwebhooks import Webhook

from notifications.notices import Claimed, NoticeText, Secrets


class WebhookSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    timeout_seconds: float = 10.0


class RefusedByReceiver(Exception):
    """The receiver answered, but not 2xx."""


def payload(notice: NoticeText) -> bytes:
    data: dict[str, Any] = {
        "notice_id": str(notice.notice_id),
        "kind": notice.kind.value,
        "certification_id": notice.certification_id,
        "at": notice.at.isoformat(),
        "subject": notice.subject,
        "body": notice.body,
        "deadline_id": notice.deadline_id,
        "deadline_kind": notice.deadline_kind,
        "due": notice.due.isoformat() if notice.due else None,
        "days_left": notice.days_left,
    }
    # The event's time is the notice's (the workflow's); the header's is the sending's.
    return orjson.dumps({"type": f"notice.{notice.kind.value}", "timestamp": notice.at.isoformat(), "data": data})


def signature(secrets: Secrets, message_id: str, at: datetime, body: str) -> str:
    """One signature per valid secret: the current one, and the previous until its end."""
    signing = [secrets.current]
    if secrets.previous and secrets.previous_until and secrets.previous_until > at:
        signing.append(secrets.previous)
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in signing)


def signed_headers(claimed: Claimed, secrets: Secrets, body: bytes, at: datetime) -> dict[str, str]:
    message_id = str(claimed.delivery_id)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(secrets, message_id, at, body.decode()),
    }


async def post(client: httpx.AsyncClient, claimed: Claimed, secrets: Secrets) -> None:
    """Returns once the receiver answered 2xx; raises otherwise (RefusedByReceiver, httpx's errors)."""
    body = payload(claimed.notice)
    at = datetime.now(UTC).replace(microsecond=0)
    answer = await client.post(claimed.target, content=body, headers=signed_headers(claimed, secrets, body, at))
    if not answer.is_success:
        raise RefusedByReceiver(f"HTTP {answer.status_code}: {answer.text[:200]}")
