"""Annual chain-of-custody material-flow reports: members report them as a command
(`POST /certifications/{id}/report-material-flow`); the Secretariat reads every member's
figures here (a member its own), and the public reads totals where enough members report."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import Caller
from api.deps import AppOptions, Connection
from api.models.errors import AUTHENTICATED
from api.models.material_flows import MaterialFlowItem, MaterialFlowPage, PublicMaterialFlow, PublicMaterialFlows
from api.params import MaterialFlowQuery, PublicMaterialFlowQuery
from api.queries.material_flows import flow_page, public_totals
from api.visibility import visible_to

router = APIRouter(prefix="/material-flows", tags=["material flows"], responses=AUTHENTICATED)
public_router = APIRouter(prefix="/register", tags=["public register"])


@router.get("")
async def list_material_flows(
    conn: Connection, caller: Caller, query: Annotated[MaterialFlowQuery, Query()]
) -> MaterialFlowPage:
    """Reported yearly figures of the certifications the caller sees, latest year first."""
    rows, next_cursor = await flow_page(conn, query, visible_to(caller))
    return MaterialFlowPage(items=[MaterialFlowItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@public_router.get("/material-flows")
async def public_material_flows(
    conn: Connection, options: AppOptions, query: Annotated[PublicMaterialFlowQuery, Query()]
) -> PublicMaterialFlows:
    """Total tonnes in and out by year and category, shown only where at least the public
    threshold of distinct members reported."""
    rows = await public_totals(conn, query.standard, query.year, options.public_threshold)
    return PublicMaterialFlows(
        items=[PublicMaterialFlow.model_validate(r) for r in rows], public_threshold=options.public_threshold
    )
