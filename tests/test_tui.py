"""The first screen, driven through Textual's pilot, and its snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from coach.content import load_catalog
from coach.content.sources import builtin_source, pack_source
from coach.tui.app import CoachApp

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_catalog():
    """Built-in levels with only the fixture pack's exercises, so the snapshot is stable."""
    catalog = load_catalog([builtin_source(), pack_source(FIXTURES / "pack-good")])
    catalog.exercises = [e for e in catalog.exercises if e.source != "builtin"]
    return catalog


async def test_first_screen_lists_levels_with_exercise_counts() -> None:
    app = CoachApp(fixture_catalog())
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one("#levels-table", DataTable)
        assert table.row_count == 6
        assert table.get_row("1")[1] == "Chat"
        assert table.get_row("1")[3] == "1"
        assert table.get_row("2")[3] == "0"
        await pilot.press("q")
    assert app.return_code == 0


async def test_content_problems_are_shown_as_text(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "bad.toml").write_text('id = "[red]x"\nkind = "prompt"\n')
    catalog = load_catalog([builtin_source(), pack_source(pack)])
    app = CoachApp(catalog)
    async with app.run_test() as pilot:
        problems = app.query_one("#problems")
        text = str(problems.render())
        assert "bad.toml" in text
        assert "[red]" in text  # shown literally, not interpreted as markup
        await pilot.press("q")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_first_screen_snapshot(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(CoachApp(fixture_catalog()), terminal_size=size)
