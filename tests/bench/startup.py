"""Time to the first screen: `coach` for a returning learner vs a bare Textual app.

    .venv/bin/python tests/bench/startup.py [--runs 5] [--attempts 300]

The returning learner's COACH_HOME (config with a name, a store with
`--attempts` recorded attempts, level events and standing, as the app leaves
them) is built once, untimed, and shared by every coach run; its first usable
screen is Home with the level and the next exercise.

Each run is a fresh interpreter (`sys.executable -c ...`) that runs the app
with `App.run(headless=True)` and, at the first refresh after the first screen
is up, prints the seconds since the parent spawned it (`time.time()` against a
start time passed in the environment; the same method for both apps) and the
heavy modules already imported. `coach` goes through its console-script import
path (`coach.entry`) and its real `CoachApp`; for it the clock stops at the
first refresh after Home shows the learner's level and next exercise. Prints
the median of each, their ratio (goal ≤ 1.5) and whether litellm (or
llama_cpp) was imported before the first screen (it must not be).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# Never loaded before the first screen (what it imports is held by test_startup_imports.py).
HEAVY = ("litellm", "llama_cpp")
GOAL = 1.5

_REPORT = """
def _report(app):
    import json, os, sys, time
    print(json.dumps({
        "seconds": time.time() - float(os.environ["BENCH_T0"]),
        "screen": type(app.screen).__name__,
        "heavy": [m for m in HEAVY if m in sys.modules],
    }), flush=True)
    app.exit()
""".replace("HEAVY", repr(HEAVY))

COACH = (
    _REPORT
    + """
import coach.entry  # the console script's import path
from coach.tui.app import CoachApp

from coach.tui.screens import home

# Stop the clock at the first refresh after Home shows a view (level, next exercise):
# the saved view, composed at once, or the session's once it is open.
show = home.HomeScreen.show


def report_once():
    if not getattr(app, "_reported", False):
        app._reported = True
        app.call_after_refresh(_report, app)


def mounted(screen):
    if screen.view is not None:
        report_once()


def shown(screen, view):
    show(screen, view)
    report_once()


home.HomeScreen.on_mount = mounted
home.HomeScreen.show = shown
app = CoachApp(warm_up=False)
app.run(headless=True)
"""
)

# First paint: what coach draws at once (the saved Home, or a loading screen) while
# the session opens in a thread.
COACH_PAINT = (
    _REPORT
    + """
import coach.entry  # the console script's import path
from coach.tui import app as coach_app

# Stop the clock at the first refresh after the first screen (loading, or the saved Home).
first_mount = coach_app.CoachApp.on_mount


def on_mount(app):
    first_mount(app)
    app.call_after_refresh(_report, app)


coach_app.CoachApp.on_mount = on_mount
coach_app.CoachApp(warm_up=False).run(headless=True)
"""
)

BARE = (
    _REPORT
    + """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(_report, self)

Bare().run(headless=True)
"""
)


def returning_learner(home: str, attempts: int) -> None:
    """A COACH_HOME whose learner has `attempts` attempts, recorded as the app records them."""
    os.environ["COACH_HOME"] = home
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from recording_worker import outcome

    from coach.config import Config, save_config
    from coach.config.models import Learner
    from coach.runtime.learner import current_learner
    from coach.runtime.recording import record_outcome
    from coach.store import open_store

    config = Config(learner=Learner(name="Returning Learner", role="analyst"))
    save_config(config)
    with open_store() as store:
        learner = current_learner(store, config)
        for i in range(attempts):
            record_outcome(store, learner.id, outcome("bench", i))


def one_run(code: str, home: str | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as fresh:
        home = home or fresh
        env = {**os.environ, "COACH_HOME": home, "BENCH_T0": repr(time.time())}
        # An 80×24 terminal from the start, as in tmux: without a terminal, rich
        # assumes 80×25 and the first screen is laid out twice.
        env.update(COLUMNS="80", LINES="24")
        for name in ("COACH_DATABASE_URL", "COACH_CONFIG", "COACH_EXERCISE_PATH"):
            env.pop(name, None)
        result = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"run failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--attempts", type=int, default=300)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="coach-bench-home-")
    returning_learner(home, args.attempts)
    coach_runs: list[dict[str, object]] = []
    paint_runs: list[dict[str, object]] = []
    bare_runs: list[dict[str, object]] = []
    one_run(BARE)  # warm the OS file cache once, uncounted, for both
    one_run(COACH, home)
    for _ in range(args.runs):  # interleaved so drift hits both alike
        bare_runs.append(one_run(BARE))
        paint_runs.append(one_run(COACH_PAINT, home))
        coach_runs.append(one_run(COACH, home))
    paint_s = statistics.median(float(r["seconds"]) for r in paint_runs)  # type: ignore[arg-type]
    coach_s = statistics.median(float(r["seconds"]) for r in coach_runs)  # type: ignore[arg-type]
    bare_s = statistics.median(float(r["seconds"]) for r in bare_runs)  # type: ignore[arg-type]
    ratio = coach_s / bare_s
    heavy = sorted({m for r in coach_runs for m in r["heavy"]})  # type: ignore[attr-defined]
    screens = sorted({str(r["screen"]) for r in coach_runs})
    print(f"python {sys.version.split()[0]}, median of {args.runs} runs each")
    print(f"bare Textual app (one Static): {bare_s * 1000:7.0f} ms to first screen")
    print(f"coach, first paint: {paint_s * 1000:7.0f} ms")
    print(f"coach ({', '.join(screens)}): {coach_s * 1000:7.0f} ms to the first usable screen")
    paint_ratio = paint_s / bare_s
    print(f"ratio coach first paint / bare: {paint_ratio:.2f}")
    verdict = "ok" if ratio <= GOAL else "over the goal"
    print(f"ratio coach usable screen / bare: {ratio:.2f} (goal ≤ {GOAL}: {verdict})")
    print(
        "heavy modules imported before the first screen: "
        + (", ".join(heavy) if heavy else "none (litellm not imported)")
    )


if __name__ == "__main__":
    main()
