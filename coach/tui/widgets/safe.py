"""Model output and materials as plain text: never markup, never terminal controls."""

from __future__ import annotations

from rich.text import Text

from coach.sanitise import sanitise


def plain(text: str) -> str:
    """The text through coach's one sanitiser: no control sequences, bidi or invisibles."""
    return sanitise(text)


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
        out.append(f"\n\n{plain(name)}\n", style="bold")
        out.append(plain(value))
    return out
