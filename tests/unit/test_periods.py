from datetime import date

from domain.periods import Period, add_months


def test_a_month_after_the_31st_is_the_months_last_day() -> None:
    assert add_months(date(2040, 1, 31), 1) == date(2040, 2, 29)
    assert add_months(date(2041, 1, 31), 1) == date(2041, 2, 28)
    assert add_months(date(2040, 3, 31), -1) == date(2040, 2, 29)


def test_periods_read_as_the_policy_says_them() -> None:
    assert str(Period.of_weeks(6)) == "6 weeks"
    assert str(Period(months=18)) == "18 months"
    assert Period(months=12, days=1).after(date(2040, 2, 29)) == date(2041, 3, 1)
