"""The dashboard's Jinja2 environment (autoescaped HTML) and its few display filters."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from api.charts import LAYOUT
from api.pages.navigation import signed_in

HERE = Path(__file__).resolve().parent.parent
# Every page's header shows who is signed in and their organisation's own links.
templates = Jinja2Templates(directory=HERE / "templates", context_processors=[signed_in])
STATIC_DIR = HERE / "static"


def day(value: date | datetime | None) -> str:
    return value.isoformat()[:10] if value is not None else "—"


def moment(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value is not None else "—"


def words(value: str | None) -> str:
    """`in-certification` reads as "in certification"."""
    return value.replace("-", " ").replace("_", " ") if value else "—"


PLACEHOLDER = "placeholder"


def links(request: Request, name: str, param: str) -> Callable[[str], str]:
    """`str(request.url_for(name, **{param: value}))` for a table's worth of values. url_for walks
    the app's routes on every call (~0.1 ms; 100 ms for the overview's 1,000-row review queue);
    this walks them once. For routes whose `param` ends the path, where url_for puts the value
    in as it is: the link is the same string."""
    probe = str(request.url_for(name, **{param: PLACEHOLDER}))
    if not probe.endswith(PLACEHOLDER):
        raise ValueError(f"{param} does not end the path of {name}")
    prefix = probe.removesuffix(PLACEHOLDER)

    def link(value: str) -> str:
        if not value or "/" in value:  # as url_for refuses them
            raise ValueError(f"{param} {value!r} is not one path segment")
        return prefix + value

    return link


templates.env.filters.update(day=day, moment=moment, words=words)
templates.env.globals["chart_layout"] = LAYOUT
