"""People's contact details and how they want each kind of notice: an e-mail address, a time
zone, the hour of their daily digest, whether they are their organisation's contact (told of
its certifications besides the people a notice names), and a Delivery per notice kind.

Each value is checked before anything is written: an address by its syntax (email-validator,
no DNS: a test or an offline host must not depend on one), a time zone by the IANA database
this host has (zoneinfo), so a bad one is refused naming its field and nothing changes."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.notices import Delivery, NoticeKind
from identity.tables import notice_preferences, users

U, P = users.c, notice_preferences.c
DEFAULT_TIME_ZONE = "UTC"
DEFAULT_DIGEST_HOUR = 7
KINDS = frozenset(NoticeKind)
"""As a set: `"x" in NoticeKind` raises on Python 3.11 for a non-member."""


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_time_zone(name: str) -> str:
    # Membership, not ZoneInfo(name): ZoneInfo also opens any file under the zoneinfo
    # directory ("localtime", "posixrules"), and a path ("../x") raises ValueError instead.
    if name not in _time_zones():
        raise ValueError(f"{name!r} is not an IANA time zone, such as Europe/Oslo or UTC")
    return name


TimeZone = Annotated[
    str, Field(max_length=100, description="an IANA time zone, e.g. Europe/Oslo"), AfterValidator(_known_time_zone)
]
DigestHour = Annotated[int, Field(ge=0, le=23, description="the hour of the daily digest in the time zone")]
Email = Annotated[EmailStr, Field(max_length=254, description="where notices are mailed")]


class ContactChange(BaseModel):
    """What to change of a person's contact details; what is left out stays as it is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: Email | None = None
    time_zone: TimeZone | None = None
    digest_hour: DigestHour | None = None
    contact: bool | None = None
    """Told of the organisation's certifications (set by whoever runs the directory)."""

    def values(self) -> dict[str, object]:
        return self.model_dump(exclude_none=True)


class UnknownPerson(Exception):
    def __init__(self, user_id: str) -> None:
        super().__init__(f"user_id: no user {user_id}")


@dataclass(frozen=True)
class ContactDetails:
    user_id: str
    email: str | None
    time_zone: str
    digest_hour: int
    contact: bool
    preferences: Mapping[NoticeKind, Delivery]
    """Only the kinds the person chose for; the others get the default (notifications.recipients)."""


async def _details(conn: AsyncConnection, user_id: str) -> ContactDetails | None:
    query = select(U.user_id, U.email, U.time_zone, U.digest_hour, U.contact).where(U.user_id == user_id)
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    chosen = await conn.execute(select(P.kind, P.delivery).where(P.user_id == user_id))
    preferences = {NoticeKind(kind): Delivery(delivery) for kind, delivery in chosen if kind in KINDS}
    return ContactDetails(row.user_id, row.email, row.time_zone, row.digest_hour, row.contact, preferences)


class Contacts:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def details(self, user_id: str) -> ContactDetails | None:
        async with self._engine.connect() as conn:
            return await _details(conn, user_id)

    async def change(self, user_id: str, change: ContactChange) -> ContactDetails:
        """Raises UnknownPerson for a user the directory does not have."""
        async with self._engine.begin() as conn:
            if values := change.values():
                await conn.execute(update(users).where(U.user_id == user_id).values(**values))
            found = await _details(conn, user_id)
        if found is None:
            raise UnknownPerson(user_id)
        return found

    async def prefer(self, user_id: str, choices: Mapping[NoticeKind, Delivery], *, replace: bool = False) -> None:
        """Records the person's Delivery for each kind in `choices`; with `replace`, the kinds
        left out go back to the default. Raises UnknownPerson for an unknown user."""
        async with self._engine.begin() as conn:
            # FOR UPDATE: a user removed meanwhile must not keep orphan preferences.
            if await conn.scalar(select(U.user_id).where(U.user_id == user_id).with_for_update()) is None:
                raise UnknownPerson(user_id)
            if replace:
                await conn.execute(delete(notice_preferences).where(P.user_id == user_id))
            if choices:
                rows = [{"user_id": user_id, "kind": kind, "delivery": d} for kind, d in choices.items()]
                statement = insert(notice_preferences).values(rows)
                await conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["user_id", "kind"], set_={"delivery": statement.excluded.delivery}
                    )
                )
