"""Server-rendered bar charts: geometry computed here, drawn as SVG by the template (no JavaScript)."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH = 400
ROW = 44  # a label line above each bar keeps long names readable on a phone
BAR = 18
VALUE_ROOM = 150
LABEL_CHARS = 44  # the full label is in the text alternative and the table


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the value in words, and where it is drawn."""

    label: str
    text: str
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart with a title and a text alternative."""

    id: str
    title: str
    summary: str
    bars: tuple[Bar, ...]
    width: int = WIDTH

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW + 8


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float | None, str]]) -> Chart:
    """`items` are (label, value, value in words); bars scale to the largest value."""
    largest = max((value or 0 for _label, value, _text in items), default=0)
    room = WIDTH - VALUE_ROOM
    bars = tuple(Bar(label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…", text, i * ROW + 22, (value or 0) / largest * room if largest else 0)
                 for i, (label, value, text) in enumerate(items))
    summary = "; ".join(f"{label}: {text}" for label, _value, text in items)
    return Chart(chart_id, title, summary, bars)
