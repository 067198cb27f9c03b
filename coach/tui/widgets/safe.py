"""Model output and materials as plain text: never markup, never terminal controls."""

from __future__ import annotations

import re

from rich.text import Text

from coach.llm import clean_output

# Bidi embeddings, overrides and isolates: they can make text read other than it is.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """The text without control sequences or bidi controls."""
    return _BIDI.sub("", clean_output(text))


def safe_text(text: str, style: str = "") -> Text:
    """A Rich Text of `text` taken literally (`[bold]` stays `[bold]`)."""
    return Text(plain(text), style=style)


def numbered(text: str) -> Text:
    """The text with 1-based line numbers, for judging and pinpointing a line."""
    lines = plain(text).split("\n")
    width = len(str(len(lines)))
    out = Text()
    for number, line in enumerate(lines, start=1):
        out.append(f"{number:>{width}} │ ", style="dim")
        out.append(line)
        if number < len(lines):
            out.append("\n")
    return out


def materials_text(exercise: object) -> Text:
    """The brief and the materials, each under its name, as text."""
    out = Text()
    out.append(plain(getattr(exercise, "brief", "")))
    for name, value in getattr(exercise, "materials", {}).items():
        out.append(f"\n\n{name}\n", style="bold")
        out.append(plain(value))
    return out
