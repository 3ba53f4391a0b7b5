"""Who is calling: a user with one role in one organisation of a kind, as the API and pages
see them. The domain sees only the `Actor` part."""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row, Select, select

from domain.actors import Actor, Role
from identity.tables import organisations, users


class OrganisationKind(StrEnum):
    MEMBER = "member"
    AUDIT_FIRM = "audit-firm"
    SECRETARIAT = "secretariat"


ROLES_OF: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.MEMBER: frozenset({Role.MEMBER, Role.VIEWER}),
    OrganisationKind.AUDIT_FIRM: frozenset({Role.AUDITOR, Role.VIEWER}),
    OrganisationKind.SECRETARIAT: frozenset({Role.SECRETARIAT, Role.VIEWER}),
}
"""Which roles a user may hold in which kind of organisation."""


class Principal(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str
    name: str
    role: Role
    organisation_id: str
    organisation_name: str
    organisation_kind: OrganisationKind

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, organisation_id=self.organisation_id, role=self.role)


def select_principals() -> Select[Any]:
    """Users with their organisations, as rows `principal_of` reads; join what finds them."""
    return select(
        users.c.user_id,
        users.c.name,
        users.c.role,
        organisations.c.organisation_id,
        organisations.c.name.label("organisation_name"),
        organisations.c.kind.label("organisation_kind"),
    ).join(organisations, organisations.c.organisation_id == users.c.organisation_id)


def principal_of(row: Row[Any]) -> Principal:
    return Principal(
        user_id=row.user_id,
        name=row.name,
        role=Role(row.role),
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        organisation_kind=OrganisationKind(row.organisation_kind),
    )
