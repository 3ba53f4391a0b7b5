"""Audit firms and their accreditations per standard."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.limits import ACCREDITATIONS, NAME_LENGTH, CalendarDate


class Accreditation(BaseModel):
    model_config = ConfigDict(frozen=True)

    standard_code: str = Field(min_length=1, max_length=NAME_LENGTH)
    valid_from: CalendarDate
    valid_until: CalendarDate

    @model_validator(mode="after")
    def _ends_after_start(self) -> "Accreditation":
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self

    def covers(self, standard_code: str, day: date) -> bool:
        return self.standard_code == standard_code and self.valid_from <= day <= self.valid_until


class AuditFirm(BaseModel):
    model_config = ConfigDict(frozen=True)

    firm_id: str = Field(min_length=1, max_length=NAME_LENGTH)
    name: str = Field(min_length=1, max_length=NAME_LENGTH)
    accreditations: tuple[Accreditation, ...] = Field(default=(), max_length=ACCREDITATIONS)

    def accredited_for(self, standard_code: str, day: date) -> bool:
        return any(a.covers(standard_code, day) for a in self.accreditations)
