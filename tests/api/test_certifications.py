"""The Secretariat's certification list: filters, sorting, cursor pages, CSV, one in full."""

import csv
import io

import httpx
import pytest

from tests.api.factories import NOT_CERTIFIED, Programme, at, days, facility
from tests.api.paging import every_page


async def listed(http: httpx.AsyncClient, programme: Programme, **params: str | int) -> list[str]:
    response = await http.get("/api/v1/certifications", params={"standard": programme.standard, **params})
    assert response.status_code == 200, response.text
    return [item["entity_name"] for item in response.json()["items"]]


async def test_filters_narrow_the_list_by_state_country_and_audit_firm(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    await programme.certification(
        "Alpha Smelter", facilities=[facility("Alpha", "NO", "smelting")], audit_firm_id="firm-a"
    )
    await programme.certification(
        "Beta Rolling", facilities=[facility("Beta", "DE", "rolling")], audit_firm_id="firm-b"
    )
    await programme.certification(
        "Gamma Castings",
        facilities=[facility("G1", "DE"), facility("G2", "FR")],
        audit_firm_id="firm-a",
        certificate_status="suspended",
    )
    await programme.certification(
        "Delta Applicant", facilities=[facility("Delta", "BR")], **NOT_CERTIFIED | {"phase": "applied"}
    )

    assert await listed(http, programme) == ["Alpha Smelter", "Beta Rolling", "Delta Applicant", "Gamma Castings"]
    assert await listed(http, programme, country="DE") == ["Beta Rolling", "Gamma Castings"]
    assert await listed(http, programme, country="fr") == ["Gamma Castings"]
    assert await listed(http, programme, audit_firm="firm-a") == ["Alpha Smelter", "Gamma Castings"]
    assert await listed(http, programme, state="applied") == ["Delta Applicant"]
    assert await listed(http, programme, state="suspended") == ["Gamma Castings"]
    assert await listed(http, programme, state="certified", country="DE", audit_firm="firm-b") == ["Beta Rolling"]


async def test_due_within_days_counts_the_next_audit_and_any_open_deadline(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    await programme.certification("Audit Soon", next_audit_due=days(20))
    deadline_soon = await programme.certification("Deadline Soon", next_audit_due=days(300))
    await programme.deadline(deadline_soon, "cap", days(45))
    await programme.certification("Nothing Soon", next_audit_due=days(300))

    assert await listed(http, programme, due_within_days=30) == ["Audit Soon"]
    assert await listed(http, programme, due_within_days=60) == ["Audit Soon", "Deadline Soon"]


async def test_overdue_means_an_open_deadline_past_its_due_date(http: httpx.AsyncClient, programme: Programme) -> None:
    late = await programme.certification("Late Member")
    await programme.deadline(late, "cap", days(-3))
    on_time = await programme.certification("On Time Member")
    await programme.deadline(on_time, "cap", days(0))

    assert await listed(http, programme, overdue="true") == ["Late Member"]
    assert await listed(http, programme, overdue="false") == ["On Time Member"]
    items = (await http.get("/api/v1/certifications", params={"standard": programme.standard})).json()["items"]
    assert {i["entity_name"]: (i["overdue"], i["next_deadline_due"]) for i in items} == {
        "Late Member": (True, days(-3).isoformat()),
        "On Time Member": (False, days(0).isoformat()),
    }


async def test_sorting_by_a_field_either_way_puts_missing_values_last(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    await programme.certification("Early", next_audit_due=days(10))
    await programme.certification("Late", next_audit_due=days(90))
    await programme.certification("Unscheduled", next_audit_due=None)
    await programme.certification("Middle", next_audit_due=days(40))

    assert await listed(http, programme, sort="next_audit_due") == ["Early", "Middle", "Late", "Unscheduled"]
    assert await listed(http, programme, sort="-next_audit_due") == ["Late", "Middle", "Early", "Unscheduled"]
    assert await listed(http, programme, sort="-entity_name") == ["Unscheduled", "Middle", "Late", "Early"]


@pytest.mark.parametrize("sort", ["next_audit_due", "-next_audit_due", "entity_name", "-last_changed_at"])
async def test_cursor_pages_walk_every_certification_exactly_once(
    http: httpx.AsyncClient, programme: Programme, sort: str
) -> None:
    # Ties and missing dates are where keyset paging goes wrong: give it both.
    dues = [days(10), days(10), days(10), None, days(5), None, days(30), days(10), days(5), None, days(60)]
    for n, due in enumerate(dues):
        await programme.certification(f"Entity {n % 4}", next_audit_due=due, last_changed_at=at(days(-n % 3)))
    pages = await every_page(http, "/api/v1/certifications", {"standard": programme.standard, "sort": sort, "limit": 4})
    walked = [item["certification_id"] for page in pages for item in page]
    everything = (
        await http.get("/api/v1/certifications", params={"standard": programme.standard, "sort": sort, "limit": 500})
    ).json()
    assert sorted(walked) == sorted(programme.ids)
    assert walked == [item["certification_id"] for item in everything["items"]]
    assert [len(page) for page in pages] == [4, 4, 3]


async def test_the_csv_export_has_a_header_and_a_row_per_matching_certification(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    await programme.certification("Alpha", facilities=[facility("A1", "DE"), facility("A2", "FR")])
    await programme.certification('=HYPERLINK("x")')
    await programme.certification("Applicant", **NOT_CERTIFIED)

    for path, params in [("/api/v1/certifications.csv", {}), ("/api/v1/certifications", {"format": "csv"})]:
        response = await http.get(
            path, params={"standard": programme.standard, "state": "active", "sort": "certification_id", **params}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["entity_name"], r["countries"], r["certificate_status"]) for r in rows] == [
            ("Alpha", "DE;FR", "active"),
            ('\'=HYPERLINK("x")', "DE", "active"),
        ]
        assert rows[0].keys() >= {"certification_id", "member_name", "standard_code", "valid_until", "next_audit_due"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"due_within_days": "-1"}, "due_within_days"),
        ({"due_within_days": "soon"}, "due_within_days"),
        ({"limit": "501"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"sort": "member_id"}, "sort"),
        ({"state": "dormant"}, "state"),
        ({"country": "DEU"}, "country"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"format": "xlsx"}, "format"),
    ],
)
async def test_a_bad_query_parameter_is_refused_naming_it(
    http: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await http.get("/api/v1/certifications", params=params)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", field]]


async def test_a_cursor_is_refused_under_another_sort(http: httpx.AsyncClient, programme: Programme) -> None:
    for name in ("One", "Two", "Three"):
        await programme.certification(name)
    first = (await http.get("/api/v1/certifications", params={"standard": programme.standard, "limit": 1})).json()
    response = await http.get("/api/v1/certifications", params={"cursor": first["next_cursor"], "sort": "-valid_until"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "cursor"]


async def test_an_unknown_certification_is_404_with_a_detail(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/certifications/no-such-certification")
    assert response.status_code == 404
    assert response.json() == {"detail": "no certification no-such-certification"}


async def test_a_certification_comes_with_its_timeline_deadlines_audits_and_nonconformities(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    certification_id = await programme.certification(
        "Timeline Works", facilities=[facility("Works", "CA", "smelting")], open_majors=1
    )
    await programme.event(certification_id, 2, "ApplicationAccepted", "The Secretariat accepted the application.")
    await programme.event(
        certification_id,
        1,
        "ApplicationSubmitted",
        "Applied for ASI Performance Standard V3.",
        actor_role="member",
        actor_organisation_id="member-org",
    )
    await programme.event(
        certification_id,
        3,
        "CertificateSuspended",
        "The certificate was suspended.",
        reason="surveillance audit missed",
    )
    await programme.deadline(certification_id, "major-closure", days(-1))
    audit_id = await programme.audit(certification_id, "certification", days(-420), major_ncs=1, minor_ncs=0)
    await programme.nonconformity(certification_id, "5.1", "major", audit_id=audit_id)

    body = (await http.get(f"/api/v1/certifications/{certification_id}")).json()

    assert [(t["version"], t["event_type"], t["reason"]) for t in body["timeline"]] == [
        (1, "ApplicationSubmitted", None),
        (2, "ApplicationAccepted", None),
        (3, "CertificateSuspended", "surveillance audit missed"),
    ]
    assert body["timeline"][0]["actor_role"] == "member"
    assert [(d["kind"], d["overdue"]) for d in body["deadlines"]] == [("major-closure", True)]
    assert [(a["audit_id"], a["major_ncs"]) for a in body["audits"]] == [(audit_id, 1)]
    assert [(n["criterion"], n["severity"]) for n in body["nonconformities"]] == [("5.1", "major")]
    assert body["facilities"][0]["name"] == "Works" and body["countries"] == ["CA"] and body["overdue"] is True
