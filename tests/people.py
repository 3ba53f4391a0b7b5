"""The people of the test programme, in the directory: the scenario's actors (tests/scenario.py)
as users with passwords, API tokens and browser sessions, so HTTP tests call as any of them."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Actor, Role
from domain.firms import Accreditation
from identity.directory import Directory, NewUser
from identity.principal import OrganisationKind
from identity.sessions import Sessions
from tests.scenario import AUDITOR, MEMBER, OTHER_AUDITOR, OTHER_MEMBER, SECRETARIAT, VIEWER

PASSWORD = "correct horse battery staple"
TRAINED_UNTIL = date(2050, 12, 31)
"""Auditors' training holds through every scenario's audits."""
MEMBER_VIEWER = Actor(user_id="mia", organisation_id=MEMBER.organisation_id, role=VIEWER.role)
AUDITOR_VIEWER = Actor(user_id="ava", organisation_id=AUDITOR.organisation_id, role=VIEWER.role)

_ORGANISATIONS = {
    SECRETARIAT.organisation_id: ("Aluminium Stewardship Initiative", OrganisationKind.SECRETARIAT),
    MEMBER.organisation_id: ("Nordic Aluminium", OrganisationKind.MEMBER),
    OTHER_MEMBER.organisation_id: ("Other Aluminium", OrganisationKind.MEMBER),
    AUDITOR.organisation_id: ("Firm A Assurance", OrganisationKind.AUDIT_FIRM),
    OTHER_AUDITOR.organisation_id: ("Firm B Audits", OrganisationKind.AUDIT_FIRM),
}
EVERYONE = (SECRETARIAT, VIEWER, MEMBER, MEMBER_VIEWER, OTHER_MEMBER, AUDITOR, AUDITOR_VIEWER, OTHER_AUDITOR)
ACCREDITED_FOR = ("ASI-PS", "ASI-CoC", "ISO-14001")


def address(actor: Actor) -> str:
    """Each test person's e-mail address (example.org: reserved, reaches no one)."""
    return f"{actor.user_id}@example.org"


def _user(actor: Actor) -> NewUser:
    name, kind = _ORGANISATIONS[actor.organisation_id]
    return NewUser(
        user_id=actor.user_id,
        name=actor.user_id.title(),
        organisation_id=actor.organisation_id,
        organisation_name=name,
        organisation_kind=kind,
        role=actor.role,
        password=PASSWORD,  # type: ignore[arg-type]
        email=address(actor),
        trained_until=TRAINED_UNTIL if actor.role == Role.AUDITOR else None,
    )


@dataclass
class People:
    """Everyone's API token and session, by user id."""

    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)
    """user id -> (session cookie, its CSRF token)"""

    def bearer(self, actor: Actor) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[actor.user_id]}"}


async def register(engine: AsyncEngine) -> People:
    directory, sessions, people = Directory(engine), Sessions(engine), People()
    for actor in EVERYONE:
        await directory.create_user(_user(actor))
        people.tokens[actor.user_id] = (await directory.issue_token(actor.user_id, "tests")).token
        principal = await directory.principal_for_token(people.tokens[actor.user_id])
        assert principal is not None
        session = await sessions.open(principal)
        people.sessions[actor.user_id] = (session.cookie, session.csrf_token)
    for firm in (AUDITOR.organisation_id, OTHER_AUDITOR.organisation_id):
        for standard in ACCREDITED_FOR:
            accreditation = Accreditation(
                standard_code=standard, valid_from=date(2020, 1, 1), valid_until=date(2060, 1, 1)
            )
            await directory.accredit(firm, accreditation)
    return people
