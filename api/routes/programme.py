"""Programme figures for the Secretariat."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.access import secretariat
from api.deps import Connection
from api.models.errors import AUTHENTICATED
from api.models.programme import ProgrammeMetrics
from api.params import ScopeFilters
from api.queries.programme import programme_metrics

router = APIRouter(prefix="/metrics", tags=["metrics"], dependencies=[Depends(secretariat)], responses=AUTHENTICATED)


@router.get("/programme")
async def get_programme_metrics(conn: Connection, scope: Annotated[ScopeFilters, Query()]) -> ProgrammeMetrics:
    """Members, certificates, countries, external certifications, audit firms, audits, NCs."""
    return await programme_metrics(conn, scope.standard)
