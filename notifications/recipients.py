"""Who a notice reaches: its audience's parties resolved to people, each with the delivery
they asked for that kind of notice, and the organisations whose webhooks carry it."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.actors import Role
from domain.deadlines import Party
from domain.notices import Audience, Delivery, NoticeKind
from identity.tables import notice_preferences, users
from notifications.tables import webhook_endpoints

U = users.c
DEFAULT_DELIVERY = Delivery.EMAIL
"""What a person gets of a kind they have not chosen for: mail straight away."""


@dataclass(frozen=True)
class Recipient:
    user_id: str
    organisation_id: str
    email: str | None
    delivery: Delivery


@dataclass(frozen=True)
class Endpoint:
    organisation_id: str
    url: str


def _people_of(audience: Audience) -> ColumnElement[bool] | None:
    """The users an audience names: a member's certification contacts, the lead auditor and
    the firm's contacts, the Secretariat's officers."""
    clauses = []
    if Party.MEMBER in audience.parties and audience.member_id:
        clauses.append(and_(U.organisation_id == audience.member_id, U.role == Role.MEMBER))
    if Party.AUDIT_FIRM in audience.parties and audience.firm_id:
        firm = and_(U.organisation_id == audience.firm_id, U.role == Role.AUDITOR)
        named = or_(U.contact, U.user_id == audience.lead_auditor) if audience.lead_auditor else U.contact
        clauses.append(and_(firm, named))
    if Party.SECRETARIAT in audience.parties:
        clauses.append(U.role == Role.SECRETARIAT)
    return or_(*clauses) if clauses else None


async def recipients(conn: AsyncConnection, audience: Audience, kind: NoticeKind) -> list[Recipient]:
    people = _people_of(audience)
    if people is None:
        return []
    P = notice_preferences.c
    chosen = P.delivery.label("delivery")
    query = (
        select(U.user_id, U.organisation_id, U.email, chosen)
        .select_from(users.outerjoin(notice_preferences, and_(P.user_id == U.user_id, P.kind == kind)))
        .where(people)
        .order_by(U.user_id)
    )
    rows = (await conn.execute(query)).all()
    return [Recipient(r.user_id, r.organisation_id, r.email, Delivery(r.delivery or DEFAULT_DELIVERY)) for r in rows]


def organisations_of(audience: Audience) -> list[str]:
    """The organisations an audience involves, whose webhooks carry its notices."""
    named = {
        Party.MEMBER: audience.member_id,
        Party.AUDIT_FIRM: audience.firm_id,
    }
    return sorted({org for party, org in named.items() if party in audience.parties and org})


async def endpoints(conn: AsyncConnection, audience: Audience) -> list[Endpoint]:
    organisations = organisations_of(audience)
    if not organisations:
        return []
    W = webhook_endpoints.c
    query = (
        select(W.organisation_id, W.url)
        .where(W.organisation_id.in_(organisations), W.disabled_at.is_(None))
        .order_by(W.organisation_id, W.created_at)
    )
    return [Endpoint(r.organisation_id, r.url) for r in (await conn.execute(query)).all()]
