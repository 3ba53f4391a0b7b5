"""The Secretariat's dashboard: overview, certifications, one certification, programme."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from api.access import SecretariatCaller, secretariat
from api.charts import bar_chart
from api.deps import Connection, Dispatch, Today
from api.pages.forms import Outcome, PostedForm, StepForms, fields_for, outcome_shown, type_of
from api.pages.templating import links, templates, words
from api.params import STATES, CertificationId, CertificationQuery, DeadlineQuery, ScopeFilters
from api.queries import certifications as q
from api.queries import overview
from api.queries.documents import attached_documents
from api.queries.oversight import deadline_page, review_queue, reviews_waiting
from api.queries.overview_cache import counts_cache
from api.queries.programme import programme_metrics
from api.rows import deadline, review, summary
from api.within_reach import certification_within_reach
from domain import commands as cmd
from domain.actors import Role
from identity.principal import Principal

router = APIRouter(
    tags=["dashboard"],
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(secretariat)],
)
LIST_PREVIEW = 20
CHART_MONTHS = 24
SORT_LABELS = {
    "entity_name": "Entity",
    "member_name": "Member",
    "standard_code": "Standard",
    "phase": "Phase",
    "certificate_status": "Certificate status",
    "valid_until": "Valid until",
    "next_audit_due": "Next audit due",
    "applied_on": "Applied on",
    "first_certified_on": "First certified on",
    "open_majors": "Open major NCs",
    "last_changed_at": "Last change",
    "certification_id": "Certification id",
}


def _query_params(query: CertificationQuery) -> dict[str, str | int]:
    """The filters and sort as they go in a URL (booleans as true/false)."""
    given = query.model_dump(exclude={"cursor", "format"}, exclude_none=True)
    return {k: str(v).lower() if isinstance(v, bool) else v for k, v in given.items()}


@router.get("/")
async def overview_page(
    request: Request, conn: Connection, today: Today, scope: Annotated[ScopeFilters, Query()]
) -> HTMLResponse:
    """Counts by state and standard, what is overdue and due soon, the review queue."""
    # Up to overview_cache.TTL_SECONDS old: the one aggregate pass is the page's dearest read.
    counts = await counts_cache.counts(conn, scope.standard, today)
    by_status = [(status, n) for status, n in counts.by_status if status]
    overdue, more_overdue = await deadline_page(
        conn, DeadlineQuery(standard=scope.standard, overdue=True, limit=LIST_PREVIEW), today
    )
    due_soon, more_due = await deadline_page(
        conn, DeadlineQuery(standard=scope.standard, due_within_days=30, limit=LIST_PREVIEW), today
    )
    listing = request.url_for("certifications_page").include_query_params(
        **({"standard": scope.standard} if scope.standard else {})
    )
    context = {
        "scope": scope,
        "today": today,
        "certification_url": links(request, "certification_page", "certification_id"),
        "overdue_url": str(listing.include_query_params(overdue="true")),
        "due_url": str(listing.include_query_params(due_within_days=30)),
        "choices": {"standards": await overview.standard_choices(conn)},
        "figures": counts.figures,
        "phase_chart": bar_chart("Certifications by phase", [(words(p), n) for p, n in counts.by_phase]),
        "status_chart": bar_chart("Certificates by status", [(words(s), n) for s, n in by_status]),
        "by_standard": counts.by_standard,
        "overdue": [deadline(r, today) for r in overdue],
        "more_overdue": more_overdue is not None,
        "due_soon": [deadline(r, today) for r in due_soon],
        "more_due": more_due is not None,
        # The oldest few only: the whole queue, rendered on every visit, made the page slow.
        "reviews": [review(r, today) for r in await review_queue(conn, scope.standard, LIST_PREVIEW)],
        "reviews_waiting": await reviews_waiting(conn, scope.standard),
        "review_queue_url": str(
            request.url_for("review_queue_page").include_query_params(
                **({"standard": scope.standard} if scope.standard else {})
            )
        ),
    }
    return templates.TemplateResponse(request, "overview.html", context)


@router.get("/review-queue")
async def review_queue_page(
    request: Request, conn: Connection, today: Today, scope: Annotated[ScopeFilters, Query()]
) -> HTMLResponse:
    """Every report awaiting the Secretariat's review, oldest first."""
    context = {
        "scope": scope,
        "certification_url": links(request, "certification_page", "certification_id"),
        "reviews": [review(r, today) for r in await review_queue(conn, scope.standard)],
    }
    return templates.TemplateResponse(request, "review_queue.html", context)


@router.get("/certifications")
async def certifications_page(
    request: Request, conn: Connection, today: Today, query: Annotated[CertificationQuery, Query()]
) -> HTMLResponse:
    """The certifications list with its filter form, a page at a time."""
    where = q.conditions(query, today)
    rows, next_cursor = await q.page(conn, where, query.sort_field, query.descending, query.limit, query.cursor)
    context = {
        "query": query,
        "states": STATES,
        "sorts": SORT_LABELS,
        "certification_url": links(request, "certification_page", "certification_id"),
        "choices": await overview.choices(conn),
        "items": [summary(r, today) for r in rows],
        "next_url": str(request.url.include_query_params(cursor=next_cursor)) if next_cursor else None,
        "csv_url": str(request.url_for("export_certifications").include_query_params(**_query_params(query))),
    }
    return templates.TemplateResponse(request, "certifications.html", context)


DECISIONS: dict[str, type[BaseModel]] = {
    type_of(kind): kind
    for kind in (
        cmd.AcceptApplication,
        cmd.RejectApplication,
        cmd.AcceptReport,
        cmd.ReturnReport,
        cmd.Suspend,
        cmd.Reinstate,
        cmd.Withdraw,
        cmd.ExtendDeadline,
    )
}


async def _certification_page(
    request: Request,
    conn: AsyncConnection,
    today: date,
    caller: Principal,
    certification_id: str,
    outcome: Outcome,
    status: int = 200,
) -> HTMLResponse:
    certification = await certification_within_reach(conn, caller, certification_id, today)
    context = {
        "c": certification,
        "o": outcome,
        # The Secretariat's viewers read along; its secretariat users decide.
        "may_decide": caller.role == Role.SECRETARIAT,
        "documents": await attached_documents(conn, certification_id),
        "deadline_choices": [
            (d.deadline_id, f"{words(d.kind)}, due {d.due.isoformat()}") for d in certification.deadlines
        ],
    }
    return templates.TemplateResponse(request, "certification.html", context, status_code=status)


@router.get("/certifications/{certification_id}")
async def certification_page(
    request: Request,
    conn: Connection,
    caller: SecretariatCaller,
    today: Today,
    certification_id: CertificationId,
    done: str | None = None,
    version: int | None = None,
) -> HTMLResponse:
    """One certification: scope, certificate, deadlines, audits, NCs and its timeline, with
    the decisions its state awaits."""
    outcome = await outcome_shown(conn, certification_id, done, version)
    return await _certification_page(request, conn, today, caller, certification_id, outcome)


FORMS = StepForms(DECISIONS, "decision", _certification_page, "certification_page")


@router.post("/certifications/{certification_id}/{decision}", name="secretariat_decision")
async def secretariat_decision(
    request: Request,
    conn: Connection,
    today: Today,
    caller: SecretariatCaller,
    form: PostedForm,
    dispatcher: Dispatch,
    certification_id: CertificationId,
    decision: str,
) -> Response:
    """A decision from its form (accept or reject an application, accept or return a report,
    suspend, reinstate, withdraw, extend a deadline); back to the certification's page."""
    kind = FORMS.kind(decision)
    return await FORMS.give(
        request, conn, today, caller, dispatcher, certification_id, kind, fields_for(kind, form), form
    )


@router.get("/programme")
async def programme_page(request: Request, conn: Connection, scope: Annotated[ScopeFilters, Query()]) -> HTMLResponse:
    """Programme figures with charts."""
    metrics = await programme_metrics(conn, scope.standard)
    months: dict[str, int] = {}
    for row in metrics.audits_per_month:
        months[row.month] = months.get(row.month, 0) + row.audits
    recent = sorted(months.items())[-CHART_MONTHS:]
    context = {
        "scope": scope,
        "m": metrics,
        "choices": {"standards": await overview.standard_choices(conn)},
        "country_chart": bar_chart(
            "Certified facilities by country", [(c.country, c.facilities) for c in metrics.countries]
        ),
        "month_chart": bar_chart(f"Audits by month of start (last {CHART_MONTHS} with audits)", recent),
        "nc_chart": bar_chart(
            "Non-conformities by criterion", [(n.criterion, n.major + n.minor) for n in metrics.nonconformities]
        ),
    }
    return templates.TemplateResponse(request, "programme.html", context)
