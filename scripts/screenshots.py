"""SVG screenshots of the main screens for the README (docs/screenshots/*.svg).

    .venv/bin/python scripts/screenshots.py

Drives the real app with Textual's pilot at 80×24 on a throwaway COACH_HOME:
first run, home (after a few judged attempts, so the progress chart shows),
an exercise, a judgment and its feedback. No model is called: the exercise is
only typed into, and the judged one is a review exercise.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
SIZE = (80, 24)
PROMPT_EXERCISE = "l1-renewal-dates-to-json"
REVIEW_EXERCISE = "l1-seat-quote-review"


async def shoot(out: Path) -> list[Path]:
    from textual.widgets import TextArea

    from coach.llm.readiness import Readiness
    from coach.runtime.session import Session
    from coach.tui.app import CoachApp
    from coach.tui.flow import PRACTICE_GROUP
    from coach.tui.screens import first_run
    from graders.judgment import Judgment

    # The model check would depend on this machine: show the ready line.
    first_run.check_ready = lambda spec: Readiness(spec, True, "runs on this machine, offline")
    # So would the servers found on it: show one Ollama with two models.
    from coach.llm.discovery import FoundServer
    from coach.tui.widgets import model_connect

    ollama = FoundServer(
        port=11434,
        kind="Ollama",
        api_base="http://127.0.0.1:11434/v1",
        models=["llama3.2:3b", "qwen2.5:7b-instruct"],
    )

    def found_here(ports: object = None, *, timeout: float = 0.0) -> list[FoundServer]:
        return [ollama]

    model_connect.discover = found_here

    session = Session.open(seed=1, trap_mode="never")
    app = CoachApp(session=session, warm_up=False)
    written: list[Path] = []

    async def settle(pilot) -> None:
        await pilot.pause()
        busy = [w for w in app.workers if w.group != PRACTICE_GROUP]
        if busy:  # the practice flow waits on the learner: not for it
            await app.workers.wait_for_complete(busy)
        await pilot.pause()

    def save(name: str) -> None:
        app.save_screenshot(filename=f"{name}.svg", path=str(out))
        written.append(out / f"{name}.svg")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"Ada")
        save("first-run")

        await pilot.press("f5")
        await settle(pilot)
        review = session.exercise(REVIEW_EXERCISE)
        for verdict in ("wrong", "ok", "wrong", "wrong", "ok"):
            attempt = session.start(review)  # one attempt, as the app records it
            attempt.present()
            attempt.grade(Judgment(verdict=verdict, confidence=0.8))  # type: ignore[arg-type]
            attempt.record()
        app.screen.refresh_view()  # type: ignore[attr-defined]
        await settle(pilot)
        save("home")
        app.screen.query_one("#progress").scroll_visible(animate=False)
        await settle(pilot)
        save("home-progress")
        app.screen.query_one("#home").scroll_home(animate=False)

        app.practise(session.exercise(PROMPT_EXERCISE))
        await settle(pilot)
        editor = app.screen.query_one("#prompt", TextArea)
        editor.cursor_blink = False
        editor.insert("List every date in the email as a JSON list of ISO dates.")
        await pilot.pause()
        save("exercise")
        app.pop_screen()
        await settle(pilot)

        app.practise(review)
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        save("judgment")

        await pilot.press("f5")
        await settle(pilot)
        save("feedback")

        await pilot.press("h")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"Renewal dates for the account team")
        await pilot.pause()
        save("own-task")
    session.close()
    return written


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="coach-screens-") as home:
        os.environ["COACH_HOME"] = home
        for name in ("COACH_DATABASE_URL", "COACH_CONFIG", "COACH_EXERCISE_PATH"):
            os.environ.pop(name, None)
        sys.path.insert(0, str(REPO))
        for path in asyncio.run(shoot(OUT)):
            print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
