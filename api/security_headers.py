"""Security headers on every answer (pure ASGI middleware). Pages get a Content-Security-
Policy that lets them load only this site's own scripts, styles and images (no inline
script: the templates have none, and static JS files do what little scripting there is),
may not be framed (clickjacking), and, signed-in or not, are not stored by the browser
or a proxy (`no-store`), except the public register. Every answer gets `nosniff`, so an
uploaded or echoed byte is never run as another type."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Swagger UI's icons are data: URIs in its stylesheet
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
REFERRER_POLICY = "same-origin"
"""A link to another site does not tell it which certification's page it was on."""
CACHEABLE_PAGES = ("/register",)
"""Public pages, the same for everyone: a shared cache may keep them."""


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(CACHEABLE_PAGES)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                    headers["Referrer-Policy"] = REFERRER_POLICY
                    if not cacheable:
                        headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_secured)
