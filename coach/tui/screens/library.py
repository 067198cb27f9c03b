"""The library: every exercise and family, filterable, with a preview; open any one.

The catalog and the learner's history are read in a thread worker (the
history is a database read); opening an exercise posts `Practise` to the
app, and a family draws a fresh instance first (also off the UI thread).
Everything from a pack is shown as text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Select, Static

from coach.content.families import parse_family_id
from coach.content.families.ids import family_item_id, parse_instance_id
from coach.engine.evidence import passed
from coach.runtime.evidence import evidence_of
from coach.runtime.instances import draw_instance
from coach.runtime.session import PLAYABLE
from coach.store.records import AttemptRecord
from coach.tui.messages import Practise
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.safe import plain

Status = Literal["new", "passed", "failed"]
STATUSES: tuple[Status, ...] = ("new", "passed", "failed")
PREVIEW_CHARS = 150  # about two lines at 80 columns: the title and skills fit too


@dataclass(frozen=True)
class LibraryEntry:
    """One row of the library: an exercise, or a family (a fresh instance each time)."""

    key: str  # the exercise id, or the family's item id (`fam.x`)
    title: str
    kind: str
    level: int
    skills: tuple[str, ...]
    status: Status
    own: bool = False  # the learner's own exercise: practice, never counted
    family: bool = False


def record_key(exercise_id: str) -> str:
    """What an attempt counts towards in the library: its exercise, or its family."""
    ref = parse_instance_id(exercise_id)
    return family_item_id(ref.family) if ref is not None else exercise_id


def statuses(records: list[AttemptRecord]) -> dict[str, Status]:
    """Passed if any attempt passed, failed if tried and never passed (absent: new)."""
    found: dict[str, Status] = {}
    for record in records:
        key = record_key(record.exercise_id)
        if passed(evidence_of(record)):
            found[key] = "passed"
        else:
            found.setdefault(key, "failed")
    return found


def library_entries(catalog: Any, records: list[AttemptRecord]) -> list[LibraryEntry]:
    """Every playable exercise and family in the catalog, by level then title."""
    status = statuses(records)
    entries = [
        LibraryEntry(
            key=loaded.exercise.id,
            title=loaded.exercise.title,
            kind=str(loaded.exercise.kind),
            level=loaded.exercise.level,
            skills=tuple(loaded.exercise.skills),
            status=status.get(loaded.exercise.id, "new"),
            own=loaded.private,
        )
        for loaded in catalog.exercises
        if loaded.exercise.kind in PLAYABLE
    ]
    for family in catalog.families:
        if family.kind not in PLAYABLE:
            continue
        entries.append(
            LibraryEntry(
                key=family.item_id,
                title=family.title,
                kind=str(family.kind),
                level=family.level,
                skills=tuple(family.skills or family.generate(0).exercise.skills),
                status=status.get(family.item_id, "new"),
                family=True,
            )
        )
    return sorted(entries, key=lambda e: (e.level, e.family, e.title.casefold()))


def matches(
    entry: LibraryEntry, level: object, kind: object, skill: object, status: object
) -> bool:
    """Whether `entry` passes the filters (Select.NULL: any)."""
    return (
        (level is Select.NULL or entry.level == level)
        and (kind is Select.NULL or entry.kind == kind)
        and (skill is Select.NULL or skill in entry.skills)
        and (status is Select.NULL or entry.status == status)
    )


def preview_text(entry: LibraryEntry, exercise: Any | None) -> Text:
    """A short preview: the first lines of the brief, the skills, what kind of item it is."""
    text = Text(plain(entry.title), style="bold")
    facts = [f"level {entry.level}", entry.kind, entry.status]
    if entry.family:
        facts.append("new materials each time")
    if entry.own:
        facts.append("your own: practice only")
    text.append(f"  ({', '.join(facts)})", style="dim")
    if exercise is not None:
        brief = " ".join(plain(exercise.brief).split())
        if len(brief) > PREVIEW_CHARS:
            brief = brief[:PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
        text.append("\n" + brief)
    if entry.skills:
        text.append(f"\nSkills: {plain(', '.join(entry.skills))}", style="dim")
    return text


class LibraryScreen(Screen[None]):
    """Browse, filter, preview and open any exercise (Enter)."""

    DEFAULT_CSS = """
    #library-filters {
        height: 3;
    }
    #library-filters Select {
        width: 1fr;
    }
    #library-table {
        height: 1fr;
    }
    #library-preview {
        height: 6;
        padding: 0 1;
        border-top: solid $primary;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="library.back"),
        Binding("enter", "open", "Practise", id="library.open"),
        Binding("t", "focus_table", "Table", id="library.table"),
        Binding("c", "clear", "Clear filters", id="library.clear"),
    ]

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session
        self.entries: list[LibraryEntry] = []
        self.records: list[AttemptRecord] = []
        self.shown: list[LibraryEntry] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="library-filters"):
            yield Select([], prompt="Any level", id="library-level")
            yield Select([], prompt="Any kind", id="library-kind")
            yield Select([], prompt="Any skill", id="library-skill")
            yield Select([(s, s) for s in STATUSES], prompt="Any status", id="library-status")
        table: DataTable[str] = DataTable(id="library-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("Reading the library…", id="library-preview", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Library"
        self.sub_title = "Enter practises the highlighted exercise"
        table = self.query_one("#library-table", DataTable)
        table.add_column("Lv", key="level")
        table.add_column("Kind", key="kind")
        table.add_column("Status", key="status")
        table.add_column("Exercise", key="title")
        table.focus()
        self.run_worker(self._load, thread=True, group="library", exclusive=True)

    def on_screen_resume(self) -> None:
        if self.loaded:  # back from practice: the statuses may have changed
            self.run_worker(self._load, thread=True, group="library", exclusive=True)

    def _load(self) -> None:
        records = self.session.history()
        entries = library_entries(self.session.catalog, records)
        self.app.call_from_thread(self._loaded, entries, records)

    def _loaded(self, entries: list[LibraryEntry], records: list[AttemptRecord]) -> None:
        self.entries, self.records, self.loaded = entries, records, True
        levels = sorted({e.level for e in entries})
        kinds = sorted({e.kind for e in entries})
        skills = sorted({s for e in entries for s in e.skills})
        options: dict[str, list[tuple[str, object]]] = {
            "level": [(f"Level {n}", n) for n in levels],
            "kind": [(k, k) for k in kinds],
            "skill": [(plain(s), s) for s in skills],
        }
        for name, choices in options.items():
            select = self.query_one(f"#library-{name}", Select)
            kept = select.value  # back from practice: the filters stay as they were
            with self.prevent(Select.Changed):
                select.set_options(choices)
                if any(value == kept for _, value in choices):
                    select.value = kept
        self.refresh_rows()

    def filters(self) -> tuple[object, object, object, object]:
        return (
            self.query_one("#library-level", Select).value,
            self.query_one("#library-kind", Select).value,
            self.query_one("#library-skill", Select).value,
            self.query_one("#library-status", Select).value,
        )

    def refresh_rows(self) -> None:
        level, kind, skill, status = self.filters()
        self.shown = [e for e in self.entries if matches(e, level, kind, skill, status)]
        table = self.query_one("#library-table", DataTable)
        table.clear()
        for entry in self.shown:
            title = plain(entry.title) + (" (family)" if entry.family else "")
            if entry.own:
                title += " (yours)"
            table.add_row(str(entry.level), entry.kind, entry.status, title, key=entry.key)
        if self.shown:
            table.move_cursor(row=0)
            self.show_preview(self.shown[0])
        else:
            self.query_one("#library-preview", Static).update(
                "No exercise matches these filters: press c to clear them."
            )

    def current(self) -> LibraryEntry | None:
        table = self.query_one("#library-table", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def exercise_of(self, entry: LibraryEntry) -> Any | None:
        """The exercise to preview: the exercise, or a family's first instance."""
        if not entry.family:
            return self.session.catalog.exercise(entry.key)
        return self.session.catalog.exercise(_first_instance(self.session.catalog, entry.key))

    def show_preview(self, entry: LibraryEntry) -> None:
        preview = preview_text(entry, self.exercise_of(entry))
        self.query_one("#library-preview", Static).update(preview)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = self.current()
        if entry is not None:
            self.show_preview(entry)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.loaded:
            self.refresh_rows()

    def action_open(self) -> None:
        entry = self.current()
        if entry is None:
            return
        if not entry.family:
            exercise = self.session.catalog.exercise(entry.key)
            if exercise is not None:
                self.app.post_message(Practise(exercise))
            return
        self.run_worker(lambda: self._draw(entry.key), thread=True, group="library-draw")

    def _draw(self, item_id: str) -> None:
        """A fresh instance of the family (one the learner has never had)."""
        drawn = draw_instance(
            self.session.catalog.families, item_id, self.records, self.session.rng
        )
        if drawn is None:
            self.app.call_from_thread(
                self.notify, "No fresh instance of this family left.", severity="warning"
            )
            return
        self.app.call_from_thread(self.app.post_message, Practise(drawn))

    def action_clear(self) -> None:
        for name in ("level", "kind", "skill", "status"):
            self.query_one(f"#library-{name}", Select).clear()
        self.refresh_rows()

    def action_focus_table(self) -> None:
        self.query_one("#library-table", DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()


def _first_instance(catalog: Any, item_id: str) -> str:
    """The id of a family's instance 0 (a stable preview)."""
    from coach.content.families import find_family

    name = parse_family_id(item_id) or item_id
    family = find_family(catalog.families, name)
    return item_id if family is None else family.generate(0).exercise.id
