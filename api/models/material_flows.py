"""Annual chain-of-custody material flows: each member's reported figures (for those who see
the certification), and the public aggregates (only where enough members report)."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel


class MaterialFlowItem(BaseModel):
    certification_id: str
    member_id: str
    member_name: str
    entity_name: str
    year: int
    category: str
    tonnes_in: Decimal
    tonnes_out: Decimal
    reported_at: datetime


class MaterialFlowPage(BaseModel):
    items: list[MaterialFlowItem]
    next_cursor: str | None


class PublicMaterialFlow(BaseModel):
    year: int
    category: str
    members: int
    """Distinct members whose figures make this total: never fewer than the threshold."""
    tonnes_in: Decimal
    tonnes_out: Decimal


class PublicMaterialFlows(BaseModel):
    items: list[PublicMaterialFlow]
    public_threshold: int
    """A year's category is shown only where at least this many members reported it."""
