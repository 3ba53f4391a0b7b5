"""The Secretariat's work lists: open deadlines by due date, reports awaiting review."""

import httpx

from tests.api.factories import Programme, at, days
from tests.api.paging import every_page


async def test_deadlines_come_soonest_first_and_flag_the_overdue(http: httpx.AsyncClient, programme: Programme) -> None:
    smelter = await programme.certification("Smelter")
    rolling = await programme.certification("Rolling Mill")
    await programme.deadline(smelter, "surveillance", days(200), opens=days(20))
    await programme.deadline(rolling, "cap", days(-2), owner="member")
    await programme.deadline(smelter, "report", days(0), owner="audit-firm")

    body = (await http.get("/api/v1/deadlines", params={"standard": programme.standard})).json()

    assert [(d["entity_name"], d["kind"], d["overdue"], d["days_left"]) for d in body["items"]] == [
        ("Rolling Mill", "cap", True, -2),
        ("Smelter", "report", False, 0),
        ("Smelter", "surveillance", False, 200),
    ]
    assert body["next_cursor"] is None


async def test_deadlines_filter_by_kind_window_and_overdue(http: httpx.AsyncClient, programme: Programme) -> None:
    certification_id = await programme.certification("Casthouse")
    for kind, due in [("cap", days(-10)), ("cap", days(25)), ("expiry", days(80)), ("report", days(45))]:
        await programme.deadline(certification_id, kind, due)

    async def kinds(**params: str | int) -> list[tuple[str, int]]:
        body = (await http.get("/api/v1/deadlines", params={"standard": programme.standard, **params})).json()
        return [(d["kind"], d["days_left"]) for d in body["items"]]

    assert await kinds(kind="cap") == [("cap", -10), ("cap", 25)]
    assert await kinds(due_within_days=60) == [("cap", 25), ("report", 45)]
    assert await kinds(overdue="true") == [("cap", -10)]
    assert await kinds(overdue="false", kind="expiry") == [("expiry", 80)]
    refused = await http.get("/api/v1/deadlines", params={"kind": "lunch"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["query", "kind"]


async def test_deadline_pages_walk_every_deadline_once(http: httpx.AsyncClient, programme: Programme) -> None:
    certification_id = await programme.certification("Extruder")
    for n in range(7):
        await programme.deadline(certification_id, "cap", days(n // 3))
    pages = await every_page(http, "/api/v1/deadlines", {"standard": programme.standard, "limit": 2})
    seen = [d["deadline_id"] for page in pages for d in page]
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert len(seen) == len(set(seen)) == 7


async def test_the_review_queue_lists_submitted_reports_oldest_first_with_their_age(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    older = await programme.certification("Older Report", audit_firm_name="Audit Firm One")
    newer = await programme.certification("Newer Report")
    closed = await programme.certification("Closed Audit")
    await programme.audit(
        newer, "surveillance", days(-20), status="report-submitted", report_submitted_at=at(days(-3), hour=23)
    )
    await programme.audit(
        older, "certification", days(-40), status="report-submitted", report_submitted_at=at(days(-12))
    )
    await programme.audit(closed, "certification", days(-90), status="closed", report_submitted_at=at(days(-60)))
    await programme.audit(older, "special", days(-5), status="returned", report_submitted_at=at(days(-4)))

    body = (await http.get("/api/v1/review-queue", params={"standard": programme.standard})).json()

    assert [(r["entity_name"], r["audit_type"], r["age_days"], r["audit_firm_name"]) for r in body["items"]] == [
        ("Older Report", "certification", 12, "Audit Firm One"),
        ("Newer Report", "surveillance", 3, None),
    ]
