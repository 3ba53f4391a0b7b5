"""Calendar periods (months, weeks, days) as policy data, with month arithmetic that clamps."""

import calendar
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class Period(BaseModel):
    """A span of calendar time, e.g. `Period(months=18)`."""

    model_config = ConfigDict(frozen=True)

    months: int = 0
    days: int = 0

    @classmethod
    def of_weeks(cls, weeks: int) -> "Period":
        return cls(days=7 * weeks)

    def after(self, day: date) -> date:
        return add_months(day, self.months) + timedelta(days=self.days)

    def before(self, day: date) -> date:
        return add_months(day, -self.months) - timedelta(days=self.days)

    def __str__(self) -> str:
        parts = [f"{self.months} months"] if self.months else []
        if self.days and self.days % 7 == 0:
            parts.append(f"{self.days // 7} weeks")
        elif self.days or not parts:
            parts.append(f"{self.days} days")
        return " and ".join(parts)
