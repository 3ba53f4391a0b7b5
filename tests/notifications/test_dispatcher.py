"""The dispatcher delivering notices for real: e-mails to an SMTP server (aiosmtpd) on
localhost, webhooks to an HTTP receiver that verifies their signatures with the
`standardwebhooks` package; failing receivers, retries and dead letters."""

from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from api.app import create_app
from domain.actors import Role
from domain.notices import Channel, NoticeKind, survey_id
from identity.principal import OrganisationKind
from notifications import webhooks
from notifications.dead_letters import DEAD_LETTERS_ONLY
from notifications.recording import delivery_id
from notifications.status import DeliveryStatus
from notifications.tables import deliveries
from tests.api.serving import served
from tests.notifications.conftest import PUBLIC_URL, Notices, dispatching
from tests.notifications.receivers import mail_sink, webhook_receiver


def parts(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None, "a plain and an HTML part"
    return plain.get_content(), html.get_content()


async def delivery(engine: AsyncEngine, id_: object) -> dict[str, object]:
    async with engine.connect() as conn:
        row = (await conn.execute(select(deliveries).where(deliveries.c.delivery_id == id_))).one()
    return row._asdict()


async def test_a_reminder_reaches_each_member_contact_by_mail_with_a_link_to_their_page(notices: Notices) -> None:
    member = await notices.member(people=2)
    with mail_sink() as sink:
        async with dispatching(notices.engine, sink.port):
            notice = await notices.notice(member, subject="Surveillance <audit> due in 7 days")
            assert await notices.settled([notice.notice_id]) == {DeliveryStatus.SENT: 2}

    assert sorted(str(m["To"]) for m in sink.messages) == sorted(member.email(u) for u in member.user_ids)
    for message in sink.messages:
        user_id = next(u for u in member.user_ids if member.email(u) == str(message["To"]))
        assert message["Message-ID"] == f"<{delivery_id(notice.notice_id, Channel.EMAIL, user_id)}@certflow>"
        assert message["Subject"] == "Surveillance <audit> due in 7 days"
        plain, html = parts(message)
        link = f"{PUBLIC_URL}/member/{notice.certification_id}"
        assert notice.body in plain and "Due: 2026-12-09 (7 days left)" in plain and link in plain
        assert f'<a href="{link}">' in html
        assert "Surveillance &lt;audit&gt; due in 7 days" in html and "<audit>" not in html
    sent = await delivery(notices.engine, delivery_id(notice.notice_id, Channel.EMAIL, member.user_ids[0]))
    assert sent["status"] == DeliveryStatus.SENT and sent["sent_at"] is not None and sent["attempts"] == 1


async def test_a_survey_notice_links_to_its_survey(notices: Notices) -> None:
    member = await notices.member()
    with mail_sink() as sink:
        async with dispatching(notices.engine, sink.port):
            notice = await notices.notice(member, NoticeKind.SURVEY, "Tell us how certification went")
            await notices.settled([notice.notice_id])

    [message] = sink.messages
    plain, html = parts(message)
    survey = f"{PUBLIC_URL}/surveys/{survey_id(notice.notice_id)}"
    assert survey in plain and f'<a href="{survey}">' in html


async def test_a_webhook_is_signed_with_the_endpoint_secret_and_with_both_during_a_rotation(
    notices: Notices,
) -> None:
    member = await notices.member(addresses=False)
    with webhook_receiver() as receiver, mail_sink() as sink:
        async with notices.engine.begin() as conn:
            registered = await webhooks.register(conn, member.organisation_id, receiver.url, allow_http=True)
        async with dispatching(notices.engine, sink.port):
            first = await notices.notice(member)
            assert await notices.settled([first.notice_id]) == {DeliveryStatus.SENT: 1}
            async with notices.engine.begin() as conn:
                rotated = await webhooks.rotate(conn, registered.endpoint.endpoint_id)
            assert rotated is not None
            second = await notices.notice(member, NoticeKind.ESCALATION)
            assert await notices.settled([second.notice_id]) == {DeliveryStatus.SENT: 1}

    before, during = receiver.posts
    payload = Webhook(registered.secret).verify(before.body, before.headers)
    assert payload["type"] == "notice.reminder" and payload["data"]["notice_id"] == str(first.notice_id)
    assert payload["data"]["days_left"] == 7 and payload["data"]["subject"] == first.subject
    assert before.headers["webhook-id"] == str(delivery_id(first.notice_id, Channel.WEBHOOK, receiver.url))
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    for secret in (rotated.secret, registered.secret):
        assert Webhook(secret).verify(during.body, during.headers)["type"] == "notice.escalation"
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(during.body, during.headers)
    assert sink.messages == []


async def test_a_receiver_answering_4xx_is_tried_again_and_the_attempt_counts(notices: Notices) -> None:
    member = await notices.member(addresses=False)
    with webhook_receiver(script=[404]) as receiver, mail_sink() as sink:
        async with notices.engine.begin() as conn:
            await webhooks.register(conn, member.organisation_id, receiver.url, allow_http=True)
        async with dispatching(notices.engine, sink.port):
            notice = await notices.notice(member)
            assert await notices.settled([notice.notice_id]) == {DeliveryStatus.SENT: 1}

    assert len(receiver.posts) == 2
    assert len({p.headers["webhook-id"] for p in receiver.posts}) == 1
    sent = await delivery(notices.engine, delivery_id(notice.notice_id, Channel.WEBHOOK, receiver.url))
    assert sent["attempts"] == 2 and sent["last_error"] is None


async def test_a_receiver_failing_every_attempt_leaves_a_dead_letter_and_retrying_it_delivers_once(
    notices: Notices,
) -> None:
    member = await notices.member(addresses=False)
    await notices.user("asi", OrganisationKind.SECRETARIAT, Role.SECRETARIAT, f"sec-{member.organisation_id}", None)
    token = (await notices.directory.issue_token(f"sec-{member.organisation_id}", "tests")).token
    with webhook_receiver(script=[503, 503, 503]) as receiver, mail_sink() as sink:
        async with notices.engine.begin() as conn:
            await webhooks.register(conn, member.organisation_id, receiver.url, allow_http=True)
        wanted = delivery_id((notice := await notices.notice(member)).notice_id, Channel.WEBHOOK, receiver.url)
        async with (
            dispatching(notices.engine, sink.port),
            served(create_app(notices.engine), headers={"Authorization": f"Bearer {token}"}) as api,
        ):
            assert await notices.settled([notice.notice_id]) == {DeliveryStatus.DEAD: 1}
            dead = await delivery(notices.engine, wanted)
            assert dead["attempts"] == 3 and dead["last_error"] == "RefusedByReceiver: HTTP 503: "
            listed = (await api.get("/api/v1/deliveries", params={"status": "dead"})).json()["items"]
            assert [d["delivery_id"] for d in listed] == [str(wanted)]
            assert listed[0]["organisation_id"] == member.organisation_id and listed[0]["channel"] == "webhook"

            retried = await api.post(f"/api/v1/deliveries/{wanted}/retry")
            assert retried.status_code == 200 and retried.json()["attempts"] == 0
            assert await notices.settled([notice.notice_id]) == {DeliveryStatus.SENT: 1}
            again = await api.post(f"/api/v1/deliveries/{wanted}/retry")
            discarded = await api.post(f"/api/v1/deliveries/{wanted}/discard")

    assert [p.headers["webhook-id"] for p in receiver.posts] == [str(wanted)] * 4
    assert again.status_code == 409 and again.json()["rule"] == DEAD_LETTERS_ONLY
    assert discarded.status_code == 409 and "this one is sent" in discarded.json()["detail"]
    assert (await delivery(notices.engine, wanted))["status"] == DeliveryStatus.SENT


async def test_a_delivery_to_a_disabled_endpoint_is_discarded_unsent(notices: Notices) -> None:
    member = await notices.member(addresses=False)
    with webhook_receiver() as receiver, mail_sink() as sink:
        async with notices.engine.begin() as conn:
            registered = await webhooks.register(conn, member.organisation_id, receiver.url, allow_http=True)
        notice = await notices.notice(member)
        async with notices.engine.begin() as conn:
            await webhooks.disable(conn, registered.endpoint.endpoint_id)
        async with dispatching(notices.engine, sink.port):
            assert await notices.settled([notice.notice_id]) == {DeliveryStatus.DISCARDED: 1}
    assert receiver.posts == []


async def test_only_the_secretariat_sees_deliveries(notices: Notices) -> None:
    member = await notices.member()
    token = (await notices.directory.issue_token(member.user_ids[0], "tests")).token
    async with served(create_app(notices.engine), headers={"Authorization": f"Bearer {token}"}) as api:
        refused = await api.get("/api/v1/deliveries")
    assert refused.status_code == 403
    assert isinstance(refused.json()["detail"], str)
