"""Error bodies as the OpenAPI document declares them: every refusal is a `Problem`
(`detail`, and `rule` when a domain or access rule refused a command); malformed input is
FastAPI's list of field errors, each with its location."""

from typing import Any

from pydantic import BaseModel

from api.models.commands import Problem


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class InvalidRequest(BaseModel):
    """422: a field is missing or malformed (`detail` lists them), or a named input does not
    fit (`detail` says which, as text)."""

    detail: list[FieldError] | str


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


AUTHENTICATED: dict[int | str, dict[str, Any]] = {
    401: _problem("No credentials, or a token that is unknown or revoked"),
    403: _problem("The caller's role may not do this"),
}
ERRORS: dict[int | str, dict[str, Any]] = {
    # FastAPI's own answer when a body cannot be decoded at all (not UTF-8, a broken multipart
    # form); a body that decodes but is not valid JSON is 422 like any other malformed input.
    400: _problem("The body could not be read (not UTF-8 text, or a broken form)"),
    **AUTHENTICATED,
    404: _problem("No such certification, or not the caller's to see"),
    409: _problem(
        "A domain rule refused the command (`rule` names it), or a request with this Idempotency-Key is still running"
    ),
    422: {"model": InvalidRequest, "description": "Malformed input, naming the field"},
    503: _problem("Temporal is unavailable: nothing was applied; send again"),
}
