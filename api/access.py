"""Who is calling: a bearer token (the API) or a session cookie (the pages), resolved to a
`Principal`; and the role checks routes declare. No credentials is 401; credentials that do
not fit the route is 403. What a caller may *see* is `api.visibility`."""

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import get_directory, get_sessions
from identity.principal import OrganisationKind, Principal
from identity.sessions import Session

SESSION_COOKIE = "certflow_session"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _unauthenticated(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": 'Bearer realm="certflow"'})


async def current_session(request: Request) -> Session | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    return await get_sessions(request).find(cookie)


# Declares the scheme in the OpenAPI document (and /docs' Authorize button); the header itself
# is read below, where a malformed one is a 401 naming what is wrong.
_BEARER = HTTPBearer(auto_error=False, description="an API token from `certflow tokens issue`")


async def authenticated(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)] = None
) -> Principal:
    """The caller, by `Authorization: Bearer <token>`, else by the session cookie."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthenticated("Authorization: expected 'Bearer <token>'")
        principal = await get_directory(request).principal_for_token(token.strip())
        if principal is None:
            raise _unauthenticated("Authorization: the token is unknown or revoked")
        request.state.caller = principal
        return principal
    session = await current_session(request)
    if session is None:
        raise _unauthenticated("sign in: send 'Authorization: Bearer <token>' or sign in at /login")
    if request.method in _UNSAFE_METHODS and request.url.path.startswith("/api/"):
        # A cookie is sent by the browser whoever made the page; only our pages know the token.
        # (Pages' own forms check their csrf_token field.)
        require_csrf(session.csrf_token, request.headers.get(CSRF_HEADER))
    # For the pages' templates: who is signed in, and the token their forms repeat.
    request.state.caller, request.state.csrf_token = session.principal, session.csrf_token
    return session.principal


def require_csrf(expected: str, presented: str | None) -> None:
    """403 unless `presented` is the session's CSRF token, `expected`."""
    if presented is None or not hmac.compare_digest(presented, expected):
        raise HTTPException(403, "csrf_token: missing or not this session's; reload the page")


Caller = Annotated[Principal, Depends(authenticated)]


def _require_kind(caller: Principal, kind: OrganisationKind, who: str) -> Principal:
    if caller.organisation_kind != kind:
        raise HTTPException(403, f"only {who} sees this (you are a {caller.role} of {caller.organisation_id})")
    return caller


def secretariat(caller: Caller) -> Principal:
    """Programme-wide views: the Secretariat's users (its viewers too)."""
    return _require_kind(caller, OrganisationKind.SECRETARIAT, "the Secretariat")


def member_organisation(caller: Caller) -> Principal:
    """A member's own pages: its organisation's users (its viewers too)."""
    return _require_kind(caller, OrganisationKind.MEMBER, "a member organisation")


def audit_firm(caller: Caller) -> Principal:
    """An audit firm's worklist: the firm's users (its viewers too)."""
    return _require_kind(caller, OrganisationKind.AUDIT_FIRM, "an audit firm")


SecretariatCaller = Annotated[Principal, Depends(secretariat)]
MemberCaller = Annotated[Principal, Depends(member_organisation)]
AuditFirmCaller = Annotated[Principal, Depends(audit_firm)]
