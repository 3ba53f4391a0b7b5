"""Who the benchmarks' commands and events come from (as in tests/scenario.py), and their
API tokens when a benchmark calls the API."""

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Actor, Role
from identity.directory import Directory, NewUser
from identity.principal import OrganisationKind

MEMBER = Actor(user_id="maria", organisation_id="nordic-alu", role=Role.MEMBER)
AUDITOR = Actor(user_id="arno", organisation_id="firm-a", role=Role.AUDITOR)
SECRETARIAT = Actor(user_id="sam", organisation_id="asi", role=Role.SECRETARIAT)

_ORGANISATIONS = {
    MEMBER.organisation_id: ("Nordic Aluminium", OrganisationKind.MEMBER),
    AUDITOR.organisation_id: ("Firm A Assurance", OrganisationKind.AUDIT_FIRM),
    SECRETARIAT.organisation_id: ("Aluminium Stewardship Initiative", OrganisationKind.SECRETARIAT),
}


async def bearer(engine: AsyncEngine, actor: Actor) -> dict[str, str]:
    """Registers the actor in the run's directory; the Authorization header of a new token."""
    directory = Directory(engine)
    name, kind = _ORGANISATIONS[actor.organisation_id]
    await directory.create_user(NewUser(
        user_id=actor.user_id, name=actor.user_id, organisation_id=actor.organisation_id, organisation_name=name,
        organisation_kind=kind, role=actor.role,
    ))
    return {"Authorization": f"Bearer {(await directory.issue_token(actor.user_id, 'bench')).token}"}
