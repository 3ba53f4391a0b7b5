"""No command takes unbounded input: every string has a maximum length (or a bounded pattern
or a fixed set of values), every list a maximum number of items, every date a last day. A
command added later without bounds fails here, before it can carry a payload Temporal refuses."""

from datetime import date
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from domain import commands as cmd
from domain.limits import LATEST_DATE

COMMANDS: list[type[BaseModel]] = list(get_args(get_args(cmd.Command)[0]))
BOUNDED_PATTERNS = {r"^[A-Z]{2}$", r"^[0-9a-f]{64}$"}


def _unbounded(schema: dict[str, Any], defs: dict[str, Any], path: str) -> list[str]:
    if "$ref" in schema:
        return _unbounded(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, path)
    choices = schema.get("anyOf", [])
    if any(c.get("type") == "number" and {"maximum", "exclusiveMaximum"} & c.keys() for c in choices):
        return []  # a number, bounded, that may also be written as text (Decimal tonnes)
    found = []
    for choice in choices + schema.get("allOf", []):
        found += _unbounded(choice, defs, path)
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema and "const" not in schema:
        if schema.get("format") == "date":
            if schema.get("formatMaximum") is None:
                found.append(f"{path}: a date without a last day")
        elif "maxLength" not in schema and schema.get("pattern") not in BOUNDED_PATTERNS:
            found.append(f"{path}: text without a maximum length")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{path}: a list without a maximum number of items")
        found += _unbounded(schema.get("items", {}), defs, f"{path}[]")
    for name, field in schema.get("properties", {}).items():
        found += _unbounded(field, defs, f"{path}.{name}")
    return found


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.model_fields["type"].default)
def test_every_command_bounds_its_text_lists_and_dates(command: type[BaseModel]) -> None:
    schema = command.model_json_schema()
    assert _unbounded(schema, schema.get("$defs", {}), command.__name__) == []


def test_a_date_past_the_last_day_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        cmd.ExtendDeadline.model_validate(
            {
                "actor": {"user_id": "sam", "organisation_id": "asi", "role": "secretariat"},
                "deadline_id": "surveillance:1.1",
                "new_due": date(9999, 12, 31),
                "reason": "far away",
            }
        )
    assert [e["loc"] for e in refused.value.errors()] == [("new_due",)]
    assert LATEST_DATE.isoformat() in str(refused.value)
