"""The application factory. Everything it needs comes in as arguments, so nothing (engine,
clients) is created at import time and a test builds an app around its own database."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine

from api.body_limit import BODY_TIMEOUT_SECONDS, MULTIPART_OVERHEAD, BodyLimit
from api.deps import HEARTBEAT_STALE_SECONDS, PUBLIC_THRESHOLD, Options
from api.dispatch import Dispatcher
from api.docs import install_docs
from api.errors import install_error_pages
from api.models.operations import Pollers
from api.pages import deliveries as deliveries_page
from api.pages import member, public, secretariat, signin, worklist
from api.pages.templating import STATIC_DIR
from api.routes import (
    certifications,
    commands,
    deadlines,
    deliveries,
    documents,
    material_flows,
    operations,
    programme,
    register,
    review_queue,
    webhooks,
)
from api.security_headers import SecurityHeaders
from api.unavailable import install_unavailable_handler
from documents.pdf import MAX_SIZE_BYTES
from identity.directory import Directory
from identity.sessions import Sessions
from workflows.client import CertificationClient
from workflows.tally import CommandTally

API_PREFIX = "/api/v1"
UPLOAD_ROUTES = ("attach_document", "attach_document_form")
"""The routes taking a document: their body may be the document limit and a form around it."""
DESCRIPTION = """Every call but the public register and the probes needs a caller: send
`Authorization: Bearer <token>` (tokens come from `certflow tokens issue`). A member sees only
its own organisation's certifications, an audit firm only those assigned to it, the
Secretariat all; outside that, a certification is 404. Commands answer the certification's
new state and the events they recorded; a refused command names the rule (`rule`) and
records nothing. Send an `Idempotency-Key` header to make a command safe to repeat."""


def create_app(
    engine: AsyncEngine,
    *,
    temporal_ping: Callable[[], Awaitable[bool]] | None = None,
    public_threshold: int = PUBLIC_THRESHOLD,
    max_projector_lag_events: int = 1000,
    command_tally: CommandTally | None = None,
    commands_client: CertificationClient | None = None,
    max_document_bytes: int = MAX_SIZE_BYTES,
    body_timeout_seconds: float = BODY_TIMEOUT_SECONDS,
    worker_pollers: Callable[[], Awaitable[Pollers]] | None = None,
    heartbeat_stale_seconds: float = HEARTBEAT_STALE_SECONDS,
    webhook_allow_http: bool = False,
) -> FastAPI:
    """The API, the dashboard and the probes over `engine`'s read models.

    `temporal_ping` lets /readyz check Temporal; `public_threshold` is the fewest distinct
    members a public country figure may describe; /readyz fails when a projection trails
    the log by more than `max_projector_lag_events`; /metrics counts the commands this
    process sent through a client sharing `command_tally`; commands go to workflows through
    `commands_client` (without one, command endpoints answer 503, until `use_commands_client`
    gives one); an uploaded document may be at most `max_document_bytes`; a request body must
    keep arriving, no chunk later than `body_timeout_seconds` (api/body_limit.py). With
    `worker_pollers`, /readyz fails while no worker polls the task queue; it fails while the
    leading projector's heartbeat (and, once a worker beats, every worker's) is older than
    `heartbeat_stale_seconds`. Webhook endpoints must be https unless `webhook_allow_http`."""
    if public_threshold < 1:
        raise ValueError("public_threshold must be at least 1")
    app = FastAPI(
        title="certflow",
        summary="Certification workflows: commands, oversight and the public register",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # api/docs.py serves /docs without a CDN
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.directory = Directory(engine)
    app.state.sessions = Sessions(engine)
    app.state.dispatcher = Dispatcher(engine, commands_client)
    app.state.webhook_allow_http = webhook_allow_http
    app.state.options = Options(
        public_threshold,
        temporal_ping,
        max_projector_lag_events,
        command_tally,
        max_document_bytes,
        worker_pollers,
        heartbeat_stale_seconds,
    )
    for router in (
        commands.router,
        documents.router,
        documents.public_router,
        material_flows.router,
        material_flows.public_router,
        certifications.router,
        deadlines.router,
        review_queue.router,
        programme.router,
        register.router,
        deliveries.router,
        webhooks.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(operations.router)
    app.include_router(signin.router)
    app.include_router(secretariat.router)
    app.include_router(deliveries_page.router)
    app.include_router(member.router)
    app.include_router(worklist.router)
    app.include_router(public.router)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_pages(app)
    install_unavailable_handler(app)
    upload_limit = max_document_bytes + MULTIPART_OVERHEAD
    app.add_middleware(
        BodyLimit,
        routes=list(iter_route_contexts(app.routes)),
        larger=dict.fromkeys(UPLOAD_ROUTES, upload_limit),
        timeout_seconds=body_timeout_seconds,
    )
    app.add_middleware(SecurityHeaders)  # outermost: its headers go on the body limit's refusals too
    return app


def use_commands_client(app: FastAPI, client: CertificationClient) -> None:
    """Commands go to workflows through `client` from now on (an API that started while
    Temporal was down gets its client once it connects, without a restart)."""
    app.state.dispatcher = Dispatcher(app.state.engine, client)
