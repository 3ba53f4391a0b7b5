"""Chain-of-custody material flows: the tonnes of each material category a certified entity
took in and gave out in a calendar year, reported once the year is over."""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class MaterialCategory(StrEnum):
    BAUXITE = "bauxite"
    ALUMINA = "alumina"
    PRIMARY_ALUMINIUM = "primary-aluminium"
    PRE_CONSUMER_SCRAP = "pre-consumer-scrap"
    POST_CONSUMER_SCRAP = "post-consumer-scrap"
    SEMI_FABRICATED_PRODUCTS = "semi-fabricated-products"
    FINISHED_PRODUCTS = "finished-products"


_KILOGRAM = Decimal("0.001")


def _to_the_kilogram(tonnes: Decimal) -> Decimal:
    # One spelling per amount ("1E+3", "1000" and "-0" become "1000.000" and "0.000"), as
    # the read model's numeric(15, 3) gives it back.
    return abs(tonnes).quantize(_KILOGRAM)


Tonnes = Annotated[Decimal, Field(ge=0, lt=Decimal(10**12), decimal_places=3), AfterValidator(_to_the_kilogram)]
"""Metric tonnes to the kilogram; Decimal, so sums over many reports are exact."""


class MaterialFlow(BaseModel):
    """One category's tonnes in and out over the year."""

    model_config = ConfigDict(frozen=True)

    category: MaterialCategory
    tonnes_in: Tonnes
    tonnes_out: Tonnes
