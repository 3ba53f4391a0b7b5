"""Commands as HTTP bodies, and what a command answers.

A body is its domain command without `actor` (the caller is the actor) and `type` (the path
names it), generated from the command model so the API and the domain cannot drift apart.
Two commands take other bodies: an application names no member (a member applies for its
own organisation), and engaging an audit firm names the firm by id (its accreditations
come from the directory, not from the caller). No body may carry text PostgreSQL cannot
store (domain/text.py)."""

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from domain.events import Event
from domain.limits import Identifier
from domain.scope import ExternalCertification, Facility, StandardRef
from domain.state import CertificationState
from domain.text import check_storable
from identity.principal import Principal

SET_BY_THE_API = ("actor", "type")
"""A command's fields that no body (nor a page's form) gives: the caller is the actor, the
path names the type."""


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        return check_storable(value)


def body_of(command: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (info.annotation, info) for name, info in command.model_fields.items() if name not in SET_BY_THE_API
    }
    name = "".join(part.title() for part in command.model_fields["type"].default.split("-")) + "Body"
    return create_model(name, __base__=Body, __doc__=command.__doc__, **fields)


class ApplicationBody(Body):
    entity_name: Identifier
    standard: StandardRef
    facilities: tuple[Facility, ...] = Field(min_length=1)
    external_certifications: tuple[ExternalCertification, ...] = ()
    member_id: Identifier | None = None
    """Only when the Secretariat applies on a member's behalf; a member applies for itself."""


class AssignAuditFirmBody(Body):
    firm_id: Identifier
    """An audit firm in the directory; its accreditations are the directory's."""


class CommandResult(BaseModel):
    certification_id: str
    command_id: str
    """The Update id: sending the same Idempotency-Key again reuses it."""
    version: int
    duplicate: bool
    """True when this command had been applied before: nothing new was recorded."""
    events: list[Event]
    state: CertificationState


class Problem(BaseModel):
    """Any refusal: what is wrong, naming the field or the rule."""

    detail: str
    rule: str | None = None
    """The domain or access rule that refused a command (for example `audit-plan.lead-time`)."""


def command_of(kind: type[BaseModel], caller: Principal, fields: dict[str, Any]) -> Any:
    """The domain command; its own checks (dates in order, unique ids, text it can store, as
    in an upload's filename) are 422s."""
    try:
        return kind.model_validate({**fields, "actor": caller.actor})
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False, include_context=False)]
        ) from None
