"""The real `coach` console script in a real terminal (tmux, 80×24): first run, home, quit."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coach.config import config_path

COACH = Path(sys.executable).parent / "coach"
WAIT = 20.0


@pytest.fixture
def tmux(coach_home: Path) -> Iterator[Callable[..., str]]:
    """Run `tmux -L <fresh socket> ...`; the server is killed afterwards."""
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    socket = f"coach-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "COACH_HOME": str(coach_home),
        "TERM": "xterm-256color",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    env.pop("TMUX", None)

    def run(*args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", socket, "-f", "/dev/null", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    try:
        yield run
    finally:
        run("kill-server", check=False)


def wait_for(tmux: Callable[..., str], text: str, timeout: float = WAIT) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", "coach", check=False)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear within {timeout:.0f} s; the screen:\n{screen}")


def test_first_run_home_and_quit_in_a_real_terminal(tmux, coach_home: Path, tmp_path: Path) -> None:
    assert COACH.exists(), f"no console script at {COACH}"
    status = tmp_path / "exit-status"
    # A shell around coach notes its exit status (tmux's own pane_dead_status is racy).
    command = f"{shlex.quote(str(COACH))}; echo $? > {shlex.quote(str(status))}; sleep 60"
    tmux(
        "new-session", "-d", "-s", "coach", "-x", "80", "-y", "24",
        "env", f"COACH_HOME={coach_home}", "sh", "-c", command,
    )  # fmt: skip
    screen = wait_for(tmux, "Your name")
    assert "Welcome. coach gives you short exercises" in screen
    assert "Model to practise with" in screen
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)

    tmux("send-keys", "-t", "coach", "-l", "Grace")
    wait_for(tmux, "Grace")
    tmux("send-keys", "-t", "coach", "Tab")
    tmux("send-keys", "-t", "coach", "Tab")
    tmux("send-keys", "-t", "coach", "BTab")
    tmux("send-keys", "-t", "coach", "BTab")
    tmux("send-keys", "-t", "coach", "F5")  # Continue
    screen = wait_for(tmux, "Next:")  # Home, once the learner's view is read
    assert "Level 1" in screen
    assert "No attempts yet" in screen
    assert "Next:" in screen

    tmux("send-keys", "-t", "coach", "q")
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and not status.exists():
        time.sleep(0.2)
    time.sleep(0.1)  # the shell may still be writing the line
    assert status.exists(), "coach did not quit on q"
    assert status.read_text().strip() == "0"
    assert "Grace" in config_path().read_text()  # COACH_HOME is this test's, as for the app
