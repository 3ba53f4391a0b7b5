"""Horizontal bar charts drawn on the server as inline SVG: no script, no build step, and the
numbers are text in the picture, so a screen reader and a printout both get them."""

from collections.abc import Iterable
from dataclasses import dataclass

ROW_HEIGHT = 26
WIDTH = 480
LABEL_WIDTH = 150
BAR_SPACE = 270
"""The SVG viewBox: label, bar, and room for the value after the longest bar."""
LAYOUT = {"width": WIDTH, "label_x": LABEL_WIDTH - 8, "bar_x": LABEL_WIDTH}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    width: float
    y: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    unit: str

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT + 4

    @property
    def description(self) -> str:
        return "; ".join(f"{b.label}: {b.value:g}{self.unit}" for b in self.bars) or "no data"


def bar_chart(title: str, data: Iterable[tuple[str, float]], unit: str = "") -> BarChart:
    rows = list(data)
    top = max((value for _, value in rows), default=0)
    bars = tuple(
        Bar(label, value, round(value / top * BAR_SPACE, 1) if top else 0.0, i * ROW_HEIGHT + 2)
        for i, (label, value) in enumerate(rows)
    )
    return BarChart(title, bars, unit)
