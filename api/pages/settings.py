"""A person's settings page: their contact details (e-mail address, time zone, digest hour),
how each kind of notice reaches them, and their calendar feed's address. Each form checks
the session's CSRF token; a bad value shows the page again naming the field, and nothing
changes; after a change, back to the page with a one-line message (POST-redirect-GET)."""

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from api.access import Caller
from api.models.people import ProfileChange
from api.pages.forms import CSRF_FIELD, Outcome, PostedForm
from api.pages.templating import templates, words
from api.person import CalendarTokens_, Contacts_, feed_url, profile_of
from domain.notices import Delivery, NoticeKind
from identity.contact import ContactChange, Contacts
from identity.principal import Principal
from notifications.calendar_tokens import CalendarTokens

router = APIRouter(prefix="/settings", tags=["settings"], include_in_schema=False, default_response_class=HTMLResponse)
DONE = {
    "contact": "Contact details saved.",
    "preferences": "Notice preferences saved.",
    "calendar-revoked": "The calendar feed's address no longer works.",
}
DELIVERY_LABELS = {
    Delivery.EMAIL: "E-mail straight away",
    Delivery.DIGEST: "In the daily digest",
    Delivery.WEBHOOK_ONLY: "Webhook only",
    Delivery.NONE: "Inbox only",
}
CHOICES = TypeAdapter(dict[NoticeKind, Delivery])


def _problems(error: ValidationError) -> tuple[str, ...]:
    return tuple(f"{' '.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in error.errors())


async def _page(
    request: Request,
    caller: Principal,
    contacts: Contacts,
    tokens: CalendarTokens,
    outcome: Outcome,
    status: int = 200,
    feed: str | None = None,
) -> HTMLResponse:
    details = await contacts.details(caller.user_id)
    assert details is not None, "the caller was found in the directory a moment ago"
    context = {
        "o": outcome,
        "profile": profile_of(caller, details),
        "deliveries": [(d.value, DELIVERY_LABELS[d]) for d in Delivery],
        "kind_words": {kind: words(kind) for kind in NoticeKind},
        "calendar_live": await tokens.has_live(caller.user_id),
        "feed_url": feed,
    }
    return templates.TemplateResponse(request, "settings.html", context, status_code=status)


@router.get("", name="settings_page")
async def settings(
    request: Request, caller: Caller, contacts: Contacts_, tokens: CalendarTokens_, done: str | None = None
) -> HTMLResponse:
    """The signed-in person's contact details, notice preferences and calendar feed."""
    return await _page(request, caller, contacts, tokens, Outcome(done=DONE.get(done or "")))


def _back(request: Request, done: str) -> RedirectResponse:
    return RedirectResponse(request.url_for("settings_page").include_query_params(done=done), 303)


def _entered(form: Mapping[str, Any]) -> dict[str, list[str]]:
    return {name: [str(form[name])] for name in form if name != CSRF_FIELD}


@router.post("/contact", name="settings_contact")
async def change_contact(
    request: Request, caller: Caller, form: PostedForm, contacts: Contacts_, tokens: CalendarTokens_
) -> Response:
    """The e-mail address, time zone and digest hour from the form; an empty field stays as it is."""
    fields = {name: form.get(name) for name in ("email", "time_zone", "digest_hour")}
    try:
        change = ProfileChange.model_validate({k: v for k, v in fields.items() if isinstance(v, str) and v.strip()})
    except ValidationError as error:
        outcome = Outcome(problems=_problems(error), step="contact", entered=_entered(form))
        return await _page(request, caller, contacts, tokens, outcome, 422)
    await contacts.change(caller.user_id, ContactChange(**change.model_dump(exclude_none=True)))
    return _back(request, "contact")


@router.post("/preferences", name="settings_preferences")
async def change_preferences(
    request: Request, caller: Caller, form: PostedForm, contacts: Contacts_, tokens: CalendarTokens_
) -> Response:
    """A delivery per notice kind from the form (every kind is on it)."""
    try:
        choices = CHOICES.validate_python({name: form[name] for name in form if name != CSRF_FIELD})
    except ValidationError as error:
        return await _page(request, caller, contacts, tokens, Outcome(problems=_problems(error)), 422)
    await contacts.prefer(caller.user_id, choices, replace=True)
    return _back(request, "preferences")


@router.post("/calendar", name="settings_calendar")
async def issue_calendar(
    request: Request, caller: Caller, form: PostedForm, contacts: Contacts_, tokens: CalendarTokens_
) -> Response:
    """A new feed address, shown on the page this once (so no redirect); the old one stops working."""
    token = await tokens.issue(caller.user_id)
    outcome = Outcome(done="A new calendar feed address: copy it now, it is shown this once.")
    return await _page(request, caller, contacts, tokens, outcome, feed=feed_url(request, token))


@router.post("/calendar/revoke", name="settings_calendar_revoke")
async def revoke_calendar(request: Request, caller: Caller, form: PostedForm, tokens: CalendarTokens_) -> Response:
    await tokens.revoke(caller.user_id)
    return _back(request, "calendar-revoked")
