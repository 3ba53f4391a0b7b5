"""Following next_cursor through a listing, as a client of the API would."""

from typing import Any

import httpx


async def every_page(http: httpx.AsyncClient, path: str, params: dict[str, str | int]) -> list[list[dict[str, Any]]]:
    """The items of each page, first to last."""
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        response = await http.get(path, params=params | ({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        if (cursor := body["next_cursor"]) is None:
            return pages
        assert len(pages) < 100, "the cursor does not advance"
