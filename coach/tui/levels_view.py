"""A table of the levels with how many exercises each has, and any content problems."""

from __future__ import annotations

from collections import Counter

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from coach.content import Catalog


class LevelsView(Vertical):
    def __init__(self, catalog: Catalog, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog = catalog

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="levels-table")
        table.add_columns("Level", "Name", "What a person at this level does", "Exercises")
        counts = Counter(loaded.exercise.level for loaded in self.catalog.exercises)
        for level in self.catalog.levels:
            table.add_row(
                str(level.number),
                level.name,
                level.summary,
                str(counts[level.number]),
                key=str(level.number),
            )
        yield table
        if self.catalog.problems:
            lines = "\n".join(escape(str(problem)) for problem in self.catalog.problems[:10])
            yield Static(
                f"[b]{len(self.catalog.problems)} content problem(s)[/b] "
                f"(run `coach check`):\n{lines}",
                id="problems",
            )
