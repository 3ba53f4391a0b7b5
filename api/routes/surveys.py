"""The certification survey's link and its completion. The link each member's contacts get
(/surveys/{survey_id}) is public: following it records that the survey was opened and sends
the browser on to the scheme's survey. The Secretariat marks a survey completed when the
survey tool reports a response."""

from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from api.access import SecretariatCaller, secretariat
from api.deps import Engine
from api.models.commands import Problem
from api.models.errors import AUTHENTICATED, InvalidRequest
from domain.actors import Role
from domain.errors import RuleViolation
from domain.policy import policy_by_id
from notifications.surveys import mark_completed, mark_opened, policy_of_survey

public_router = APIRouter(tags=["surveys"], include_in_schema=False)
router = APIRouter(
    prefix="/surveys",
    tags=["surveys"],
    dependencies=[Depends(secretariat)],
    responses={
        **AUTHENTICATED,
        404: {"model": Problem, "description": "No such survey"},
        422: {"model": InvalidRequest, "description": "survey_id is not a UUID"},
    },
)


class SurveyCompleted(BaseModel):
    survey_id: UUID


def _survey_link(policy_id: str | None) -> str | None:
    try:
        policy = policy_by_id(policy_id)
    except RuleViolation:
        return None
    return getattr(policy, "survey_url", None)


@public_router.get("/surveys/{survey_id}", status_code=303)
async def follow_survey(engine: Engine, survey_id: UUID) -> RedirectResponse:
    """Records the survey as opened and redirects (303) to the scheme's survey; 404 for an
    unknown survey or a scheme without one."""
    async with engine.begin() as conn:
        link = _survey_link(await policy_of_survey(conn, survey_id))
        if link is None:
            raise HTTPException(404, "survey_id: no such survey, or its scheme has no survey link")
        await mark_opened(conn, survey_id, datetime.now(UTC))
    return RedirectResponse(link, status_code=303)


@router.post("/{survey_id}/completed")
async def complete_survey(engine: Engine, caller: SecretariatCaller, survey_id: UUID) -> SurveyCompleted:
    """Marks the survey completed (the first time counts; a repeat changes nothing)."""
    if caller.role != Role.SECRETARIAT:
        raise HTTPException(403, f"only the Secretariat's officers mark surveys (you are a {caller.role})")
    async with engine.begin() as conn:
        if not await mark_completed(conn, survey_id, datetime.now(UTC)):
            raise HTTPException(404, f"survey_id: no survey {survey_id}")
    return SurveyCompleted(survey_id=survey_id)
