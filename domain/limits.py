"""How much one command may carry: every text, list and date a command accepts is bounded.

A command travels whole through Temporal (the Update's input, then the events it records and
the state it answers with), and Temporal refuses a workflow task that carries a payload over
2 MiB. An append commits before that task does (engineering notes), so an oversized command
would be recorded in the log and lost from the workflow's history. Bounded here, a command
is refused as invalid input, naming its field, before anything is recorded. Dates are
bounded too: Python's `date` ends at 9999-12-31, and deadline arithmetic near it overflows.
These are bounds of the record, the same for every scheme, not scheme policy."""

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

NAME_LENGTH = 200
"""Characters in an id or a name (an entity, a facility, a firm, a criterion)."""
TEXT_LENGTH = 10_000
"""Characters in a reason, summary, plan or verification: a few pages; reports are documents."""
NOTE_LENGTH = 4_000
"""Characters in one finding's note."""
FACILITIES = 500
EXTERNAL_CERTIFICATIONS = 50
FINDINGS_PER_COMMAND = 1_000
ACCREDITATIONS = 100

EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2199, 12, 31)

COMMAND_BYTES = 128 * 1024
"""A command's encoded size (JSON, UTF-8): a sixteenth of Temporal's 2 MiB payload limit."""
RECORD_BYTES = 480 * 1024
"""A certification's state and a command's events, encoded: what an Update answers and what
continue-as-new carries. Under the SDK's 512 KiB warning threshold for a payload, a quarter
of the 2 MiB it refuses."""

Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_LENGTH)]
"""An id or a name."""
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LENGTH)]
"""Free text a person writes: a reason, a summary, a plan."""
Note = Annotated[str, StringConstraints(max_length=NOTE_LENGTH)]
CalendarDate = Annotated[
    date,
    Field(
        ge=EARLIEST_DATE,
        le=LATEST_DATE,
        json_schema_extra={"formatMinimum": "1970-01-01", "formatMaximum": "2199-12-31"},
    ),
]
"""A date a command names: an audit's days, a new due date, an accreditation's validity."""
