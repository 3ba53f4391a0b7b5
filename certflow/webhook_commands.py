"""The webhook commands of the CLI: register an organisation's endpoint, rotate its secret,
list them; a secret is printed once, errors name the field, exit code 2 on bad input."""

from uuid import UUID

import typer
from sqlalchemy import select

from certflow.settings import Settings
from eventstore.database import create_engine
from identity.tables import organisations
from notifications import webhooks
from notifications.webhooks import NotHttps, WithSecret

INVALID = 2


def _invalid(message: str) -> int:
    typer.echo(f"error: {message}", err=True)
    return INVALID


def _shown_once(made: WithSecret) -> None:
    typer.echo(f"endpoint id: {made.endpoint.endpoint_id}")
    typer.echo(f"secret:      {made.secret}")
    typer.echo("The secret is shown this once: keep it to verify the signatures.", err=True)


async def add(settings: Settings, organisation_id: str, url: str) -> int:
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            query = select(organisations.c.organisation_id).where(organisations.c.organisation_id == organisation_id)
            if await conn.scalar(query) is None:
                return _invalid(f"organisation: no organisation {organisation_id}")
            made = await webhooks.register(conn, organisation_id, url, settings.webhook_allow_http)
    except NotHttps as error:
        return _invalid(f"url: {error}")
    finally:
        await engine.dispose()
    _shown_once(made)
    return 0


async def rotate(settings: Settings, endpoint_id: str) -> int:
    try:
        endpoint = UUID(endpoint_id)
    except ValueError:
        return _invalid("endpoint_id: not an endpoint id (a UUID)")
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            made = await webhooks.rotate(conn, endpoint)
    finally:
        await engine.dispose()
    if made is None:
        return _invalid(f"endpoint_id: no active endpoint {endpoint_id}")
    _shown_once(made)
    typer.echo(f"The previous secret signs too until {made.endpoint.previous_secret_until}.", err=True)
    return 0


async def listed(settings: Settings, organisation_id: str | None) -> int:
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            endpoints = await webhooks.listed(conn, organisation_id)
    finally:
        await engine.dispose()
    for e in endpoints:
        state = f"disabled {e.disabled_at:%Y-%m-%d}" if e.disabled_at else "active"
        typer.echo(f"{e.endpoint_id}  {e.organisation_id}  {e.url}  {state}")
    return 0
