"""Opaque page cursors and the keyset predicates behind them.

A cursor is URL-safe base64 of a JSON list: the sort field's name, the last row's sort value
and the last row's certification id. Keyset paging (not OFFSET) means a page never skips or
repeats a row when rows before it change, and costs the same on page 1 and page 1,000."""

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

CursorValue = str | int | None


def encode(key: Sequence[object]) -> str:
    """The cursor for a sort key; dates and timestamps travel as ISO text."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in key]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, length: int) -> list[CursorValue]:
    """The sort key in a cursor; ValueError when it is not one of ours."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise ValueError("is not a cursor from this API") from None
    if not isinstance(key, list) or len(key) != length or not all(isinstance(v, str | int | None) for v in key):
        raise ValueError("is not a cursor from this API")
    return key


def typed(value: CursorValue, column: ColumnElement[Any]) -> object:
    """A cursor value back as the column's Python type."""
    if value is None:
        return None
    kind = column.type.python_type
    if kind is datetime:
        return datetime.fromisoformat(str(value))
    if kind is date:
        return date.fromisoformat(str(value))
    if not isinstance(value, kind):
        raise ValueError("is not a cursor from this API")
    return value


def order(column: ColumnElement[Any], tiebreak: ColumnElement[Any], descending: bool) -> list[ColumnElement[Any]]:
    """NULLs last in both directions, so "next audit due" lists lead with real dates."""
    primary = column.desc() if descending else column.asc()
    return [primary.nulls_last(), tiebreak.asc()]


def after(
    column: ColumnElement[Any], value: object, tiebreak: ColumnElement[Any], last_id: object, descending: bool
) -> ColumnElement[bool]:
    """Rows that come after (value, last_id) in `order(column, tiebreak, descending)`."""
    if value is None:
        return and_(column.is_(None), tiebreak > last_id)
    beyond = column < value if descending else column > value
    return or_(beyond, and_(column == value, tiebreak > last_id), column.is_(None))
