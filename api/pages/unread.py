"""The unread count in every signed-in page's header: one query on the recipients' index
per page, run as a dependency of the page routers (api/app.py), so the header's template
reads it from the request without a query of its own (templates render synchronously)."""

from fastapi import Depends, Request

from api.access import Caller
from api.deps import Connection
from api.queries.inbox import unread_count

STATE_KEY = "unread_notices"
"""request.state's name for it; base.html reads request.state.unread_notices."""


async def count_unread(request: Request, caller: Caller, conn: Connection) -> None:
    # Only pages that are read: a form's POST answers with a redirect to one.
    if request.method == "GET":
        setattr(request.state, STATE_KEY, await unread_count(conn, caller.user_id))


UNREAD_IN_HEADER = Depends(count_unread)
