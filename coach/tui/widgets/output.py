"""Streamed model output, shown as text as it arrives."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from coach.tui.widgets.safe import plain


class OutputView(Static):
    """Accumulates streamed text; never interprets it as markup."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.text = ""
        self.note = ""

    def reset(self) -> None:
        self.text, self.note = "", ""
        self._show()

    def append(self, piece: str) -> None:
        self.text += piece
        self._show()

    def mark(self, note: str) -> None:
        self.note = note
        self._show()

    def _show(self) -> None:
        shown = Text(plain(self.text))
        if self.note:
            shown.append(f"\n{self.note}", style="bold italic")
        self.update(shown)
