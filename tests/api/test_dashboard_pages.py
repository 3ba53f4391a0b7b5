"""The dashboard's pages over HTTP: each renders with its title, errors come as pages."""

import httpx
import pytest

from tests.api.factories import Programme, at, days


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Overview"),
        ("/certifications", "Certifications"),
        ("/programme", "Programme"),
        ("/register", "Certified entities"),
    ],
)
async def test_each_page_renders_with_its_own_title(
    http: httpx.AsyncClient, programme: Programme, path: str, title: str
) -> None:
    await programme.certification("Page Works")
    response = await http.get(path, params={"standard": programme.standard})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f"<title>{title} ·" in response.text
    assert programme.standard in response.text


async def test_an_unknown_certification_page_is_a_404_page(http: httpx.AsyncClient) -> None:
    response = await http.get("/certifications/nobody")
    assert response.status_code == 404
    assert "<title>Not found" in response.text and "no certification nobody" in response.text


async def test_a_bad_filter_on_a_page_names_the_field_on_a_page(http: httpx.AsyncClient) -> None:
    response = await http.get("/certifications", params={"country": "Germany"})
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"] and "country:" in response.text


async def test_a_bad_filter_on_the_public_register_does_not_lead_into_the_dashboard(http: httpx.AsyncClient) -> None:
    response = await http.get("/register", params={"country": "Germany"})
    assert response.status_code == 422
    assert "country:" in response.text and "/programme" not in response.text


async def test_the_stylesheet_is_served_locally(http: httpx.AsyncClient) -> None:
    page = await http.get("/")
    assert "https://" not in page.text  # offline machines: no CDN
    assert (await http.get("/static/style.css")).status_code == 200


async def test_the_overview_previews_the_oldest_reports_and_links_to_the_whole_review_queue(
    http: httpx.AsyncClient, programme: Programme
) -> None:
    for n in range(23):
        certification_id = await programme.certification(f"Reviewed {n:02d}")
        await programme.audit(
            certification_id,
            "certification",
            days(-40),
            status="report-submitted",
            report_submitted_at=at(days(-30 + n)),
        )
    overview = (await http.get("/", params={"standard": programme.standard})).text
    assert "<dd>23</dd>" in overview
    assert "Reviewed 00" in overview and "Reviewed 19" in overview and "Reviewed 20" not in overview
    assert "All 23 reports awaiting review" in overview
    queue = await http.get("/review-queue", params={"standard": programme.standard})
    assert queue.status_code == 200 and "<title>Review queue ·" in queue.text
    assert "23 reports" in queue.text and "Reviewed 22" in queue.text
