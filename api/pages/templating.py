"""The dashboard's Jinja2 environment (autoescaped HTML) and its few display filters."""

from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

from api.charts import LAYOUT

HERE = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=HERE / "templates")
STATIC_DIR = HERE / "static"


def day(value: date | datetime | None) -> str:
    return value.isoformat()[:10] if value is not None else "—"


def moment(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value is not None else "—"


def words(value: str | None) -> str:
    """`in-certification` reads as "in certification"."""
    return value.replace("-", " ").replace("_", " ") if value else "—"


templates.env.filters.update(day=day, moment=moment, words=words)
templates.env.globals["chart_layout"] = LAYOUT
