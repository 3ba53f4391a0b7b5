"""A person of a test's own in the directory: a fresh user (in a fresh organisation unless
one is named) with an API token and a browser session. Tests that change someone's contact
details or fill someone's inbox use one, so the session-wide people (tests/people.py) stay
as every other test expects them."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Actor, Role
from domain.deadlines import DeadlineKind, Party
from domain.notices import Audience, Notice, NoticeKind, notice_id
from identity.directory import Directory, NewUser
from identity.principal import OrganisationKind
from identity.sessions import Sessions
from notifications.recording import record_notice

KIND_OF_ROLE = {
    Role.MEMBER: OrganisationKind.MEMBER,
    Role.AUDITOR: OrganisationKind.AUDIT_FIRM,
    Role.SECRETARIAT: OrganisationKind.SECRETARIAT,
}


@dataclass(frozen=True)
class Newcomer:
    actor: Actor
    token: str
    cookie: str
    csrf_token: str

    @property
    def user_id(self) -> str:
        return self.actor.user_id

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def newcomer(
    engine: AsyncEngine,
    role: Role = Role.MEMBER,
    organisation_id: str | None = None,
    email: str | None = None,
    kind: OrganisationKind | None = None,
) -> Newcomer:
    """In an organisation the session's people share (`organisation_id`), make them a viewer
    (with its `kind`): a viewer sees what the organisation sees, but no notice is addressed
    to one, so other tests' notices keep the recipients they expect."""
    suffix = uuid.uuid4().hex[:10]
    organisation = organisation_id or f"org-{suffix}"
    user = NewUser(
        user_id=f"newcomer-{suffix}",
        name=f"Newcomer {suffix}",
        organisation_id=organisation,
        organisation_name=f"Organisation {organisation}",
        organisation_kind=kind or KIND_OF_ROLE[role],
        role=role,
        email=email,
    )
    directory = Directory(engine)
    await directory.create_user(user)
    token = (await directory.issue_token(user.user_id, "tests")).token
    principal = await directory.principal_for_token(token)
    assert principal is not None
    session = await Sessions(engine).open(principal)
    return Newcomer(principal.actor, token, session.cookie, session.csrf_token)


async def tell_members(
    engine: AsyncEngine,
    organisation_id: str,
    subject: str,
    at: datetime,
    kind: NoticeKind = NoticeKind.REMINDER,
    due: date | None = None,
    certification_id: str = "cert-inbox",
) -> Notice:
    """Records a notice for a member organisation's people, as a workflow's activity does."""
    notice = Notice(
        notice_id=notice_id(certification_id, f"{organisation_id}/{subject}"),
        kind=kind,
        certification_id=certification_id,
        at=at,
        audience=Audience(parties=frozenset({Party.MEMBER}), member_id=organisation_id),
        subject=subject,
        body=f"{subject}.",
        deadline_id="cap:A1" if due else None,
        deadline_kind=DeadlineKind.CAP if due else None,
        due=due,
        days_left=(due - at.date()).days if due else None,
    )
    async with engine.begin() as conn:
        assert await record_notice(conn, notice)
    return notice


def moment(day: int, hour: int = 9) -> datetime:
    """A moment in March 2031 (the API under test is pinned to 2031-03-14)."""
    return datetime(2031, 3, day, hour, tzinfo=UTC)
