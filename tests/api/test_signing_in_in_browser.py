"""Signing in with the password form in headless Chromium: each kind of organisation lands on
its own home page, its header names the person and offers only its own pages; outside them,
a 403 page that leads back home; a wrong password is shown as the problem."""

import pytest
from playwright.async_api import Page, expect

from domain.actors import Actor
from tests.api.conftest import Tab
from tests.people import PASSWORD
from tests.scenario import AUDITOR, MEMBER, SECRETARIAT


async def sign_in(page: Page, base_url: str, user_id: str, password: str) -> None:
    await page.goto(f"{base_url}/login")
    await page.get_by_label("User id").fill(user_id)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize(
    ("actor", "home", "links", "organisation"),
    [
        (
            SECRETARIAT,
            "Overview",
            ["Overview", "Certifications", "Programme", "Deliveries", "Public register"],
            "Aluminium Stewardship Initiative",
        ),
        (MEMBER, "Your certifications", ["Your certifications", "Public register"], "Nordic Aluminium"),
        (AUDITOR, "Worklist", ["Worklist", "Public register"], "Firm A Assurance"),
    ],
)
async def test_signing_in_lands_each_kind_of_organisation_on_its_own_home_page(
    tab: Tab, base_url: str, actor: Actor, home: str, links: list[str], organisation: str
) -> None:
    page = await tab(None)

    await sign_in(page, base_url, actor.user_id, PASSWORD)

    await expect(page).to_have_title(f"{home} · certflow")
    await expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(links)
    await expect(page.locator("header .who")).to_contain_text(f"{actor.user_id.title()} · {organisation}")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_title("Sign in · Certification register")
    await page.goto(f"{base_url}/")
    await expect(page).to_have_title("Sign in · Certification register")


async def test_a_wrong_password_is_shown_as_the_problem(tab: Tab, base_url: str) -> None:
    page = await tab(None)

    await sign_in(page, base_url, MEMBER.user_id, "not the password")

    await expect(page.get_by_role("alert")).to_have_text("Unknown user or wrong password.")
    await expect(page.get_by_label("User id")).to_be_visible()


@pytest.mark.parametrize(
    ("actor", "path", "home"),
    [
        (MEMBER, "/", "your certifications"),
        (MEMBER, "/worklist", "your certifications"),
        (AUDITOR, "/certifications", "worklist"),
        (AUDITOR, "/member", "worklist"),
        (SECRETARIAT, "/member", "overview"),
        (SECRETARIAT, "/worklist", "overview"),
    ],
)
async def test_another_kind_of_organisations_page_is_a_403_page_leading_back_home(
    tab: Tab, base_url: str, actor: Actor, path: str, home: str
) -> None:
    page = await tab(actor)

    answer = await page.goto(f"{base_url}{path}")

    assert answer is not None and answer.status == 403
    await expect(page.get_by_role("alert")).to_contain_text("only ")
    await expect(page.locator("main").get_by_role("link")).to_have_text([f"Back to {home}"])
    if actor != SECRETARIAT:
        await expect(page.get_by_role("link", name="Overview")).to_have_count(0)


async def test_an_unknown_page_is_a_404_page_that_still_knows_who_is_signed_in(tab: Tab, base_url: str) -> None:
    page = await tab(MEMBER)

    answer = await page.goto(f"{base_url}/no-such-page")

    assert answer is not None and answer.status == 404
    await expect(page.locator("header .who")).to_contain_text("Maria · Nordic Aluminium")
    await expect(page.locator("main").get_by_role("link")).to_have_text(["Back to your certifications"])
