"""Browser sessions: a random cookie value (kept only as a SHA-256 hash, like API tokens),
the user it stands for, its CSRF token, and when it expires."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from identity.principal import Principal, principal_of, select_principals
from identity.tables import sessions, users
from identity.tokens import token_hash

LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class Session:
    cookie: str
    """Shown once, to the browser: only its hash is kept."""
    principal: Principal
    csrf_token: str


class Sessions:
    def __init__(self, engine: AsyncEngine, lifetime: timedelta = LIFETIME) -> None:
        self._engine = engine
        self._lifetime = lifetime

    async def open(self, principal: Principal) -> Session:
        session = Session(secrets.token_urlsafe(32), principal, secrets.token_urlsafe(32))
        async with self._engine.begin() as conn:
            # A user's expired sessions go when they next sign in: the table stays small.
            await conn.execute(
                delete(sessions).where(
                    sessions.c.user_id == principal.user_id, sessions.c.expires_at < datetime.now(UTC)
                )
            )
            await conn.execute(
                sessions.insert().values(
                    session_hash=token_hash(session.cookie),
                    user_id=principal.user_id,
                    csrf_token=session.csrf_token,
                    expires_at=datetime.now(UTC) + self._lifetime,
                )
            )
        return session

    async def find(self, cookie: str) -> Session | None:
        """The live session this cookie opened, if any."""
        query = (
            select_principals()
            .add_columns(sessions.c.csrf_token)
            .join(sessions, sessions.c.user_id == users.c.user_id)
            .where(sessions.c.session_hash == token_hash(cookie), sessions.c.expires_at > datetime.now(UTC))
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else Session(cookie, principal_of(row), row.csrf_token)

    async def close(self, cookie: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(delete(sessions).where(sessions.c.session_hash == token_hash(cookie)))
