"""Deliveries of notices (e-mails, webhooks), for the Secretariat: their status, and the dead
letters it sends again or discards."""

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse

from api.access import secretariat
from api.deps import Engine
from api.models.commands import Problem
from api.models.deliveries import DeliveryList, DeliveryOut
from api.models.errors import AUTHENTICATED, ERRORS
from notifications import dead_letters
from notifications.dead_letters import DeliveryRow, NotDead
from notifications.status import DeliveryStatus

router = APIRouter(
    prefix="/deliveries", tags=["deliveries"], dependencies=[Depends(secretariat)], responses=AUTHENTICATED
)
CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such delivery"},
    409: {"model": Problem, "description": "The delivery is not dead (`rule`: delivery.dead-letters-only)"},
    422: ERRORS[422],
}


def delivery_out(row: DeliveryRow) -> DeliveryOut:
    return DeliveryOut(**asdict(row))


@router.get("", responses={422: ERRORS[422]})
async def list_deliveries(
    engine: Engine,
    status: Annotated[DeliveryStatus | None, Query(description="only deliveries in this status")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveryList:
    """Deliveries, newest first: each notice's per recipient and channel, with its attempts and last error."""
    async with engine.connect() as conn:
        rows = await dead_letters.listed(conn, status, limit)
    return DeliveryList(items=[delivery_out(r) for r in rows])


async def _change(engine: Engine, delivery_id: UUID, change: str) -> DeliveryOut | JSONResponse:
    try:
        async with engine.begin() as conn:
            row = await (dead_letters.retry if change == "retry" else dead_letters.discard)(conn, delivery_id)
    except NotDead as refusal:
        return JSONResponse(Problem(detail=str(refusal), rule=refusal.rule).model_dump(), 409)
    if row is None:
        raise HTTPException(404, f"delivery_id: no delivery {delivery_id}")
    return delivery_out(row)


@router.post("/{delivery_id}/retry", responses=CHANGE_ERRORS, response_model=DeliveryOut)
async def retry_delivery(engine: Engine, delivery_id: UUID) -> DeliveryOut | JSONResponse:
    """A dead letter sent again: pending, its attempts reset, due now."""
    return await _change(engine, delivery_id, "retry")


@router.post("/{delivery_id}/discard", responses=CHANGE_ERRORS, response_model=DeliveryOut)
async def discard_delivery(engine: Engine, delivery_id: UUID) -> DeliveryOut | JSONResponse:
    """A dead letter given up on."""
    return await _change(engine, delivery_id, "discard")
