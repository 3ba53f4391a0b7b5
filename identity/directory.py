"""The directory of organisations, users and tokens: registering them, and telling who a
token stands for."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Role
from domain.firms import Accreditation, AuditFirm
from identity.contact import DEFAULT_TIME_ZONE, Email, TimeZone
from identity.passwords import MIN_LENGTH, hash_password, password_matches
from identity.principal import ROLES_OF, OrganisationKind, Principal, principal_of, select_principals
from identity.tables import accreditations, api_tokens, organisations, sign_in_failures, users
from identity.tokens import new_token, token_hash

F = sign_in_failures.c


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
    password: SecretStr | None = Field(default=None, min_length=MIN_LENGTH)
    """For signing in to the pages; without one, the user has API tokens only."""
    email: Email | None = None
    """Where notices are mailed; without one, they reach the user's inbox only."""
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    contact: bool = False
    """Told of the organisation's certifications besides the people a notice names."""


MAX_SIGN_IN_FAILURES = 5
"""Failed sign-ins for one user id from one client address within SIGN_IN_WINDOW; then that
address waits until the window passes. Other addresses are not held back: a guesser alone
cannot lock the user out."""
MAX_SIGN_IN_FAILURES_PER_ADDRESS = 30
"""Failed sign-ins from one client address for any user ids within SIGN_IN_WINDOW, so one
address cannot try a few passwords on every user instead."""
SIGN_IN_WINDOW = timedelta(minutes=15)
_SIGN_IN_LOCKS = 0x5167
"""Advisory locks taken as (this, hash of the address): a key space of their own."""


class SignInThrottled(Exception):
    def __init__(self, retry_after: timedelta) -> None:
        self.minutes = int(retry_after.total_seconds() // 60) + 1
        super().__init__(f"too many failed sign-ins; try again in {self.minutes} minutes")
        self.retry_after = retry_after


class DirectoryError(Exception):
    """A registration the directory refuses; the message names the field or rule."""


@dataclass(frozen=True)
class IssuedToken:
    token_id: UUID
    token: str
    """Shown once: only its hash is kept."""


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    kind: OrganisationKind


@dataclass(frozen=True)
class Auditor:
    user_id: str
    name: str
    trained_until: date | None
    """None: no training on record."""

    def trained_through(self, day: date) -> bool:
        return self.trained_until is not None and day <= self.trained_until


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
                .values(organisation_id=user.organisation_id, name=user.organisation_name, kind=user.organisation_kind)
                .on_conflict_do_nothing()
            )
            kind = await conn.scalar(
                select(organisations.c.kind).where(organisations.c.organisation_id == user.organisation_id)
            )
            if kind != user.organisation_kind:
                raise DirectoryError(f"organisation_kind: {user.organisation_id} is a {kind} organisation")
            try:
                await conn.execute(
                    users.insert().values(
                        user_id=user.user_id,
                        organisation_id=user.organisation_id,
                        role=user.role,
                        name=user.name,
                        trained_until=user.trained_until,
                        password_hash=_password_hash(user.password),
                        email=user.email,
                        time_zone=user.time_zone,
                        contact=user.contact,
                    )
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
                api_tokens.insert().values(
                    token_id=token_id, user_id=user_id, token_hash=token_hash(token), label=label
                )
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

    async def principal_for_token(self, token: str) -> Principal | None:
        """The user a live token stands for."""
        query = (
            select_principals()
            .join(api_tokens, api_tokens.c.user_id == users.c.user_id)
            .where(api_tokens.c.token_hash == token_hash(token), api_tokens.c.revoked_at.is_(None))
        )
        # On every API call: one statement, so no BEGIN and ROLLBACK around it.
        async with self._engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else principal_of(row)

    async def sign_in(self, user_id: str, password: str, *, address: str) -> Principal | None:
        """The user, if the password is theirs; None for an unknown user or a wrong password
        alike. `address` is the client's. Raises SignInThrottled after too many failures of
        late from this address, for this user id or for any."""
        await self._count_attempt(user_id, address)
        query = select_principals().add_columns(users.c.password_hash).where(users.c.user_id == user_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        stored = row.password_hash if row is not None else None
        # Hash even for an unknown user, so the answer's timing does not tell who exists.
        matches = password_matches(password, stored or _UNUSABLE)
        if row is None or stored is None or not matches:
            return None
        async with self._engine.begin() as conn:
            await conn.execute(delete(sign_in_failures).where(F.user_id == user_id, F.address == address))
        return principal_of(row)

    async def _count_attempt(self, user_id: str, address: str) -> None:
        """Records the attempt as a failure before the password is checked (a success then
        forgets it), unless this address is over a limit. One transaction holding the
        address's lock, so concurrent attempts are counted one after another and no more
        than the limit are ever checked."""
        async with self._engine.begin() as conn:
            await conn.execute(select(func.pg_advisory_xact_lock(_SIGN_IN_LOCKS, func.hashtext(address))))
            now = datetime.now(UTC)
            recent = (F.address == address, F.failed_at > now - SIGN_IN_WINDOW)
            for_user, first_for_user, for_address, first_for_address = (
                await conn.execute(
                    select(
                        func.count().filter(F.user_id == user_id),
                        func.min(F.failed_at).filter(F.user_id == user_id),
                        func.count(),
                        func.min(F.failed_at),
                    ).where(*recent)
                )
            ).one()
            if for_user >= MAX_SIGN_IN_FAILURES:
                raise SignInThrottled(first_for_user + SIGN_IN_WINDOW - now)
            if for_address >= MAX_SIGN_IN_FAILURES_PER_ADDRESS:
                raise SignInThrottled(first_for_address + SIGN_IN_WINDOW - now)
            await conn.execute(sign_in_failures.insert().values(user_id=user_id, address=address, failed_at=now))

    async def organisation(self, organisation_id: str) -> Organisation | None:
        query = select(organisations.c.organisation_id, organisations.c.name, organisations.c.kind).where(
            organisations.c.organisation_id == organisation_id
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else Organisation(row.organisation_id, row.name, OrganisationKind(row.kind))

    async def accredit(self, firm_id: str, accreditation: Accreditation) -> None:
        """Records (or corrects the end of) a firm's accreditation for a standard from a day."""
        found = await self.organisation(firm_id)
        if found is None or found.kind != OrganisationKind.AUDIT_FIRM:
            raise DirectoryError(f"firm_id: no audit firm {firm_id}")
        values = {"organisation_id": firm_id, **accreditation.model_dump()}
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(accreditations)
                .values(values)
                .on_conflict_do_update(
                    index_elements=["organisation_id", "standard_code", "valid_from"],
                    set_={"valid_until": accreditation.valid_until},
                )
            )

    async def auditor(self, firm_id: str, user_id: str) -> Auditor | None:
        """A registered auditor of the firm, with the day their training runs out."""
        query = select(users.c.user_id, users.c.name, users.c.trained_until).where(
            users.c.user_id == user_id, users.c.organisation_id == firm_id, users.c.role == Role.AUDITOR
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else Auditor(row.user_id, row.name, row.trained_until)

    async def audit_firm(self, firm_id: str) -> AuditFirm | None:
        """The firm as a certification engages it: its name and every accreditation it holds."""
        found = await self.organisation(firm_id)
        if found is None or found.kind != OrganisationKind.AUDIT_FIRM:
            return None
        query = (
            select(accreditations.c.standard_code, accreditations.c.valid_from, accreditations.c.valid_until)
            .where(accreditations.c.organisation_id == firm_id)
            .order_by(accreditations.c.standard_code, accreditations.c.valid_from)
        )
        async with self._engine.connect() as conn:
            held = [Accreditation.model_validate(row._mapping) for row in await conn.execute(query)]
        return AuditFirm(firm_id=firm_id, name=found.name, accreditations=tuple(held))


_UNUSABLE = hash_password("no user has this password")


def _password_hash(password: SecretStr | None) -> str | None:
    return None if password is None else hash_password(password.get_secret_value())
