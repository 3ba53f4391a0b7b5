"""Echoing callers' text back in an error: pydantic refuses unpaired surrogates (JSON's
"\\ud800") in a `str` field, and the 422 that says so must still encode as UTF-8. (Text
PostgreSQL cannot store is refused by domain/text.py's check.)"""

from typing import Any


def readable(value: Any) -> Any:
    """`value` with unpaired surrogates replaced, so an answer echoing it encodes as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {readable(key): readable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [readable(item) for item in value]
    return value
