"""Webhook endpoints: an organisation's member users manage their own organisation's, the
Secretariat any organisation's. A secret is shown once, when made (registering, rotating)."""

from dataclasses import asdict
from typing import Annotated, Any, cast
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError

from api.access import Caller
from api.deps import Engine
from api.models.commands import Problem
from api.models.deliveries import EndpointList, EndpointOut, EndpointWithSecret, NewEndpoint, StorableText
from api.models.errors import AUTHENTICATED, ERRORS
from domain.actors import Role
from identity.principal import OrganisationKind, Principal
from identity.tables import organisations
from notifications import webhooks
from notifications.webhooks import Endpoint, NotHttps, WithSecret

router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses=AUTHENTICATED)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such endpoint, or not the caller's organisation's"}
}
MANAGERS = {OrganisationKind.MEMBER: Role.MEMBER, OrganisationKind.SECRETARIAT: Role.SECRETARIAT}
"""Who manages endpoints: a member organisation's member users, the Secretariat's officers."""


def manager(caller: Caller) -> Principal:
    if MANAGERS.get(caller.organisation_kind) != caller.role:
        raise HTTPException(403, "only a member organisation's members or the Secretariat manage webhooks")
    return caller


Manager = Annotated[Principal, Depends(manager)]


def allow_http(request: Request) -> bool:
    return cast(bool, getattr(request.app.state, "webhook_allow_http", False))


def _out(endpoint: Endpoint) -> EndpointOut:
    return EndpointOut(**asdict(endpoint))


def _with_secret(made: WithSecret) -> EndpointWithSecret:
    return EndpointWithSecret(**asdict(made.endpoint), secret=made.secret)


def _organisation_for(caller: Principal, asked: str | None) -> str:
    if caller.organisation_kind == OrganisationKind.SECRETARIAT:
        if asked is None:
            raise _invalid("organisation_id", "the Secretariat names the organisation", asked)
        return asked
    if asked is not None and asked != caller.organisation_id:
        raise HTTPException(403, "organisation_id: a member registers webhooks for its own organisation only")
    return caller.organisation_id


def _invalid(field: str, message: str, given: object) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "value_error", "input": given}])


async def _reachable(engine: Engine, caller: Principal, endpoint_id: UUID) -> Endpoint:
    """The endpoint if the caller's to manage: the Secretariat's all, a member's its own; else 404."""
    async with engine.connect() as conn:
        found = await webhooks.find(conn, endpoint_id)
    if found is None or (
        caller.organisation_kind != OrganisationKind.SECRETARIAT and found.organisation_id != caller.organisation_id
    ):
        raise HTTPException(404, f"endpoint_id: no webhook endpoint {endpoint_id}")
    return found


@router.post("", status_code=201, responses={**NOT_FOUND, 400: ERRORS[400], 422: ERRORS[422]})
async def register_webhook(
    engine: Engine, caller: Manager, endpoint: NewEndpoint, http_allowed: Annotated[bool, Depends(allow_http)]
) -> EndpointWithSecret:
    """Registers an endpoint for an organisation's notices; answers its signing secret, this once."""
    organisation_id = _organisation_for(caller, endpoint.organisation_id)
    try:
        webhooks.check_url(endpoint.url, http_allowed)
    except NotHttps as error:
        raise _invalid("url", str(error), endpoint.url) from None
    async with engine.begin() as conn:
        known = await conn.scalar(organisations.select().where(organisations.c.organisation_id == organisation_id))
        if known is None:
            raise _invalid("organisation_id", f"no organisation {organisation_id}", organisation_id)
        made = await webhooks.register(conn, organisation_id, endpoint.url, http_allowed)
    return _with_secret(made)


@router.get("", responses={422: ERRORS[422]})
async def list_webhooks(
    engine: Engine,
    caller: Caller,
    organisation_id: Annotated[StorableText | None, Query(min_length=1, max_length=200)] = None,
) -> EndpointList:
    """The endpoints of the caller's organisation (the Secretariat's: all, or one organisation's), no secrets."""
    if caller.organisation_kind != OrganisationKind.SECRETARIAT:
        organisation_id = caller.organisation_id
    async with engine.connect() as conn:
        return EndpointList(items=[_out(e) for e in await webhooks.listed(conn, organisation_id)])


@router.post("/{endpoint_id}/rotate", responses={**NOT_FOUND, 422: ERRORS[422]})
async def rotate_webhook_secret(engine: Engine, caller: Manager, endpoint_id: UUID) -> EndpointWithSecret:
    """A new secret, answered this once; the previous one still signs for 24 hours, alongside."""
    await _reachable(engine, caller, endpoint_id)
    async with engine.begin() as conn:
        made = await webhooks.rotate(conn, endpoint_id)
    if made is None:
        raise HTTPException(404, f"endpoint_id: webhook endpoint {endpoint_id} is disabled")
    return _with_secret(made)


@router.post("/{endpoint_id}/disable", responses={**NOT_FOUND, 422: ERRORS[422]})
async def disable_webhook(engine: Engine, caller: Manager, endpoint_id: UUID) -> EndpointOut:
    """No more notices to this endpoint (deliveries still waiting for it are discarded)."""
    await _reachable(engine, caller, endpoint_id)
    async with engine.begin() as conn:
        disabled = await webhooks.disable(conn, endpoint_id)
    assert disabled is not None
    return _out(disabled)
