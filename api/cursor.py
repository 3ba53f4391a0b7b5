"""Opaque page cursors and the keyset predicates behind them.

A cursor is URL-safe base64 of a JSON list: the sort field's name, the last row's sort value
and the last row's certification id. Keyset paging (not OFFSET) means a page never skips or
repeats a row when rows before it change, and costs the same on page 1 and page 1,000.

Cursors come back from callers, anyone among them (the register is public), so `read`
checks every value against the column it pages by before a query sees it: a forged cursor
is a 422 naming `cursor`, never a database error."""

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, or_

from domain.text import check_storable

CursorValue = str | int | None

MAX_LENGTH = 4096
"""Characters in a cursor: ours hold two ids and a value of at most a few hundred."""
MAX_TEXT = 1000
"""Characters in one text value of a cursor (names and ids are at most 200)."""
_INT_BOUNDS = {False: 2**31, True: 2**63}
"""PostgreSQL's integer and bigint ranges: a larger number is no row's value."""
NOT_OURS = "is not a cursor from this API"


def encode(key: Sequence[object]) -> str:
    """The cursor for a sort key; dates and timestamps travel as ISO text."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in key]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, length: int) -> list[CursorValue]:
    """The sort key in a cursor; ValueError when it is not one of ours."""
    if len(cursor) > MAX_LENGTH:
        raise ValueError(NOT_OURS)
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        raise ValueError(NOT_OURS) from None
    if not isinstance(key, list) or len(key) != length or not all(isinstance(v, str | int | None) for v in key):
        raise ValueError(NOT_OURS)
    return key


def _text(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError(NOT_OURS)
    try:
        value.encode("utf-8")  # an unpaired surrogate ("\ud800") is no text PostgreSQL holds
        check_storable(value)
    except (UnicodeEncodeError, ValueError):
        raise ValueError(NOT_OURS) from None
    return value


def typed(value: CursorValue, column: ColumnElement[Any]) -> object:
    """A cursor value back as the column's Python type; ValueError when no row of the column
    could hold it."""
    if value is None:
        if getattr(column, "nullable", True):
            return None
        raise ValueError(NOT_OURS)
    kind = column.type.python_type
    try:
        if kind is datetime:
            moment = datetime.fromisoformat(_text(value))
            if moment.tzinfo is None:
                raise ValueError(NOT_OURS)
            moment.astimezone(UTC)  # an offset at the ends of the calendar overflows
            return moment
        if kind is date:
            return date.fromisoformat(_text(value))
    except (ValueError, OverflowError):
        raise ValueError(NOT_OURS) from None
    if kind is int:
        bound = _INT_BOUNDS[isinstance(column.type, BigInteger)]
        if isinstance(value, bool) or not isinstance(value, int) or not -bound <= value < bound:
            raise ValueError(NOT_OURS)
        return value
    if kind is str:
        return _text(value)
    raise ValueError(NOT_OURS)


def read(cursor: str, columns: Sequence[ColumnElement[Any]], sort: str | None = None) -> list[object]:
    """The sort key of a cursor paging by `columns` (after the sort's name, when the listing
    can be sorted), each value as its column's type; ValueError when it is not one of ours."""
    key = decode(cursor, len(columns) + (sort is not None))
    if sort is not None:
        named, *key = key
        if named != sort:
            raise ValueError(f"belongs to another sort than sort={sort}")
    return [typed(value, column) for value, column in zip(key, columns, strict=True)]


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
