"""No hostile pack text or model output reaches the terminal raw, from any command or screen.

A pack whose title, brief, material names, materials, check labels, hints and
explanation carry the whole hostile corpus (escape sequences, window titles,
hyperlinks, clear screen, C1 controls, bidi overrides, Rich markup,
invisibles), and a model that answers with it too.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import until
from fake_openai import FakeOpenAI, Reply
from hostile import GOOD, PACK_EXERCISE_ID, exercise_table, forbidden, joined, write_pack
from loop_helpers import SIZE, app_for, fake_config
from textual.widgets import Static, TextArea

from coach.cli import main
from coach.config import save_config
from coach.runtime.session import Session

HOSTILE_OUTPUT = GOOD + "\n" + joined()


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "hostile-pack", exercise_table())


@pytest.fixture
def configured(fake: FakeOpenAI, pack: Path) -> Path:
    save_config(fake_config(fake.base_url, packs=[pack]))
    return pack


def printed(result: Result) -> str:
    parts = [result.output]
    with contextlib.suppress(ValueError):  # an older click mixes stderr into output
        parts.append(result.stderr)
    return "\n".join(parts)


def clean_run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    text = printed(result)
    assert result.exit_code == code, text
    assert "Traceback" not in text
    assert forbidden(text) == [], args
    return text


def test_the_hostile_pack_is_served(configured: Path) -> None:
    session = Session.open(fake_config(None, packs=[configured]))
    with session:
        assert session.exercise(PACK_EXERCISE_ID) is not None


def test_exercises_list(configured: Path) -> None:
    text = clean_run("exercises", "list")
    assert PACK_EXERCISE_ID in text and "click me" in text
    clean_run("exercises", "list", "--json")


def test_exercises_show(configured: Path) -> None:
    text = clean_run("exercises", "show", PACK_EXERCISE_ID)
    assert "click me" in text and "[link=http://evil.example/]" in text
    shown = json.loads(clean_run("exercises", "show", PACK_EXERCISE_ID, "--json"))
    assert shown["title"].startswith("Meeting dates \x1b[31m")  # the data, escaped in JSON


def test_check_messages(configured: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-pack"
    table = exercise_table("broken-hostile")
    table["kind"] = "\x1b]0;pwned\x07\u202eprompt"
    table["title"] = ""
    write_pack(broken, table)
    text = clean_run("check", str(broken), code=1)
    assert "broken-hostile" in text
    clean_run("check", "--json", str(broken), code=1)


def test_attempt(configured: Path, fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=HOSTILE_OUTPUT))
    text = clean_run(
        "attempt", PACK_EXERCISE_ID, "--prompt", "Dates please " + joined(), "--verdict", "wrong"
    )
    assert "Output shown:" in text and "click me" in text
    fake.queue(Reply(text=HOSTILE_OUTPUT))
    clean_run("attempt", PACK_EXERCISE_ID, "--prompt", "Dates", "--json")


def test_ask_streaming(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=HOSTILE_OUTPUT))
    text = clean_run(
        "ask", "--model", "openai/fake-model", "--api-base", fake.base_url, "Say", "something"
    )
    assert "[bold]not bold[/bold]" in text


def test_sprint_board(configured: Path) -> None:
    from coach.store import open_store

    now = datetime.now(UTC)
    with open_store() as store:
        sprint = store.create_sprint("Week \x1b]0;pwned\x07\u202e1", {"hash": "h"}, now, now)
        store.ensure_learner("Eve \x1b[2J\u2066x\u2069 \x9b2J", "analyst")
    text = clean_run("sprint", "board")
    assert "Week" in text
    clean_run("sprint", "board", str(sprint.id), "--json")


def test_packs_list_with_a_hostile_folder_name(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "pack \x1b]0;pwned\x07 \u202ekcap", exercise_table())
    save_config(fake_config(None, packs=[folder]))
    text = clean_run("packs", "list")
    assert "kcap" in text  # the name is shown, without its escape sequence


# --- the app ------------------------------------------------------------------------------------


def screen_text(app: Any) -> str:
    """Everything the current screen's widgets render, plus the exported screen."""
    parts = [str(widget.render()) for widget in app.screen.query(Static)]
    parts.append(app.export_screenshot())
    return "\n".join(parts)


async def test_every_screen_of_an_attempt(fake: FakeOpenAI, pack: Path) -> None:
    from coach.tui.screens.exercise import ExerciseScreen
    from coach.tui.screens.feedback import FeedbackScreen
    from coach.tui.screens.history import AttemptDetail, HistoryScreen
    from coach.tui.screens.home import HomeScreen
    from coach.tui.screens.judgment import JudgmentScreen

    session = Session.open(fake_config(fake.base_url, packs=[pack]), seed=1, trap_mode="never")
    session.save_profile("Ada \x1b]0;pwned\x07", "analyst", "fake")
    exercise = session.exercise(PACK_EXERCISE_ID)
    assert exercise is not None
    fake.queue(Reply(text=HOSTILE_OUTPUT))
    app = app_for(session)
    seen: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        seen["home"] = screen_text(app)
        app.practise(exercise)
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen))
        seen["exercise"] = text = screen_text(app)
        assert "[bold]not bold[/bold]" in text  # markup shown literally
        app.screen.query_one("#prompt", TextArea).insert("Dates as JSON.")
        await pilot.press("f2")  # a hint, with the corpus in it
        await pilot.pause()
        seen["exercise with a hint"] = screen_text(app)
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, JudgmentScreen))
        seen["judgment"] = screen_text(app)
        await pilot.press("w")
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, FeedbackScreen))
        seen["feedback"] = screen_text(app)
        app.push_screen(HistoryScreen(session))
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        seen["history"] = screen_text(app)
        (record,) = session.history()
        app.push_screen(AttemptDetail(record, exercise.title))
        await until(pilot, lambda: isinstance(app.screen, AttemptDetail))
        seen["history detail"] = screen_text(app)
    for name, text in seen.items():
        assert forbidden(text) == [], name
