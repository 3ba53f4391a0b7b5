"""The pages' forms that give commands. The session's CSRF token is checked before anything
else; the command is built from the form with the caller as its actor and sent through the
Dispatcher (the caller's reach first, as the API does); the outcome is shown on the page the
form came from: after success a redirect back with a one-line message (POST-redirect-GET, so
a reload sends nothing twice), else the page again, naming the malformed field (nothing was
sent) or the rule that refused the command (nothing was recorded)."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Annotated, Any, Protocol

from fastapi import Depends, HTTPException, Request
from fastapi.datastructures import URL
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.datastructures import FormData

from api.access import Caller, require_csrf
from api.dispatch import Delivery, Dispatcher
from api.models.commands import SET_BY_THE_API, Problem, command_of
from api.queries.freshness import caught_up
from identity.principal import Principal

CSRF_FIELD = "csrf_token"

# By command type: what the page says once the command is recorded. Fixed sentences, so a
# link cannot make the page say anything else.
DONE = {
    "plan-audit": "Audit planned.",
    "start-audit": "Audit started.",
    "record-findings": "Findings recorded.",
    "submit-report": "Report submitted to the Secretariat.",
    "close-nc": "Non-conformity closed.",
    "attach-document": "Document attached.",
    "accept-application": "Application accepted.",
    "reject-application": "Application rejected.",
    "accept-report": "Report accepted; the decision is recorded.",
    "return-report": "Report returned to the audit firm.",
    "suspend": "Certificate suspended.",
    "reinstate": "Certificate reinstated.",
    "withdraw": "Certificate withdrawn.",
    "extend-deadline": "Deadline extended.",
    "submit-self-assessment": "Self-assessment submitted.",
    "apply": "Application submitted: the Secretariat reviews it next.",
    "submit-cap": "Corrective action plan submitted.",
}


async def posted_form(request: Request, caller: Caller) -> FormData:
    """The form, once its csrf_token is this session's (as `authenticated` found the session
    for `caller`, it kept the token). A bearer token is not sent by a browser on its own, so
    only cookie sessions need the check."""
    form = await request.form()
    if "Authorization" in request.headers:
        return form
    presented = form.get(CSRF_FIELD)
    require_csrf(request.state.csrf_token, presented if isinstance(presented, str) else None)
    return form


PostedForm = Annotated[FormData, Depends(posted_form)]


def type_of(kind: type[BaseModel]) -> str:
    return str(kind.model_fields["type"].default)


def step_kind(steps: Mapping[str, type[BaseModel]], step: str, what: str) -> type[BaseModel]:
    """The command a form's path names, one of `steps`; 404 "there is no <what> <step>" otherwise."""
    kind = steps.get(step)
    if kind is None:
        raise HTTPException(404, f"there is no {what} {step}")
    return kind


def fields_for(kind: type[BaseModel], form: FormData) -> dict[str, Any]:
    """The form's values for the command's own fields (the caller is the actor, the path names the command)."""
    names = [name for name in kind.model_fields if name not in SET_BY_THE_API]
    return {name: form[name] for name in names if isinstance(form.get(name), str)}


def _field(loc: tuple[int | str, ...]) -> str:
    """("body", "findings", 0, "criterion") reads "findings row 1 criterion"."""
    parts = [f"row {part + 1}" if isinstance(part, int) else part for part in loc[1:]]
    return " ".join(parts) or "form"


def problems_of(error: RequestValidationError) -> tuple[str, ...]:
    return tuple(f"{_field(tuple(e['loc']))}: {e['msg']}" for e in error.errors())


@dataclass(frozen=True)
class Outcome:
    """What a page shows about the form just sent."""

    done: str | None = None
    stale: bool = False
    """The command was recorded, but the read models do not show it yet."""
    problems: tuple[str, ...] = ()
    refusal: Problem | None = None
    step: str | None = None
    """The form that was sent, to fill in again what the person entered."""
    entered: Mapping[str, list[str]] = field(default_factory=dict)

    def value(self, step: str, name: str, default: object = "", row: int = 0) -> str:
        """What was entered in this form's field (row: which of its repeated fields), else `default`."""
        given = self.entered.get(name, []) if step == self.step else []
        if row < len(given):
            return given[row]
        return "" if default is None else str(default)


Render = Callable[[Outcome, int], Awaitable[Response]]
"""The page again, with an outcome and an HTTP status."""
Vet = Callable[[Any], Awaitable[None]]
"""A check of the command against what only the app knows (the directory, say), as the API
route makes it: an HTTPException 422 whose detail names the field."""


async def give(
    dispatcher: Dispatcher,
    caller: Principal,
    certification_id: str,
    kind: type[BaseModel],
    fields: dict[str, Any],
    form: FormData,
    back: URL,
    render: Render,
    vet: Vet | None = None,
) -> Response:
    """Sends one form's command to a certification within the caller's reach (else 404, as
    the API answers); the outcome as a redirect to `back` or the page again."""
    await dispatcher.require_reach(caller, certification_id)
    return await send(dispatcher, caller, certification_id, kind, fields, form, back, render, vet)


async def send(
    dispatcher: Dispatcher,
    caller: Principal,
    certification_id: str,
    kind: type[BaseModel],
    fields: dict[str, Any],
    form: FormData,
    back: URL,
    render: Render,
    vet: Vet | None = None,
) -> Response:
    """`give` once the caller's reach is settled: checked already, or a certification the
    command begins."""
    step = type_of(kind)
    entered = {name: [str(v) for v in form.getlist(name)] for name in form if name != CSRF_FIELD}
    try:
        command = command_of(kind, caller, fields)
        if vet is not None:
            await vet(command)
    except RequestValidationError as error:
        return await render(Outcome(problems=problems_of(error), step=step, entered=entered), 422)
    except HTTPException as error:
        if error.status_code != 422:
            raise
        return await render(Outcome(problems=(str(error.detail),), step=step, entered=entered), 422)
    answer = await dispatcher.run(Delivery(caller, certification_id, command, None, b"", 200))
    if answer.status_code != 200:
        refusal = Problem.model_validate_json(answer.body)
        return await render(Outcome(refusal=refusal, step=step, entered=entered), answer.status_code)
    return RedirectResponse(back.include_query_params(done=step, version=answer.data()["version"]), 303)


async def outcome_shown(conn: AsyncConnection, certification_id: str, done: str | None, version: int | None) -> Outcome:
    """After the redirect: the message, once the read models show the change (or a note
    that they will in a moment)."""
    message = DONE.get(done or "")
    if message is None:
        return Outcome()
    stale = version is not None and not await caught_up(conn, certification_id, version)
    return Outcome(done=message, stale=stale)


class CertificationPage(Protocol):
    """A certification's page, rendered with what became of a form sent from it."""

    async def __call__(
        self,
        request: Request,
        conn: AsyncConnection,
        today: date,
        caller: Principal,
        certification_id: str,
        outcome: Outcome,
        status: int = 200,
    ) -> Response: ...


@dataclass(frozen=True)
class StepForms:
    """A page's forms that each give one command to the certification the page shows: which
    commands (by the step the path names), and the page they come back to."""

    steps: Mapping[str, type[BaseModel]]
    what: str
    """What a step is called in a 404: "there is no <what> <step>"."""
    page: CertificationPage
    page_name: str
    """The page's route name, to redirect back to after success."""

    def kind(self, step: str) -> type[BaseModel]:
        return step_kind(self.steps, step, self.what)

    async def give(
        self,
        request: Request,
        conn: AsyncConnection,
        today: date,
        caller: Principal,
        dispatcher: Dispatcher,
        certification_id: str,
        kind: type[BaseModel],
        fields: dict[str, Any],
        form: FormData,
        vet: Vet | None = None,
    ) -> Response:
        """Sends the step's command; back to the page, or the page again with the outcome."""
        again = partial(self.page, request, conn, today, caller, certification_id)
        back = request.url_for(self.page_name, certification_id=certification_id)
        return await give(dispatcher, caller, certification_id, kind, fields, form, back, again, vet)
