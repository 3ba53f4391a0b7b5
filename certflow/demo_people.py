"""The demo's people for `certflow dev`: one user per role, each with a password for the pages
and a fresh API token for curl, registered in the directory with the demo's organisations
(the members and the audit firm the demo certifications name)."""

import contextlib
from dataclasses import dataclass
from datetime import date

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from certflow.demo import AUDITOR, FIRM, MEMBERS, SECRETARIAT, member_actor
from domain.actors import Actor, Role
from identity.contact import ContactChange, Contacts
from identity.directory import Directory, DirectoryError, NewUser
from identity.principal import OrganisationKind

SECRETARIAT_VIEWER = Actor(user_id="vic.viewer", organisation_id=SECRETARIAT.organisation_id, role=Role.VIEWER)
AUDITOR_TRAINED_UNTIL = date(2035, 12, 31)
_PASSWORDS = {
    Role.SECRETARIAT: "demo-secretariat",
    Role.AUDITOR: "demo-auditor",
    Role.MEMBER: "demo-member",
    Role.VIEWER: "demo-viewer",
}


def demo_address(actor: Actor) -> str:
    """Each demo person's address, under their organisation at example.org (reserved: mail
    sent there reaches no one): "admin@nordic-alu" is admin@nordic-alu.example.org."""
    return f"{actor.user_id.partition('@')[0]}@{actor.organisation_id}.example.org"


async def _give_address(contacts: Contacts, actor: Actor) -> None:
    """People registered by a run before addresses existed get one (an address chosen since stays)."""
    found = await contacts.details(actor.user_id)
    if found is not None and found.email is None:
        await contacts.change(actor.user_id, ContactChange(email=demo_address(actor)))


@dataclass(frozen=True)
class DemoLogin:
    actor: Actor
    password: str
    token: str


def _users() -> list[tuple[Actor, str, OrganisationKind]]:
    people = [
        (SECRETARIAT, "Aluminium Stewardship Initiative", OrganisationKind.SECRETARIAT),
        (SECRETARIAT_VIEWER, "Aluminium Stewardship Initiative", OrganisationKind.SECRETARIAT),
        (AUDITOR, FIRM.name, OrganisationKind.AUDIT_FIRM),
    ]
    people += [(member_actor(member), name, OrganisationKind.MEMBER) for member, name in MEMBERS.items()]
    return people


async def seed_people(engine: AsyncEngine) -> list[DemoLogin]:
    """Registers the demo's people (once) and issues each a new token: the logins to print."""
    directory, contacts, logins = Directory(engine), Contacts(engine), []
    for actor, organisation_name, kind in _users():
        password = _PASSWORDS[actor.role]
        with contextlib.suppress(DirectoryError):  # registered by an earlier run
            await directory.create_user(
                NewUser(
                    user_id=actor.user_id,
                    name=actor.user_id,
                    organisation_id=actor.organisation_id,
                    organisation_name=organisation_name,
                    organisation_kind=kind,
                    role=actor.role,
                    password=SecretStr(password),
                    email=demo_address(actor),
                    trained_until=AUDITOR_TRAINED_UNTIL if actor.role == Role.AUDITOR else None,
                )
            )
        await _give_address(contacts, actor)
        logins.append(DemoLogin(actor, password, (await directory.issue_token(actor.user_id, "demo")).token))
    for accreditation in FIRM.accreditations:
        await directory.accredit(FIRM.firm_id, accreditation)
    return logins
