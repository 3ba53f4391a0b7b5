"""The directory of organisations, users and tokens: registering them, and telling who a
token stands for."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Actor, Role
from identity.tables import api_tokens, organisations, users
from identity.tokens import new_token, token_hash


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


class NewUser(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    organisation_id: str = Field(min_length=1, max_length=200)
    organisation_name: str = Field(min_length=1, max_length=200)
    organisation_kind: OrganisationKind
    role: Role
    trained_until: date | None = None
    """For auditors: until when their training is valid."""


class DirectoryError(Exception):
    """A registration the directory refuses; the message names the field or rule."""


@dataclass(frozen=True)
class IssuedToken:
    token_id: UUID
    token: str
    """Shown once: only its hash is kept."""


class Directory:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create_user(self, user: NewUser) -> None:
        """Registers the user, and its organisation if new (same kind required)."""
        if user.role not in ROLES_OF[user.organisation_kind]:
            allowed = ", ".join(sorted(ROLES_OF[user.organisation_kind]))
            raise DirectoryError(f"role: a {user.organisation_kind} organisation's users are {allowed}")
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(organisations)
                .values(organisation_id=user.organisation_id, name=user.organisation_name,
                        kind=user.organisation_kind)
                .on_conflict_do_nothing()
            )
            kind = await conn.scalar(
                select(organisations.c.kind).where(organisations.c.organisation_id == user.organisation_id)
            )
            if kind != user.organisation_kind:
                raise DirectoryError(f"organisation_kind: {user.organisation_id} is a {kind} organisation")
            try:
                await conn.execute(
                    users.insert().values(user_id=user.user_id, organisation_id=user.organisation_id,
                                          role=user.role, name=user.name, trained_until=user.trained_until)
                )
            except IntegrityError:
                raise DirectoryError(f"user_id: {user.user_id} already exists") from None

    async def issue_token(self, user_id: str, label: str) -> IssuedToken:
        token = new_token()
        token_id = uuid4()
        async with self._engine.begin() as conn:
            if await conn.scalar(select(users.c.user_id).where(users.c.user_id == user_id)) is None:
                raise DirectoryError(f"user_id: no user {user_id}")
            await conn.execute(
                api_tokens.insert().values(token_id=token_id, user_id=user_id, token_hash=token_hash(token),
                                           label=label)
            )
        return IssuedToken(token_id, token)

    async def revoke_token(self, token_id: UUID) -> None:
        async with self._engine.begin() as conn:
            revoked = await conn.execute(
                update(api_tokens)
                .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        if revoked.rowcount != 1:
            raise DirectoryError(f"token_id: no live token {token_id}")

    async def actor_for(self, token: str) -> Actor | None:
        """The user a live token stands for, as the actor its commands carry."""
        query = (
            select(users.c.user_id, users.c.organisation_id, users.c.role)
            .join(api_tokens, api_tokens.c.user_id == users.c.user_id)
            .where(api_tokens.c.token_hash == token_hash(token), api_tokens.c.revoked_at.is_(None))
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return Actor(user_id=row.user_id, organisation_id=row.organisation_id, role=Role(row.role))
