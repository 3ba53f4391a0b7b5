"""The OpenAPI document browsable at /docs with Swagger UI served from this app, not a CDN:
its files come from the `fastapi-offline` package, and the page starts it with a static
script (no inline one), so /docs works without internet and under the pages' CSP."""

from importlib.resources import files

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.pages.templating import templates

SWAGGER_UI_FILES = str(files("fastapi_offline") / "static")
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/docs", name="api_docs")
async def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json."""
    return templates.TemplateResponse(request, "docs.html", {"title": request.app.title})


def install_docs(app: FastAPI) -> None:
    """/docs and its Swagger UI files; create the app with `docs_url=None, redoc_url=None`."""
    app.include_router(router)
    app.mount("/static/swagger-ui", StaticFiles(directory=SWAGGER_UI_FILES), name="swagger_ui")
