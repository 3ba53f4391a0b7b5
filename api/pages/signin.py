"""Signing in and out of the pages: a password opens a session (an HttpOnly cookie naming
it, a CSRF token for its forms); each kind of organisation lands on its own home page."""

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access import SESSION_COOKIE, current_session, require_csrf
from api.deps import get_directory, get_sessions
from api.pages.navigation import HOMES
from api.pages.templating import templates
from identity.directory import SignInThrottled
from identity.principal import Principal
from identity.sessions import LIFETIME

router = APIRouter(tags=["sign in"], include_in_schema=False, default_response_class=HTMLResponse)

# Before there is a session, the sign-in form's CSRF token is a cookie of its own that the
# form repeats (double submit), so another site cannot sign a browser in as someone else.
SIGN_IN_CSRF_COOKIE = "certflow_sign_in"


def home_of(request: Request, principal: Principal) -> str:
    return str(request.url_for(HOMES[principal.organisation_kind]))


def client_address(request: Request) -> str:
    """The client's address as uvicorn saw it: the peer's, or behind a trusted proxy
    (`FORWARDED_ALLOW_IPS`) the one it forwarded."""
    return request.client.host if request.client is not None else "unknown"


def _local(target: str | None) -> str | None:
    """Only a path on this site: an open redirect would lend our name to a phishing link."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if target.startswith("/") and not target.startswith("//") and not parts.netloc else None


def _form(request: Request, next_page: str | None, problem: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    context = {"csrf_token": token, "next": _local(next_page) or "", "problem": problem}
    page = templates.TemplateResponse(request, "sign_in.html", context, status_code=status)
    page.set_cookie(SIGN_IN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return page


@router.get("/login", name="sign_in_page")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    session = await current_session(request)
    if session is not None:
        return RedirectResponse(_local(next) or home_of(request, session.principal), 303)
    return _form(request, next)


@router.post("/login")
async def sign_in(
    request: Request,
    user_id: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE)
    if expected is None or not secrets.compare_digest(expected, csrf_token):
        return _form(request, next, "The form had expired; please sign in again.", 403)
    try:
        principal = await get_directory(request).sign_in(user_id.strip(), password, address=client_address(request))
    except SignInThrottled as throttled:
        page = _form(request, next, f"Too many failed sign-ins; try again in {throttled.minutes} minutes.", 429)
        page.headers["Retry-After"] = str(int(throttled.retry_after.total_seconds()) + 1)
        return page
    if principal is None:
        return _form(request, next, "Unknown user or wrong password.", 401)
    session = await get_sessions(request).open(principal)
    response = RedirectResponse(_local(next) or home_of(request, principal), 303)
    response.set_cookie(
        SESSION_COOKIE,
        session.cookie,
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def sign_out(request: Request, csrf_token: Annotated[str, Form()]) -> Response:
    session = await current_session(request)
    if session is not None:
        try:
            require_csrf(session.csrf_token, csrf_token)
        except HTTPException:
            return RedirectResponse(home_of(request, session.principal), 303)
        await get_sessions(request).close(session.cookie)
    response = RedirectResponse(request.url_for("sign_in_page"), 303)
    response.delete_cookie(SESSION_COOKIE)
    return response
