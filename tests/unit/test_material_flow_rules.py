"""Chain-of-custody material flows: a certified member reports each year's flows once the
year is over, for a year it held a certificate, once."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import commands as cmd
from domain.audits import AuditType
from domain.errors import NotPermitted, RuleViolation
from domain.materials import MaterialCategory, MaterialFlow
from tests.scenario import AUDITOR, EPOCH, MEMBER, OTHER_MEMBER, Story, flows

SCRAP, ALUMINIUM = MaterialCategory.POST_CONSUMER_SCRAP, MaterialCategory.PRIMARY_ALUMINIUM


async def certified(story: Story, standard: str = "ASI-CoC") -> None:
    """Certified from 2040-01-11 to 2043-01-11; now 2041-02-01."""
    await story.admit(standard=standard)
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    await story.on(date(2041, 2, 1))


async def test_a_certified_member_reports_last_years_material_flows(story: Story) -> None:
    await certified(story)
    [reported] = await story.report_flows(2040, flows(ALUMINIUM, SCRAP))
    assert reported.type == "MaterialFlowReported"
    assert reported.year == 2040
    assert [(f.category, f.tonnes_in, f.tonnes_out) for f in reported.flows] == [
        (ALUMINIUM, Decimal("100.000"), Decimal("90.500")),
        (SCRAP, Decimal("100.000"), Decimal("90.500")),
    ]
    assert (await story.state()).material_flow_years == (2040,)


async def test_a_member_reports_material_flows_once_a_year(story: Story) -> None:
    await certified(story)
    await story.report_flows(2040)
    with pytest.raises(
        RuleViolation, match="material-flow.once-a-year: the material flows of 2040 are already reported"
    ):
        await story.report_flows(2040, flows(SCRAP))


async def test_only_the_certifications_own_member_reports_material_flows(story: Story) -> None:
    await certified(story)
    with pytest.raises(NotPermitted, match="access.own-organisation: only member nordic-alu may report material flows"):
        await story.report_flows(2040, actor=OTHER_MEMBER)
    with pytest.raises(NotPermitted, match="access.role: an auditor may not report material flows"):
        await story.report_flows(2040, actor=AUDITOR)


@pytest.mark.parametrize("standard", ["ASI-PS", "ISO-14001"])
async def test_only_chain_of_custody_certifications_report_material_flows(story: Story, standard: str) -> None:
    await certified(story, standard)
    with pytest.raises(RuleViolation, match=f"material-flow.standard: .* asks no material-flow reports of {standard}"):
        await story.report_flows(2040)


async def test_material_flows_are_reported_once_the_year_is_over(story: Story) -> None:
    await certified(story)
    with pytest.raises(RuleViolation, match="material-flow.year-ended: 2041 is not over: report its flows from 2042"):
        await story.report_flows(2041)


async def test_material_flows_are_reported_for_a_year_the_entity_held_a_certificate(story: Story) -> None:
    await certified(story)
    with pytest.raises(RuleViolation, match="material-flow.certified-that-year: .* held no valid certificate in 2039"):
        await story.report_flows(2039)


async def test_an_entity_not_yet_certified_reports_no_material_flows(story: Story) -> None:
    await story.admit(standard="ASI-CoC")
    await story.on(date(2041, 2, 1))
    with pytest.raises(RuleViolation, match="material-flow.certified-that-year"):
        await story.report_flows(2040)


def test_a_report_names_each_material_category_once() -> None:
    with pytest.raises(ValidationError, match="each material category is reported once"):
        cmd.ReportMaterialFlow(actor=MEMBER, year=2040, flows=flows(SCRAP, SCRAP))
    with pytest.raises(ValidationError, match="flows"):
        cmd.ReportMaterialFlow(actor=MEMBER, year=2040, flows=())


@pytest.mark.parametrize("year", [1999, 2201])
def test_a_report_is_for_a_plausible_year(year: int) -> None:
    with pytest.raises(ValidationError, match="year"):
        cmd.ReportMaterialFlow(actor=MEMBER, year=year, flows=flows())


@pytest.mark.parametrize("tonnes", ["-0.001", "1.0001", "NaN", "1e12"])
def test_tonnes_are_not_negative_and_counted_to_the_kilogram(tonnes: str) -> None:
    with pytest.raises(ValidationError, match="tonnes_in"):
        MaterialFlow(category=SCRAP, tonnes_in=tonnes, tonnes_out=0)


def test_tonnes_have_one_spelling_whatever_the_input() -> None:
    flow = MaterialFlow(category=SCRAP, tonnes_in="1e3", tonnes_out="-0")
    assert flow.model_dump(mode="json") == {
        "category": "post-consumer-scrap",
        "tonnes_in": "1000.000",
        "tonnes_out": "0.000",
    }
