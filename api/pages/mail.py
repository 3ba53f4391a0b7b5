"""The Mail page (`certflow dev` only): what the local SMTP sink received, newest first, and one
message's text and HTML, so the Secretariat sees the reminders go out. 404 without the sink."""

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from api.access import secretariat
from api.deps import Connection
from api.pages.templating import templates
from notifications.mail_sink import recent, stored


def sink_on(request: Request) -> None:
    """The pages exist only while `certflow dev` runs the sink (settings.mail_sink)."""
    if not getattr(request.app.state, "mail_sink", False):
        raise HTTPException(404, "Not Found")


router = APIRouter(
    tags=["dashboard"],
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(sink_on), Depends(secretariat)],
)


@router.get("/mail")
async def mail_page(request: Request, conn: Connection) -> HTMLResponse:
    """The sink's messages, newest first."""
    return templates.TemplateResponse(request, "mail.html", {"messages": await recent(conn), "message": None})


@router.get("/mail/{number}")
async def mail_message_page(request: Request, conn: Connection, number: int) -> HTMLResponse:
    """One message: its headers, its plain text and its HTML."""
    message = await stored(conn, number)
    if message is None:
        raise HTTPException(404, f"number: no message {number} in the sink")
    return templates.TemplateResponse(request, "mail.html", {"messages": None, "message": message})
