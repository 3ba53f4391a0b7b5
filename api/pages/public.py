"""The public register page: certified entities and aggregates safe to publish."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.charts import bar_chart
from api.deps import AppOptions, Connection
from api.pages.templating import templates
from api.params import RegisterQuery
from api.queries import overview
from api.queries.material_flows import public_totals
from api.queries.register import register_summary
from api.routes.register import register_listing

router = APIRouter(tags=["public"], include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/register")
async def register(
    request: Request, conn: Connection, options: AppOptions, query: Annotated[RegisterQuery, Query()]
) -> HTMLResponse:
    """Certified entities, a page at a time, with public figures by country."""
    entries, next_cursor = await register_listing(request, conn, query)
    summary = await register_summary(conn, query.standard, options.public_threshold)
    context = {
        "query": query,
        "standards": await overview.standards(conn, live_only=True),
        "entries": entries,
        "summary": summary,
        "material_flows": await public_totals(conn, query.standard, None, options.public_threshold),
        "country_chart": bar_chart(
            "Certified entities by country", [(c.country, c.entities) for c in summary.countries]
        ),
        "next_url": str(request.url.include_query_params(cursor=next_cursor)) if next_cursor else None,
    }
    return templates.TemplateResponse(request, "register.html", context)
