"""The learner's past attempts: a filterable table, and the full evidence of one.

Everything stored (prompts, outputs, reasons) is shown as plain text: control
sequences are stripped and Rich markup is never interpreted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Select, Static

from coach.sanitise import sanitise as clean_output  # one sanitiser: controls, bidi, invisibles
from coach.store import AttemptRecord
from coach.tui.widgets.footer import Footer


def as_text(value: object, style: str = "") -> Text:
    """Stored or model text as a Rich `Text`: no markup, no terminal control sequences."""
    return Text(clean_output("" if value is None else str(value)), style=style)


def _score(record: AttemptRecord) -> str:
    return "–" if record.output_score is None else f"{record.output_score:.0%}"


def _judged(record: AttemptRecord) -> str:
    if record.judgment_correct is None:
        return "–"
    return "✓" if record.judgment_correct else "✗"


def _title(session: Any, exercise_id: str) -> str:
    exercise = session.catalog.exercise(exercise_id)
    return exercise.title if exercise is not None else exercise_id


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class AttemptDetail(ModalScreen[None]):
    """Every piece of evidence of one attempt, as text."""

    DEFAULT_CSS = """
    AttemptDetail {
        align: center middle;
    }
    AttemptDetail > VerticalScroll {
        width: 96%;
        height: 94%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    AttemptDetail .heading {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    AttemptDetail .body {
        padding-left: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="history.detail.close"),
    ]

    def __init__(self, record: AttemptRecord, title: str) -> None:
        super().__init__()
        self.record = record
        self.exercise_title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield from self._sections()
        yield Footer()

    def _section(self, heading: str, body: Text) -> ComposeResult:
        yield Static(Text(heading), classes="heading")
        yield Static(body, classes="body")

    def _sections(self) -> ComposeResult:
        r = self.record
        when = r.finished_at.strftime("%Y-%m-%d %H:%M")
        head = as_text(self.exercise_title, "bold")
        head.append(
            f"\n{r.exercise_id} · level {r.exercise_level} · {r.kind} · {when}"
            + (" · placement" if r.placement else "")
            + (f" · model {clean_output(r.model)}" if r.model else "")
        )
        yield Static(head, id="detail-title")
        if r.prompt:
            yield from self._section("Prompt", as_text(r.prompt))
        yield from self._section("Output shown", as_text(r.output_shown or "(none)"))
        if r.trap is not None:
            trap = r.trap
            disclosure = as_text(
                "This output was a planted flaw: "
                + str(trap.get("description") or trap.get("name") or "a trap")
                + (f" ({trap['note']})" if trap.get("note") else "")
            )
            yield from self._section("Trap disclosed", disclosure)
        if r.real_output is not None and r.real_output != r.output_shown:
            yield from self._section("Real output", as_text(r.real_output))
        if r.checks:
            checks = Text()
            for check in r.checks:
                mark = "–" if check.get("unscored") else ("✓" if check.get("passed") else "✗")
                name = check.get("label") or f"the {check.get('grader', '?')} check"
                checks.append(f"{mark} ")
                checks.append_text(as_text(name, "bold"))
                checks.append(": ")
                checks.append_text(as_text(check.get("reason", "")))
                checks.append("\n")
            checks.rstrip()
            yield from self._section(f"Checks (score {_score(r)})", checks)
        judgment = r.judgment
        if judgment:
            said = "wrong" if judgment.get("verdict") == "wrong" else "acceptable"
            body = Text(f"{_judged(r)} You said {said}")
            confidence = judgment.get("confidence")
            if isinstance(confidence, int | float):
                body.append(f", {round(confidence * 100)} % sure")
            if judgment.get("line"):
                body.append(f", line {judgment['line']}")
            if judgment.get("error_kind"):
                body.append(", ")
                body.append_text(as_text(judgment["error_kind"]))
            body.append(".")
            if judgment.get("reason"):
                body.append("\n")
                body.append_text(as_text(judgment["reason"]))
            yield from self._section("Judgment", body)
        else:
            yield from self._section("Judgment", Text("No judgment for this attempt."))

    def action_close(self) -> None:
        self.dismiss(None)


class HistoryScreen(Screen[None]):
    """Past attempts, newest first, with a text filter and level/kind filters."""

    DEFAULT_CSS = """
    HistoryScreen #history-title {
        padding: 0 1;
        text-style: bold;
    }
    HistoryScreen #history-filters {
        height: auto;
    }
    HistoryScreen #history-filter {
        width: 1fr;
    }
    HistoryScreen #history-level {
        width: 19;
    }
    HistoryScreen #history-kind {
        width: 22;
    }
    HistoryScreen #history-table {
        height: 1fr;
    }
    HistoryScreen #history-empty {
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history.back"),
        Binding("slash", "focus_filter", "Filter", id="history.filter"),
        Binding("t", "focus_table", "Table", id="history.table", show=False),
    ]

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session
        self.records: list[AttemptRecord] = list(
            reversed(session.store.attempts(session.learner.id))
        )
        self.by_key: dict[str, AttemptRecord] = {str(r.id): r for r in self.records}

    def compose(self) -> ComposeResult:
        yield Static("History: every attempt, newest first", id="history-title")
        levels = sorted({r.exercise_level for r in self.records})
        kinds = sorted({r.kind for r in self.records})
        with Horizontal(id="history-filters"):
            yield Input(placeholder="Filter by text (/)", id="history-filter")
            yield Select(
                [(f"Level {n}", n) for n in levels], prompt="Any level", id="history-level"
            )
            yield Select([(k, k) for k in kinds], prompt="Any kind", id="history-kind")
        table: DataTable[Any] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="history-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_column("Date", key="date")
        table.add_column("Exercise", key="title")
        table.add_column("Lv", key="level")
        table.add_column("Kind", key="kind")
        table.add_column("Output", key="score")
        table.add_column("Judged", key="judged")
        table.add_column("Flaw", key="trap")  # a flaw was planted in what was shown
        self.refresh_rows()
        table.focus()

    def filtered(self) -> list[AttemptRecord]:
        """The attempts that pass the current filters, newest first."""
        needle = self.query_one("#history-filter", Input).value.strip().lower()
        level = self.query_one("#history-level", Select).value
        kind = self.query_one("#history-kind", Select).value
        shown = []
        for record in self.records:
            if level is not Select.NULL and record.exercise_level != level:
                continue
            if kind is not Select.NULL and record.kind != kind:
                continue
            if needle:
                haystack = " ".join(
                    [
                        record.exercise_id,
                        _title(self.session, record.exercise_id),
                        record.kind,
                        record.prompt or "",
                        record.output_shown or "",
                    ]
                ).lower()
                if needle not in haystack:
                    continue
            shown.append(record)
        return shown

    def refresh_rows(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.clear()
        rows = self.filtered()
        for r in rows:
            table.add_row(
                Text(r.finished_at.strftime("%Y-%m-%d %H:%M")),
                as_text(_short(_title(self.session, r.exercise_id), 26)),
                Text(str(r.exercise_level)),
                as_text(r.kind),
                Text(_score(r)),
                Text(_judged(r)),
                Text("yes" if r.trap is not None else "no"),
                key=str(r.id),
            )
        empty = self.query_one("#history-empty", Static)
        if not self.records:
            empty.update(Text("No attempts yet. Practise an exercise and it shows here."))
        elif not rows:
            empty.update(Text("No attempt matches these filters."))
        else:
            empty.update(Text(f"{len(rows)} of {len(self.records)} attempts · enter: details"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "history-filter":
            self.refresh_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "history-filter":
            self.query_one("#history-table", DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_rows()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key is not None and key in self.by_key:
            self.open_detail(self.by_key[key])

    def open_detail(self, record: AttemptRecord) -> None:
        self.app.push_screen(AttemptDetail(record, _title(self.session, record.exercise_id)))

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#history-table", DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
