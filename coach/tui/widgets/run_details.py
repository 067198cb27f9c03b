"""What a multi-step run did, as text: per-input results, an agent's trace, eval variants.

Everything here came from a model or the learner, so it is shown literally
(`plain`, never markup), and long values are cut to keep the screen readable.
"""

from __future__ import annotations

import json
from typing import Any

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Collapsible, Static

from coach.tui.widgets.safe import plain

RESULT_CHARS = 160  # characters of a tool result in the trace
ARGUMENT_CHARS = 80


def short(text: Any, limit: int) -> str:
    """One line of at most `limit` characters."""
    flat = " ".join(plain(str(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def failing_checks(entry: dict[str, Any]) -> list[str]:
    names = [
        str(check.get("name") or check.get("label") or "check")
        for check in entry.get("checks") or []
        if not check.get("passed") and not check.get("unscored")
    ]
    if entry.get("error"):
        names.append(str(entry["error"]))
    return names


def inputs_table(details: dict[str, Any]) -> Text:
    """id, passed, score and failing checks for each hidden input."""
    entries = details.get("inputs") or []
    width = max([len(plain(str(e.get("id", "")))) for e in entries] + [5])
    out = Text()
    out.append(f"{'input':<{width}}  passed  score  failing checks", style="bold")
    for entry in entries:
        passed = bool(entry.get("passed"))
        score = entry.get("score")
        shown = "-" if score is None else f"{score:.0%}"
        failing = "; ".join(plain(name) for name in failing_checks(entry)) or "-"
        out.append(f"\n{plain(str(entry.get('id', ''))):<{width}}  ")
        out.append(f"{'✓ yes' if passed else '✗ no':<6}", style="green" if passed else "red")
        out.append(f"  {shown:>5}  {failing}")
    rate = details.get("pass_rate")
    required = details.get("required_pass_rate")
    if rate is not None and required is not None:
        out.append(f"\n\nPassed {rate:.0%} of inputs; {required:.0%} needed.", style="italic")
    return out


def steps_text(entry: dict[str, Any]) -> Text:
    """Each step's output on one input, in order."""
    out = Text()
    for step in entry.get("steps") or []:
        if out:
            out.append("\n\n")
        out.append(f"{plain(str(step.get('name', '')))}\n", style="bold")
        out.append(plain(str(step.get("output", ""))))
    if entry.get("error"):
        out.append("\n\n" if out else "")
        out.append(plain(str(entry["error"])), style="italic")
    return out or Text("(no step ran)", style="italic")


def trace_text(details: dict[str, Any]) -> Text:
    """The agent's tool calls: step, tool, arguments, ok, result (cut)."""
    trace = details.get("trace") or []
    out = Text()
    out.append("Agent trace", style="bold")
    if not trace:
        out.append("\nNo tool was called.")
    for number, entry in enumerate(trace, start=1):
        step = entry.get("step", number)
        ok = bool(entry.get("ok"))
        arguments = entry.get("arguments") or {}
        try:
            shown = json.dumps(arguments, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            shown = str(arguments)
        out.append(f"\n{step:>2}. {plain(str(entry.get('tool', '?')))}")
        out.append(f" {short(shown, ARGUMENT_CHARS)} ")
        out.append("ok" if ok else "refused/failed", style="green" if ok else "red")
        out.append(f"\n    → {short(entry.get('result', ''), RESULT_CHARS)}", style="dim")
    return out


def variants_text(details: dict[str, Any]) -> Text:
    """Which planted bugs the cases caught, which they missed, and reference failures."""
    out = Text()
    failing = [
        str(result.get("case", ""))
        for result in details.get("reference") or []
        if not result.get("passed")
    ]
    out.append("On the reference system", style="bold")
    if failing:
        out.append(f"\n✗ these cases fail on the correct system: {plain(', '.join(failing))}")
    else:
        out.append("\n✓ every case passes on the correct system")
    out.append("\n\nBuggy variants", style="bold")
    for variant in details.get("variants") or []:
        caught = [str(case) for case in variant.get("caught_by") or []]
        name = plain(str(variant.get("id", "")))
        if caught:
            out.append(f"\n✓ caught {name}", style="green")
            out.append(f" by {plain(', '.join(caught))}")
        else:
            out.append(f"\n✗ missed {name}", style="red")
        out.append(f"\n    {plain(str(variant.get('description', '')))}", style="dim")
    return out


class RunDetails(Vertical):
    """The details of a multi-step attempt, by kind."""

    DEFAULT_CSS = """
    RunDetails {
        height: auto;
        margin-top: 1;
    }
    RunDetails Collapsible {
        padding-left: 0;
    }
    """

    def __init__(self, kind: str, details: dict[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = str(kind)
        self.details = details

    def compose(self) -> ComposeResult:
        details = self.details
        if self.kind == "agent":
            yield Static(trace_text(details), id="run-trace", markup=False)
        elif self.kind == "evals":
            yield Static(variants_text(details), id="run-variants", markup=False)
        elif details.get("inputs") is not None:
            yield Static(inputs_table(details), id="run-inputs", markup=False)
            if self.kind == "pipeline":
                for entry in details["inputs"]:
                    title = escape(f"Steps on input {plain(str(entry.get('id', '')))}")
                    with Collapsible(title=title, collapsed=True, classes="run-steps"):
                        yield Static(steps_text(entry), markup=False, classes="run-step-outputs")


def judged_context(details: dict[str, Any]) -> Text | None:
    """Which hidden input the judged output answers (instructions and pipelines)."""
    shown = details.get("shown") or {}
    index = shown.get("index")
    inputs = details.get("inputs") or []
    if index is None or not 0 <= index < len(inputs):
        return None
    entry = inputs[index]
    out = Text()
    out.append(f"Hidden input {plain(str(entry.get('id', '')))}", style="bold")
    out.append(f" (one of {len(inputs)}; the others are graded in feedback)\n", style="dim")
    out.append(plain(str(entry.get("input", ""))))
    return out
