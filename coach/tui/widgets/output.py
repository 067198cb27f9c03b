"""Streamed model output, shown as text as it arrives."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from coach import llm
from coach.tui.widgets.safe import plain


def usage_line(call: llm.CallResult) -> str:
    """Tokens and cost of one model call, in a line."""
    parts = []
    if call.usage is not None:
        parts.append(f"{call.usage.tokens_in} tokens in, {call.usage.tokens_out} out")
    if call.cost_usd is None:
        parts.append("cost unknown")
    elif call.cost_usd == 0:
        parts.append("$0.00")
    else:
        parts.append(f"${call.cost_usd:.4f}")
    return " · ".join(parts)


class OutputView(Static):
    """Accumulates streamed text; never interprets it as markup.

    Blind mode shows only progress while the answer streams. It is used for
    every attempt at an exercise that may plant a flaw, so that watching the
    real output stream cannot give a planted one away (and hiding it says
    nothing about this attempt). `mark` reveals what arrived: a cancelled or
    cut-off answer goes to no judgment.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.text = ""
        self.note = ""
        self.blind = False
        self.error: str | None = None  # why there is no answer, with the fix

    def reset(self, *, blind: bool = False) -> None:
        self.text, self.note, self.blind, self.error = "", "", blind, None
        self._show()

    def fail(self, reason: str) -> None:
        """No answer: say why (and the fix) where the output would be, until the next send.

        Whatever had streamed is dropped: it goes to no judgment, and showing a
        fragment of a possibly planted output would give it away.
        """
        self.error, self.blind = reason, False
        self._show()

    def append(self, piece: str) -> None:
        self.text += piece
        self._show()

    def mark(self, note: str) -> None:
        self.note, self.blind = note, False
        self._show()

    def _show(self) -> None:
        if self.error is not None:
            shown = Text("No answer: ", style="bold red")
            shown.append(plain(self.error))
            self.update(shown)
            return
        if self.blind:
            words = len(self.text.split())
            self.update(
                Text(
                    f"The model is answering… {words} words so far. You will see the "
                    "output when you judge it.",
                    style="italic",
                )
            )
            return
        shown = Text(plain(self.text))
        if self.note:
            shown.append(f"\n{self.note}", style="bold italic")
        self.update(shown)
