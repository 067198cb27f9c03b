"""Starting the app must not import the model libraries: they load after the first screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("litellm", "llama_cpp")

PROBE = f"""
import json, sys
from coach.tui.app import CoachApp

app = CoachApp()

def first_refresh():
    print(json.dumps({{
        "screen": type(app.screen).__name__,
        "heavy": [m for m in {HEAVY!r} if m in sys.modules],
    }}), flush=True)
    app.exit()

# The app starts its warm-up at the first refresh after the first screen: stop there instead.
app._start_warm_up = first_refresh
app.run(headless=True)
"""


def test_first_screen_comes_up_without_litellm_or_llama_cpp(coach_home: Path) -> None:
    env = {**os.environ, "COACH_HOME": str(coach_home)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout + result.stderr
    seen = json.loads(lines[-1])
    assert seen["screen"] == "FirstRunScreen"
    assert seen["heavy"] == []
