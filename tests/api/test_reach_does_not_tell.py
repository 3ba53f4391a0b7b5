"""A certification out of the caller's reach answers exactly as one that does not exist: the
same status and body, for a member and for an auditor of another firm (the time taken is the
same too: measured, not asserted, see the commandpath report)."""

import httpx

from tests.api.journey import Journey
from tests.scenario import OTHER_AUDITOR, OTHER_MEMBER


async def test_another_organisations_certification_answers_as_an_unknown_one(journey: Journey) -> None:
    await journey.admit()
    unknown = "cert-00000000-0000-5000-8000-000000000000"

    async def probe(certification_id: str, headers: dict[str, str]) -> httpx.Response:
        return await journey.http.post(
            f"/api/v1/certifications/{certification_id}/submit-self-assessment",
            json={"summary": "probe"},
            headers=headers,
        )

    for outsider in (OTHER_MEMBER, OTHER_AUDITOR):
        theirs = await probe(journey.certification_id, journey.people.bearer(outsider))
        nobodys = await probe(unknown, journey.people.bearer(outsider))
        assert (theirs.status_code, nobodys.status_code) == (404, 404)
        assert theirs.json() == {"detail": f"no certification {journey.certification_id}"}
        assert nobodys.json() == {"detail": f"no certification {unknown}"}
        assert theirs.headers.keys() == nobodys.headers.keys()
