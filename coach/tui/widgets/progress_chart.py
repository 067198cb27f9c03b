"""Level and ability over time, drawn in plain text: one row per level, one column per attempt
(oldest on the left; seven rows in all, the first a summary and key).

Ability (the engine's estimate, on the level scale) is a bar in eighths of a
row; the level the engine has placed you at is the highlighted row of each
column (a `━` where the bar is lower). Many attempts are sampled to fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from coach.runtime.home_view import Point

EMPTY = "No attempts yet: your level and ability will show here."
EIGHTHS = " ▁▂▃▄▅▆▇█"
LABEL = 5  # "L6 │"
ABILITY_STYLE = "cyan"
LEVEL_STYLE = "bold yellow"


def sample(points: Sequence[Point], columns: int) -> list[Point]:
    """At most `columns` points: the last of each of `columns` equal runs, always the latest."""
    n = len(points)
    if n <= columns:
        return list(points)
    return [points[((i + 1) * n) // columns - 1] for i in range(columns)]


def bar_cell(ability: float, row: int) -> str:
    """The part of row `row` (spanning row-0.5..row+0.5) under a bar of height `ability`."""
    filled = ability - (row - 0.5)
    if filled <= 0:
        return " "
    if filled >= 1:
        return EIGHTHS[-1]
    return EIGHTHS[round(filled * 8)]


def render_chart(points: Sequence[Point], width: int, levels: int = 6) -> Text:
    if not points:
        return Text(EMPTY, style="dim")
    latest = points[-1]
    plot = max(4, width - LABEL)
    shown = sample(points, plot)
    step = max(1, min(3, plot // len(shown)))
    text = Text()
    now = "placing" if latest.level is None else f"level {latest.level}"
    text.append(f"Now: {now} · ability {latest.ability:.1f}", style="bold")
    text.append(f" · {len(points)} attempt{'s' if len(points) != 1 else ''}   ")
    text.append("█", style=ABILITY_STYLE)
    text.append(" ability ")
    text.append("━", style=LEVEL_STYLE)
    text.append(" level")
    for row in range(levels, 0, -1):
        text.append(f"\nL{row} │ ", style="dim")
        # One span per run of a style, not per cell: hundreds of spans make every
        # repaint of Home slow.
        run: list[str] = []
        run_style = ABILITY_STYLE
        for point in shown:
            ability = min(max(point.ability, 0.5), levels + 0.5)
            cell = bar_cell(ability, row)
            style = LEVEL_STYLE if point.level == row else ABILITY_STYLE
            if style == LEVEL_STYLE and cell == " ":
                cell = "━"
            if style != run_style and run:
                text.append("".join(run), style=run_style)
                run = []
            run_style = style
            run.append(cell * step)
        if run:
            text.append("".join(run), style=run_style)
    return text


class ProgressChart(Widget):
    DEFAULT_CSS = """
    ProgressChart {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.points: list[Point] = []
        self._drawn: tuple[int, Text] | None = None

    def set_points(self, points: Sequence[Point]) -> None:
        self.points = list(points)
        self._drawn = None
        self.refresh(layout=True)

    def render(self) -> Text:
        width = self.size.width or 76
        # Layout asks for the same chart several times (height, then paint).
        if self._drawn is None or self._drawn[0] != width:
            self._drawn = (width, render_chart(self.points, width))
        return self._drawn[1]
