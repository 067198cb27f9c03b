"""Forms follow focus at 80×24: Tab to a field below the fold scrolls it into view."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll

from coach.llm.readiness import Readiness

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import app_for, session_for, settle

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def ready_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "coach.tui.screens.first_run.check_ready",
        lambda spec: Readiness(spec, True, "runs on this machine, offline"),
    )


def focused_in_view(app: Any) -> bool:
    """The focused widget lies wholly inside the visible part of its scrolling form."""
    focused = app.focused
    assert focused is not None
    if isinstance(focused, VerticalScroll):  # the form itself (it scrolls with the keys)
        return True
    forms = [a for a in focused.ancestors if isinstance(a, VerticalScroll)]
    assert forms, f"focus left the form: {focused!r} in {list(focused.ancestors)!r}"
    form = forms[0]
    window = form.content_region
    return window.contains_region(focused.region) or (
        # taller than the window: at least its top is visible
        focused.region.height > window.height and window.contains(*focused.region.offset)
    )


async def tab_through(app: Any, pilot: Any, presses: int) -> int:
    """Press Tab `presses` times; return how many distinct fields were visited."""
    seen = set()
    for _ in range(presses):
        await pilot.press("tab")
        await pilot.pause()
        await pilot.pause()
        assert focused_in_view(app), app.focused
        seen.add(id(app.focused))
    return len(seen)


@pytest.mark.parametrize("name", ["own_task", "settings"])
async def test_tab_keeps_the_focused_field_in_view(name: str) -> None:
    session = session_for(None)
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_named(name)
        await settle(app, pilot)
        assert await tab_through(app, pilot, 14) >= 8


async def test_first_run_tab_keeps_the_focused_field_in_view() -> None:
    app = app_for(session_for(None, named=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert await tab_through(app, pilot, 6) >= 4
