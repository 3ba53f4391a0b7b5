"""Query parameters, one model per listing. The dashboard's GET forms send empty fields as
`x=`; those mean "not given", so the API and the forms share one set of rules. A bad value
is refused with 422 naming the field (FastAPI reports the location as ["query", field])."""

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, Field, ValidationInfo, field_validator
from pydantic_core import PydanticUseDefault
from sqlalchemy import ColumnElement

from api import cursor
from domain.certificates import CertificateStatus
from domain.deadlines import DeadlineKind
from domain.state import Phase
from domain.text import check_storable
from projections.tables import certifications, deadlines, material_flows

CertificationId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")]
"""A certification id in a path."""

STATES = tuple(Phase) + tuple(CertificateStatus)
"""A `state` filter names a phase or a certificate status (the two share no word)."""

CERTIFICATION_SORTS = (
    "entity_name",
    "member_name",
    "certification_id",
    "standard_code",
    "phase",
    "certificate_status",
    "valid_until",
    "next_audit_due",
    "applied_on",
    "first_certified_on",
    "open_majors",
    "last_changed_at",
)
MAX_PAGE = 500


class QueryModel(BaseModel):
    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_not_given(cls, value: object) -> object:
        if value == "":
            raise PydanticUseDefault()
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        return check_storable(value)


def _upper_case(country: str | None) -> str | None:
    return country.upper() if country else country


CountryCode = Annotated[
    str | None, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code"), AfterValidator(_upper_case)
]


class ScopeFilters(QueryModel):
    standard: str | None = Field(default=None, max_length=100, description="standard code, e.g. ASI-PS")


class CertificationFilters(ScopeFilters):
    state: str | None = Field(default=None, description=f"a phase or certificate status: {', '.join(STATES)}")
    country: CountryCode = None
    audit_firm: str | None = Field(default=None, max_length=100, description="audit firm id")
    due_within_days: int | None = Field(
        None, ge=0, le=3660, description="next audit or an open deadline due from today to today + N"
    )
    overdue: bool | None = Field(default=None, description="true: has an open deadline past due; false: has none")

    @field_validator("state")
    @classmethod
    def _a_known_state(cls, state: str | None) -> str | None:
        if state is not None and state not in STATES:
            raise ValueError(f"must be one of {', '.join(STATES)}")
        return state


C, D, F = certifications.c, deadlines.c, material_flows.c
CursorField = Field(default=None, max_length=cursor.MAX_LENGTH, description="next_cursor of the previous page")


def _check_cursor(value: str | None, columns: tuple[ColumnElement[Any], ...], sort: str | None = None) -> str | None:
    """`value`, if it is a cursor paging by `columns` (under `sort`) whose every value fits
    its column; the query reads it again, knowing it will."""
    if value is not None:
        cursor.read(value, columns, sort)
    return value


class CertificationQuery(CertificationFilters):
    sort: str = Field(
        default="entity_name", description=f"one of {', '.join(CERTIFICATION_SORTS)}; '-' first for descending"
    )
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = CursorField
    format: Literal["json", "csv"] = "json"

    @field_validator("sort")
    @classmethod
    def _a_sortable_field(cls, sort: str) -> str:
        if sort.removeprefix("-") not in CERTIFICATION_SORTS:
            raise ValueError(f"must be one of {', '.join(CERTIFICATION_SORTS)}, with '-' first for descending")
        return sort

    @field_validator("cursor")
    @classmethod
    def _a_cursor_for_this_sort(cls, value: str | None, info: ValidationInfo) -> str | None:
        sort = info.data.get("sort")
        if sort is None:
            return value  # the sort was refused: that 422 says enough
        return _check_cursor(value, (C[sort.removeprefix("-")], C.certification_id), sort)

    @property
    def sort_field(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


class DeadlineQuery(ScopeFilters):
    kind: DeadlineKind | None = None
    due_within_days: int | None = Field(default=None, ge=0, le=3660, description="due from today to today + N")
    overdue: bool | None = Field(default=None, description="true: past due; false: not yet")
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    cursor: str | None = CursorField

    @field_validator("cursor")
    @classmethod
    def _a_deadline_cursor(cls, value: str | None) -> str | None:
        return _check_cursor(value, (D.due, D.certification_id, D.deadline_id))


class RegisterQuery(ScopeFilters):
    country: CountryCode = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = CursorField

    @field_validator("cursor")
    @classmethod
    def _a_register_cursor(cls, value: str | None) -> str | None:
        return _check_cursor(value, (C.entity_name, C.certification_id), "entity_name")


class MaterialFlowQuery(ScopeFilters):
    year: int | None = Field(default=None, ge=2000, le=2200, description="the reporting year")
    member: str | None = Field(default=None, max_length=200, description="member organisation id")
    limit: int = Field(default=200, ge=1, le=MAX_PAGE)
    cursor: str | None = CursorField

    @field_validator("cursor")
    @classmethod
    def _a_material_flow_cursor(cls, value: str | None) -> str | None:
        return _check_cursor(value, (F.year, F.certification_id, F.category))


class PublicMaterialFlowQuery(ScopeFilters):
    year: int | None = Field(default=None, ge=2000, le=2200, description="the reporting year")
