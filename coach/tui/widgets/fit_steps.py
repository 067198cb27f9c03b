"""The fit steps: one table, one set of keys, in practice and in the placement.

d delegate, v verify, h keep human on the cursor's step (the cursor then moves
on); ↑↓ move; PageUp/PageDown move a screenful. The table grows with its rows
inside a scrolling container, so the cursor row is scrolled into that
container's view after every move: the learner always sees the step the next
key answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.widgets import DataTable

from coach.tui.widgets.safe import plain

FIT_KEYS = {"d": "delegate", "v": "verify", "h": "human"}
SHOWN = {"delegate": "delegate", "verify": "verify", "human": "keep human"}
FIT_HELP = "On a step: d delegate, v verify, h keep human (↑↓ PgUp PgDn move)."


def missing_text(missing: Sequence[tuple[int, str]]) -> str:
    """'Step 3 (Check the totals) still needs an answer', or the steps that do."""
    named = [f"{number} ({_short(text)})" for number, text in missing]
    if len(named) == 1:
        return f"Step {named[0]} still needs an answer."
    listed = ", ".join(named[:-1]) + f" and {named[-1]}"
    return f"Steps {listed} still need an answer."


def _short(text: str, width: int = 40) -> str:
    text = " ".join(plain(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


class FitSteps(DataTable[Any]):
    """The steps of a fit exercise and the learner's call on each."""

    DEFAULT_CSS = """
    FitSteps {
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"choose('{choice}')", SHOWN[choice].capitalize(), id=f"fit.{choice}")
            for key, choice in FIT_KEYS.items()
        ),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def __init__(self, *, id: str | None = None, width: int = 52) -> None:
        super().__init__(id=id, cursor_type="row")
        self.step_width = width
        self.steps: list[Any] = []
        self.answers: dict[str, str] = {}

    def on_mount(self) -> None:
        self.add_column("Step", key="step", width=self.step_width)
        self.add_column("Your call", key="choice", width=10)

    def load(self, steps: Sequence[Any], answers: dict[str, str] | None = None) -> None:
        """Show these steps (and any answers already given), cursor on the first."""
        self.steps = list(steps)
        self.answers = dict(answers or {})
        self.clear()
        for number, step in enumerate(self.steps, start=1):
            call = SHOWN.get(self.answers.get(step.id, ""), "?")
            self.add_row(
                Text(f"{number}. {plain(step.text)}"), Text(call), key=step.id, height=None
            )
        if self.steps:
            self.move_cursor(row=0)

    def missing(self) -> list[tuple[int, str]]:
        """The unanswered steps: (number, text)."""
        return [
            (number, step.text)
            for number, step in enumerate(self.steps, start=1)
            if step.id not in self.answers
        ]

    def action_choose(self, choice: str) -> None:
        if not self.steps:
            return
        step = self.steps[self.cursor_row]
        self.answers[step.id] = choice
        self.update_cell(step.id, "choice", Text(SHOWN[choice]))
        self.post_message(self.Answered(self))
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)

    class Answered(Message):
        """A step was answered (for help lines that count them)."""

        def __init__(self, steps: FitSteps) -> None:
            super().__init__()
            self.steps = steps

    # --- keeping the cursor in view ------------------------------------------

    def watch_cursor_coordinate(self, old: Any, new: Any) -> None:
        super().watch_cursor_coordinate(old, new)
        self.call_after_refresh(self.reveal_cursor)

    def reveal_cursor(self) -> None:
        """Scroll the container that holds this (height: auto) table to the cursor row."""
        container = self.parent
        if container is None or not self.row_count or not hasattr(container, "scroll_to_region"):
            return
        row = self._get_row_region(self.cursor_row)
        top = self.virtual_region.y + row.y - self.scroll_offset.y  # the table may scroll too
        container.scroll_to_region(Region(0, top, 1, max(row.height, 1)), animate=False, force=True)

    def _page_rows(self) -> int:
        """How many rows from the cursor fill the container's visible height."""
        container = self.parent
        height = getattr(getattr(container, "scrollable_content_region", None), "height", 0)
        rows, used = 0, 0
        for index in range(self.cursor_row, self.row_count):
            used += max(self._get_row_region(index).height, 1)
            if used > max(height - self.header_height, 1):
                break
            rows += 1
        return max(rows, 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=min(self.cursor_row + self._page_rows(), self.row_count - 1))

    def action_page_up(self) -> None:
        self.move_cursor(row=max(self.cursor_row - self._page_rows(), 0))
