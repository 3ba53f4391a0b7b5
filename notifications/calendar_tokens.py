"""Calendar feed tokens: the secret in a person's feed address (/calendar/{token}.ics), which
a calendar app fetches with no other credentials. Random, shown once, stored only as a
SHA-256 hash (as API tokens are, identity/tokens.py); a person has at most one live token:
issuing a new one revokes the old, and a revoked one reads nothing."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import Update, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from identity.principal import Principal, principal_of, select_principals
from identity.tables import users
from identity.tokens import token_hash
from notifications.tables import calendar_tokens

T = calendar_tokens.c
PREFIX = "cal_"
"""Tells a feed token from an API token (cf_) at a glance: neither opens the other's door."""


def new_calendar_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


class CalendarTokens:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def issue(self, user_id: str) -> str:
        """A new token for the person, revoking any they had."""
        token = new_calendar_token()
        async with self._engine.begin() as conn:
            # The user's row locked: two issues at once still leave one live token.
            await conn.execute(select(users.c.user_id).where(users.c.user_id == user_id).with_for_update())
            await conn.execute(_revoking(user_id))
            await conn.execute(calendar_tokens.insert().values(token_hash=token_hash(token), user_id=user_id))
        return token

    async def revoke(self, user_id: str) -> int:
        """Revokes the person's live token; how many were live (0 or 1)."""
        async with self._engine.begin() as conn:
            return (await conn.execute(_revoking(user_id))).rowcount

    async def holder(self, token: str) -> Principal | None:
        """Whom a live token's feed is for."""
        query = (
            select_principals()
            .join(calendar_tokens, T.user_id == users.c.user_id)
            .where(T.token_hash == token_hash(token), T.revoked_at.is_(None))
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else principal_of(row)

    async def has_live(self, user_id: str) -> bool:
        query = select(T.token_hash).where(T.user_id == user_id, T.revoked_at.is_(None)).limit(1)
        async with self._engine.connect() as conn:
            return await conn.scalar(query) is not None


def _revoking(user_id: str) -> Update:
    return (
        update(calendar_tokens).where(T.user_id == user_id, T.revoked_at.is_(None)).values(revoked_at=datetime.now(UTC))
    )
