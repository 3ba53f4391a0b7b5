"""The certification survey over real HTTP: a SURVEY notice opens a survey; its public link
records the survey opened and redirects to the scheme's survey; the Secretariat marks it
completed; the programme metrics show each scheme's response rate."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.deadlines import Party
from domain.notices import Audience, Notice, NoticeKind, notice_id, survey_id
from domain.policy import ASI, POLICIES
from notifications.recording import record_notice
from notifications.surveys import surveys
from tests.api.factories import Programme
from tests.people import People
from tests.scenario import MEMBER, VIEWER

SURVEY_LINK = "https://survey.example/asi-certification"


@pytest.fixture
def surveyed_policy(monkeypatch: pytest.MonkeyPatch) -> str:
    """A scheme whose policy holds a survey link (ASI's policy with one, under an id of its own)."""
    policy_id = f"asi-surveyed-{uuid.uuid4().hex[:6]}"
    monkeypatch.setitem(POLICIES, policy_id, ASI.model_copy(update={"policy_id": policy_id, "survey_url": SURVEY_LINK}))
    return policy_id


@pytest.fixture
def linkless_policy(monkeypatch: pytest.MonkeyPatch) -> str:
    """A scheme whose policy has no survey link."""
    policy_id = f"asi-unsurveyed-{uuid.uuid4().hex[:6]}"
    monkeypatch.setitem(POLICIES, policy_id, ASI.model_copy(update={"policy_id": policy_id, "survey_url": None}))
    return policy_id


def invitation(certification_id: str, member_id: str, kind: NoticeKind = NoticeKind.SURVEY) -> Notice:
    return Notice(
        notice_id=notice_id(certification_id, f"{kind}/{uuid.uuid4()}"),
        kind=kind,
        certification_id=certification_id,
        at=datetime(2031, 3, 1, 9, tzinfo=UTC),
        audience=Audience(parties=frozenset({Party.MEMBER}), member_id=member_id),
        subject="How was your certification?",
        body="Tell us in five minutes.",
    )


async def _recorded(engine: AsyncEngine, notice: Notice) -> int:
    """Records the notice (which opens its survey, if any, in the same transaction): the
    surveys its certification has then."""
    async with engine.begin() as conn:
        await record_notice(conn, notice)
        opened = select(func.count()).where(surveys.c.certification_id == notice.certification_id)
        return int(await conn.scalar(opened) or 0)


async def _survey(engine: AsyncEngine, survey: uuid.UUID) -> tuple[datetime | None, datetime | None]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(surveys.c.opened_at, surveys.c.completed_at).where(surveys.c.survey_id == survey))
        ).one()
    return row.opened_at, row.completed_at


async def test_a_survey_is_opened_by_its_link_completed_by_the_secretariat_and_counted(
    engine: AsyncEngine,
    programme: Programme,
    surveyed_policy: str,
    http: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    people: People,
) -> None:
    certification = await programme.certification("Fjord Rolling", policy_id=surveyed_policy, member_id="fjord")
    granted, renewed = invitation(certification, "fjord"), invitation(certification, "fjord")
    assert [await _recorded(engine, granted), await _recorded(engine, renewed)] == [1, 2]
    assert await _recorded(engine, granted) == 2, "a repeated notice opens no second survey"
    assert await _recorded(engine, invitation(certification, "fjord", NoticeKind.REMINDER)) == 2, "nor a reminder"
    first = survey_id(granted.notice_id)

    followed = await anonymous.get(f"/surveys/{first}", follow_redirects=False)
    assert (followed.status_code, followed.headers["location"]) == (303, SURVEY_LINK)
    opened, completed = await _survey(engine, first)
    assert opened is not None and completed is None
    await anonymous.get(f"/surveys/{first}", follow_redirects=False)
    assert (await _survey(engine, first))[0] == opened, "the first opening counts"

    assert (await http.post(f"/api/v1/surveys/{first}/completed")).json() == {"survey_id": str(first)}
    assert (await _survey(engine, first))[1] is not None
    for refused in (MEMBER, VIEWER):
        answer = await anonymous.post(f"/api/v1/surveys/{first}/completed", headers=people.bearer(refused))
        assert answer.status_code == 403, refused
    assert (await http.post(f"/api/v1/surveys/{uuid.uuid4()}/completed")).status_code == 404
    malformed = await http.post("/api/v1/surveys/not-a-uuid/completed")
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"][-1] == "survey_id"
    assert (await anonymous.post(f"/api/v1/surveys/{first}/completed")).status_code == 401

    metrics = (await http.get("/api/v1/metrics/programme", params={"standard": programme.standard})).json()
    assert metrics["surveys"] == [
        {"standard_code": programme.standard, "sent": 2, "completed": 1, "response_rate": 0.5}
    ]
    page = await http.get("/programme", params={"standard": programme.standard})
    assert "Certification survey responses" in page.text and ">50%<" in page.text
    async with engine.begin() as conn:
        await conn.execute(surveys.delete().where(surveys.c.certification_id == certification))


async def test_a_survey_without_a_link_to_follow_is_404_and_not_opened(
    engine: AsyncEngine, programme: Programme, linkless_policy: str, anonymous: httpx.AsyncClient
) -> None:
    certification = await programme.certification("Plain Casting", policy_id=linkless_policy, member_id="plain")
    invited = invitation(certification, "plain")
    assert await _recorded(engine, invited) == 1
    linkless = await anonymous.get(f"/surveys/{survey_id(invited.notice_id)}", follow_redirects=False)
    assert linkless.status_code == 404
    assert await _survey(engine, survey_id(invited.notice_id)) == (None, None)
    assert (await anonymous.get(f"/surveys/{uuid.uuid4()}", follow_redirects=False)).status_code == 404
    async with engine.begin() as conn:
        await conn.execute(surveys.delete().where(surveys.c.certification_id == certification))
