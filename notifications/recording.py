"""Recording a notice once: the notice, its recipients (their inboxes, with the delivery each
asked for) and one delivery row per (notice, recipient, channel), in one transaction under
ids derived from the notice's, so a repeat records nothing more."""

from uuid import UUID, uuid5

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.notices import Channel, Delivery, Notice
from notifications.recipients import Recipient, endpoints, recipients
from notifications.status import DeliveryStatus
from notifications.surveys import open_survey
from notifications.tables import deliveries, notice_recipients, notices

DELIVERIES_CHANNEL = "certflow_deliveries"
"""Notified (on commit) when deliveries are added, so a dispatcher waiting on it wakes at once."""


def delivery_id(notice_id: UUID, channel: Channel, recipient: str) -> UUID:
    """The one id a (notice, recipient, channel) delivery has: the e-mail's Message-ID and the
    webhook's `webhook-id` derive from it, so a receiver can tell a repeat."""
    return uuid5(notice_id, f"{channel}/{recipient}")


def _mail(notice: Notice, recipient: Recipient) -> dict[str, object] | None:
    if recipient.delivery != Delivery.EMAIL or not recipient.email:
        return None
    return {
        "delivery_id": delivery_id(notice.notice_id, Channel.EMAIL, recipient.user_id),
        "notice_id": notice.notice_id,
        "channel": Channel.EMAIL,
        "user_id": recipient.user_id,
        "organisation_id": None,
        "target": recipient.email,
        "status": DeliveryStatus.PENDING,
    }


async def record_notice(conn: AsyncConnection, notice: Notice) -> bool:
    """True when recorded now; False when it had been (nothing is written twice)."""
    row = notice.model_dump(mode="json", exclude={"audience"}) | {"audience": notice.audience.model_dump(mode="json")}
    row["notice_id"], row["at"], row["due"] = notice.notice_id, notice.at, notice.due
    inserted = await conn.execute(insert(notices).values(**row).on_conflict_do_nothing())
    if inserted.rowcount != 1:
        return False
    await open_survey(conn, notice)
    people = await recipients(conn, notice.audience, notice.kind)
    if people:
        inbox = [{"notice_id": notice.notice_id, "user_id": p.user_id, "delivery": p.delivery} for p in people]
        await conn.execute(insert(notice_recipients).values(inbox))
    rows = [mail for p in people if (mail := _mail(notice, p))]
    rows += [
        {
            "delivery_id": delivery_id(notice.notice_id, Channel.WEBHOOK, endpoint.url),
            "notice_id": notice.notice_id,
            "channel": Channel.WEBHOOK,
            "user_id": None,
            "organisation_id": endpoint.organisation_id,
            "target": endpoint.url,
            "status": DeliveryStatus.PENDING,
        }
        for endpoint in await endpoints(conn, notice.audience)
    ]
    if rows:
        await conn.execute(insert(deliveries).values(rows).on_conflict_do_nothing())
        await conn.execute(select(func.pg_notify(DELIVERIES_CHANNEL, "")))
    return True
