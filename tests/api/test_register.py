"""The public register: certified entities only, nothing member-internal, and country figures
only where enough members contribute."""

import httpx

from tests.api.factories import NOT_CERTIFIED, Programme, days, facility
from tests.api.paging import every_page

PUBLIC_FIELDS = {
    "summary_reports",
    "certification_id",
    "entity_name",
    "member_name",
    "standard_code",
    "standard_version",
    "certificate_kind",
    "certificate_status",
    "valid_from",
    "valid_until",
    "facilities",
    "countries",
    "next_audit_type",
    "next_audit_due",
}


async def test_register_lists_only_certified_entities(http: httpx.AsyncClient, programme: Programme) -> None:
    await programme.certification("Active Smelter")
    await programme.certification("Suspended Mill", certificate_status="suspended")
    await programme.certification("Withdrawn Works", phase="ended", certificate_status="withdrawn")
    await programme.certification("Expired Foundry", phase="ended", certificate_status="expired")
    await programme.certification("Revoked Plant", phase="ended", certificate_status="revoked")
    await programme.certification("Applicant", **NOT_CERTIFIED)

    body = (await http.get("/api/v1/register", params={"standard": programme.standard})).json()

    assert [(e["entity_name"], e["certificate_status"]) for e in body["items"]] == [
        ("Active Smelter", "active"),
        ("Suspended Mill", "suspended"),
    ]


async def test_the_register_shows_validity_facilities_and_next_audit_but_nothing_internal(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    await programme.certification(
        "Open Book Smelter",
        member_id="m-secret",
        facilities=[facility("Potline", "IS", "smelting")],
        audit_firm_id="firm-x",
        lead_auditor="auditor-x",
        open_majors=2,
        next_audit_due=days(30),
    )

    [entry] = (await http.get("/api/v1/register", params={"standard": programme.standard})).json()["items"]

    assert set(entry) == PUBLIC_FIELDS
    assert entry["facilities"] == [{"name": "Potline", "country": "IS", "activities": ["smelting"]}]
    assert (entry["valid_until"], entry["next_audit_type"], entry["next_audit_due"]) == (
        days(700).isoformat(),
        "surveillance",
        days(30).isoformat(),
    )
    assert "m-secret" not in str(entry) and "firm-x" not in str(entry)


async def test_public_country_figures_hide_countries_with_fewer_members_than_the_threshold(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    for member in ("m1", "m2", "m3"):  # three members in Germany: shown
        await programme.certification(
            f"German Works {member}", member_id=member, facilities=[facility("DE plant", "DE")]
        )
    for n in range(3):  # three entities, but of two members, in Norway: hidden
        await programme.certification(f"Nordic {n}", member_id=f"n{n % 2}", facilities=[facility("NO plant", "NO")])
    await programme.certification(
        "Former", member_id="m9", facilities=[facility("DE old", "DE")], certificate_status="withdrawn"
    )

    summary = (await http.get("/api/v1/register/summary", params={"standard": programme.standard})).json()

    assert summary["countries"] == [{"country": "DE", "entities": 3, "facilities": 3}]
    assert (summary["certified_entities"], summary["public_threshold"]) == (6, 3)
    secretariat = (await http.get("/api/v1/metrics/programme", params={"standard": programme.standard})).json()
    assert [c["country"] for c in secretariat["countries"]] == ["DE", "NO"]


async def test_register_pages_by_entity_name(http: httpx.AsyncClient, programme: Programme) -> None:
    for name in ("Delta", "Alpha", "Echo", "Bravo", "Charlie"):
        await programme.certification(name)
    pages = await every_page(http, "/api/v1/register", {"standard": programme.standard, "limit": 2})
    names = [e["entity_name"] for page in pages for e in page]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
