"""Recording a notice: once, to the people its audience names, with each one's channel plan."""

from datetime import UTC, datetime
from uuid import uuid4

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Role
from domain.deadlines import Party
from domain.notices import Audience, Channel, Delivery, Notice, NoticeKind, notice_id
from identity.directory import Directory, NewUser
from identity.principal import OrganisationKind
from identity.tables import notice_preferences, users
from notifications.recording import delivery_id, record_notice
from notifications.tables import deliveries, notice_recipients, notices, webhook_endpoints


async def organisation(engine: AsyncEngine, kind: OrganisationKind, *people: tuple[str, Role]) -> tuple[str, list[str]]:
    """An organisation of this test's own with these people (ids made unique), each with an address."""
    org = f"{kind}-{uuid4().hex[:8]}"
    directory, ids = Directory(engine), []
    for name, role in people:
        user_id = f"{name}.{org}"
        await directory.create_user(
            NewUser(
                user_id=user_id,
                name=name.title(),
                organisation_id=org,
                organisation_name=org,
                organisation_kind=kind,
                role=role,
            )
        )
        async with engine.begin() as conn:
            await conn.execute(update(users).where(users.c.user_id == user_id).values(email=f"{name}@{org}.example"))
        ids.append(user_id)
    return org, ids


def notice(audience: Audience, kind: NoticeKind = NoticeKind.REMINDER) -> Notice:
    certification = f"cert-{uuid4().hex[:8]}"
    return Notice(
        notice_id=notice_id(certification, "reminder/cap:A1@2040-02-04-3d"),
        kind=kind,
        certification_id=certification,
        at=datetime(2040, 2, 1, tzinfo=UTC),
        audience=audience,
        subject="Due in 3 days: Corrective action plan (audit A1) for Nordic Aluminium Rolling",
        body="...",
    )


async def plan(engine: AsyncEngine, given: Notice) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(recipient, delivery) of the inbox rows; (channel, target) of the delivery rows."""
    r, d = notice_recipients.c, deliveries.c
    async with engine.connect() as conn:
        inbox = (await conn.execute(select(r.user_id, r.delivery).where(r.notice_id == given.notice_id))).all()
        sends = (await conn.execute(select(d.channel, d.target).where(d.notice_id == given.notice_id))).all()
    return sorted((u, str(x)) for u, x in inbox), sorted((str(c), t) for c, t in sends)


async def test_a_members_notice_reaches_its_members_not_its_viewers_each_as_they_asked(engine: AsyncEngine) -> None:
    member, (maria, mads, _viewer) = await organisation(
        engine, OrganisationKind.MEMBER, ("maria", Role.MEMBER), ("mads", Role.MEMBER), ("mia", Role.VIEWER)
    )
    async with engine.begin() as conn:
        preference = {"user_id": mads, "kind": NoticeKind.REMINDER, "delivery": Delivery.DIGEST}
        await conn.execute(insert(notice_preferences).values(preference))
    given = notice(Audience(parties=frozenset({Party.MEMBER}), member_id=member))

    async with engine.begin() as conn:
        assert await record_notice(conn, given)

    inbox, sends = await plan(engine, given)
    assert inbox == [(mads, "digest"), (maria, "email")]
    assert sends == [("email", f"maria@{member}.example")]


async def test_the_firm_hears_through_the_lead_auditor_and_its_contacts_and_its_webhook(engine: AsyncEngine) -> None:
    firm, (lead, other, manager) = await organisation(
        engine, OrganisationKind.AUDIT_FIRM, ("lead", Role.AUDITOR), ("other", Role.AUDITOR), ("boss", Role.AUDITOR)
    )
    async with engine.begin() as conn:
        await conn.execute(update(users).where(users.c.user_id == manager).values(contact=True))
        endpoint = {
            "endpoint_id": uuid4(),
            "organisation_id": firm,
            "url": "https://firm.example/hooks",
            "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "created_at": datetime.now(UTC),
        }
        await conn.execute(insert(webhook_endpoints).values(endpoint))
    given = notice(Audience(parties=frozenset({Party.AUDIT_FIRM}), firm_id=firm, lead_auditor=lead))

    async with engine.begin() as conn:
        assert await record_notice(conn, given)

    inbox, sends = await plan(engine, given)
    assert [user for user, _ in inbox] == sorted([manager, lead]), f"not {other}: neither lead nor contact"
    assert sends == sorted(
        [
            ("email", f"boss@{firm}.example"),
            ("email", f"lead@{firm}.example"),
            ("webhook", "https://firm.example/hooks"),
        ]
    )


async def test_a_notice_recorded_again_records_nothing_more(engine: AsyncEngine) -> None:
    member, (maria,) = await organisation(engine, OrganisationKind.MEMBER, ("maria", Role.MEMBER))
    given = notice(Audience(parties=frozenset({Party.MEMBER}), member_id=member))

    async with engine.begin() as conn:
        assert await record_notice(conn, given)
    async with engine.begin() as conn:
        assert not await record_notice(conn, given.model_copy(update={"subject": "a retried attempt's copy"}))

    async with engine.connect() as conn:
        subjects = (await conn.execute(select(notices.c.subject).where(notices.c.notice_id == given.notice_id))).all()
        ids = (
            await conn.execute(select(deliveries.c.delivery_id).where(deliveries.c.notice_id == given.notice_id))
        ).all()
    assert [s for (s,) in subjects] == [given.subject]
    assert [i for (i,) in ids] == [delivery_id(given.notice_id, Channel.EMAIL, maria)]


async def test_the_secretariat_is_its_officers(engine: AsyncEngine) -> None:
    _, (officer, viewer) = await organisation(
        engine, OrganisationKind.SECRETARIAT, ("officer", Role.SECRETARIAT), ("reader", Role.VIEWER)
    )
    given = notice(Audience(parties=frozenset({Party.SECRETARIAT})), NoticeKind.APPLICATION_TO_REVIEW)

    async with engine.begin() as conn:
        await record_notice(conn, given)

    inbox, _ = await plan(engine, given)
    assert officer in [user for user, _ in inbox]
    assert viewer not in [user for user, _ in inbox]
