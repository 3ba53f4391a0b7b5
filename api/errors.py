"""Errors as the caller reads them: JSON for the API and probes (FastAPI's own bodies, which
name the offending field), an HTML page for people using the dashboard."""

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from api.access import current_session
from api.pages.templating import templates
from api.text import readable

_MACHINE_PATHS = ("/api/", "/healthz", "/readyz", "/metrics", "/static/")
_PUBLIC_PATHS = ("/register",)
_STARLETTE_TOO_LARGE = "Content Too Large"


def _for_machines(request: Request) -> bool:
    return request.url.path.startswith(_MACHINE_PATHS)


async def _page(request: Request, status: int, message: str, problems: list[str]) -> Response:
    # A public visitor's error page must not lead into the Secretariat's dashboard.
    public = request.url.path.startswith(_PUBLIC_PATHS)
    if not public and getattr(request.state, "caller", None) is None:
        # No route ran `authenticated` (an unknown path, say): the header still fits the person.
        session = await current_session(request)
        if session is not None:
            request.state.caller, request.state.csrf_token = session.principal, session.csrf_token
    context = {"status": status, "message": message, "problems": problems, "public": public}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


def too_large(limit: int) -> str:
    return f"request body: over the limit of {limit:,} bytes"


async def refusal(request: Request, error: HTTPException) -> Response:
    """The answer to `error` in the caller's language: JSON for machines, a page for people."""
    limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
    if error.status_code == 413 and limit is not None and error.detail == _STARLETTE_TOO_LARGE:
        # Starlette's body counter (api/body_limit.py) says only "Content Too Large".
        error = HTTPException(413, too_large(limit))
    if _for_machines(request):
        return await http_exception_handler(request, error)
    if error.status_code == 401:
        # A person without a session is sent to sign in, and back here afterwards.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(request.url_for("sign_in_page").include_query_params(next=target), 303)
    return await _page(request, error.status_code, str(error.detail), [])


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return await refusal(request, error)


def _finite(value: Any) -> Any:
    """`value` with non-finite numbers spelled as text: JSON's `1e999999` parses as infinity,
    and the 422 echoing it must still encode (JSON has no infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if _for_machines(request):
        # FastAPI's own body, but one echoing an unpaired surrogate (JSON's "\ud800") or a
        # non-finite number must still encode rather than fail as a 500.
        return JSONResponse({"detail": _finite(readable(jsonable_encoder(error.errors())))}, 422)
    problems = [f"{e['loc'][-1]}: {e['msg']}" for e in error.errors()]
    return await _page(request, 422, "Some filters could not be used.", problems)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
