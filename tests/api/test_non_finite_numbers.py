"""Numbers JSON can spell but no field can hold: `1e999999` parses as infinity, `NaN` and
`-Infinity` as Python's non-finite floats. Each is a 422 naming the field, never a 500
(the error body echoing the input must still encode), and records nothing."""

import pytest

from tests.api.journey import Journey
from tests.scenario import MEMBER, SECRETARIAT

OVERFLOWING = ("1e999999", "-1e999999", "NaN", "Infinity", "-Infinity")


@pytest.mark.parametrize("number", OVERFLOWING)
async def test_a_non_finite_number_in_a_command_is_422_naming_the_field(journey: Journey, number: str) -> None:
    await journey.admit()
    before = await journey.stored()
    path = f"/api/v1/certifications/{journey.certification_id}"
    flows = await journey.http.post(
        f"{path}/report-material-flow",
        content=f'{{"year": 2040, "flows": [{{"category": "alumina", "tonnes_in": {number}, "tonnes_out": 0}}]}}',
        headers={**journey.people.bearer(MEMBER), "Content-Type": "application/json"},
    )
    year = await journey.http.post(
        f"{path}/report-material-flow",
        content=f'{{"year": {number}, "flows": []}}',
        headers={**journey.people.bearer(MEMBER), "Content-Type": "application/json"},
    )
    reason = await journey.http.post(
        f"{path}/suspend",
        content=f'{{"reason": {number}}}',
        headers={**journey.people.bearer(SECRETARIAT), "Content-Type": "application/json"},
    )
    whole = await journey.http.post(
        f"{path}/suspend",
        content=number,
        headers={**journey.people.bearer(SECRETARIAT), "Content-Type": "application/json"},
    )

    assert flows.status_code == 422, flows.text
    assert flows.json()["detail"][0]["loc"] == ["body", "flows", 0, "tonnes_in"]
    assert year.status_code == 422 and year.json()["detail"][0]["loc"] == ["body", "year"], year.text
    assert reason.status_code == 422 and reason.json()["detail"][0]["loc"] == ["body", "reason"], reason.text
    assert whole.status_code == 422 and whole.json()["detail"][0]["loc"] == ["body"], whole.text
    assert await journey.stored() == before
