"""Programme figures on a known dataset, as the Secretariat's outcomes dashboard shows them."""

import httpx

from tests.api.factories import NOT_CERTIFIED, Programme, days, facility


async def test_programme_figures_on_a_known_dataset(http: httpx.AsyncClient, programme: Programme) -> None:
    # Three certified (one suspended), one withdrawn, one still in certification; two of the
    # certified leverage an external certification. Days from application to certificate:
    # 100, 200, 400 and (withdrawn) 300: median 250.
    one = await programme.certification(
        "Nordic Smelter",
        member_id="m-nordic",
        applied_on=days(-500),
        first_certified_on=days(-400),
        facilities=[facility("Smelter", "NO", "smelting"), facility("Casthouse", "NO", "casting")],
        external_certifications=2,
        audit_firm_id="firm-a",
        audit_firm_name="Firm A",
    )
    two = await programme.certification(
        "Rhine Rolling",
        member_id="m-rhine",
        applied_on=days(-600),
        first_certified_on=days(-400),
        facilities=[facility("Mill", "DE", "rolling")],
        certificate_status="suspended",
        audit_firm_id="firm-a",
        audit_firm_name="Firm A",
    )
    await programme.certification(
        "Rhine Extrusion",
        member_id="m-rhine",
        applied_on=days(-800),
        first_certified_on=days(-400),
        facilities=[facility("Press", "DE", "extrusion"), facility("Press 2", "PL", "extrusion")],
        external_certifications=1,
        certificate_kind="provisional",
        audit_firm_id="firm-b",
        audit_firm_name="Firm B",
    )
    await programme.certification(
        "Former Castings",
        member_id="m-former",
        applied_on=days(-700),
        first_certified_on=days(-400),
        facilities=[facility("Old", "FR")],
        phase="ended",
        certificate_status="withdrawn",
        external_certifications=1,
    )
    await programme.certification(
        "New Applicant", member_id="m-new", facilities=[facility("New", "BR")], **NOT_CERTIFIED
    )
    await programme.audit(one, "certification", days(-420))
    await programme.audit(two, "certification", days(-415))
    await programme.audit(two, "surveillance", days(-30))
    await programme.nonconformity(one, "5.1", "major", closed_on=days(-200))
    await programme.nonconformity(two, "5.1", "minor")
    await programme.nonconformity(two, "9.4", "major")

    m = (await http.get("/api/v1/metrics/programme", params={"standard": programme.standard})).json()

    assert (m["members"], m["certifications"], m["certified"]) == (4, 5, 3)
    assert m["median_days_to_certification"] == 250
    assert (m["leveraging_external"], round(m["leveraging_external_share"], 4)) == (2, 0.6667)
    assert [(c["certificate_status"], c["certificates"]) for c in m["certificates"]] == [
        ("active", 2),
        ("suspended", 1),
        ("withdrawn", 1),
    ]
    assert [(c["country"], c["facilities"], c["entities"], c["members"]) for c in m["countries"]] == [
        ("DE", 2, 2, 1),
        ("NO", 2, 1, 1),
        ("PL", 1, 1, 1),
    ]
    assert [(f["audit_firm_id"], f["certifications"], f["countries"]) for f in m["audit_firms"]] == [
        ("firm-a", 2, ["DE", "NO"]),
        ("firm-b", 1, ["DE", "PL"]),
    ]
    per_month: dict[tuple[str, str], int] = {}
    for day, kind in [(days(-420), "certification"), (days(-415), "certification"), (days(-30), "surveillance")]:
        month = day.isoformat()[:7]
        per_month[(month, kind)] = per_month.get((month, kind), 0) + 1
    assert {(a["month"], a["audit_type"]): a["audits"] for a in m["audits_per_month"]} == per_month
    assert [(n["criterion"], n["major"], n["minor"], n["open"]) for n in m["nonconformities"]] == [
        ("5.1", 1, 1, 1),
        ("9.4", 1, 0, 1),
    ]


async def test_programme_figures_of_an_empty_programme_are_zero_not_errors(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    m = (await http.get("/api/v1/metrics/programme", params={"standard": programme.standard})).json()
    assert (m["members"], m["certified"], m["leveraging_external_share"], m["median_days_to_certification"]) == (
        0,
        0,
        None,
        None,
    )
