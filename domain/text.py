"""Text the record can hold: PostgreSQL stores no NUL character in `text` or `jsonb`, so a
command carrying one could never have its events recorded (the workflow would retry the
append for ever). Commands refuse it; the API refuses it in any input, naming the field."""

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

UNSTORABLE = "must not contain a NUL character"


def unstorable_at(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Where inside `value` (strings, models, lists, mappings) there is a NUL character."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from unstorable_at(getattr(value, name), (*path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from unstorable_at(key, (*path, str(key)))
            yield from unstorable_at(item, (*path, str(key)))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            yield from unstorable_at(item, (*path, index))


def check_storable(value: Any) -> Any:
    """For pydantic validators: `value`, unless it holds text PostgreSQL cannot store."""
    for path in unstorable_at(value):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        raise ValueError(f"{where}: {UNSTORABLE}" if where else UNSTORABLE)
    return value
