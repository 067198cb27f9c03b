"""Fixtures for the security suite: a spy on python checks, and the hostile corpus."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # `import hostile`
sys.path.insert(0, str(Path(__file__).parent.parent / "tui"))  # `import loop_helpers`


class CheckSpy:
    """Counts every python check that reaches the sandboxed child (and still runs it)."""

    def __init__(self) -> None:
        self.sources: list[str] = []


@pytest.fixture
def check_spy(monkeypatch: pytest.MonkeyPatch) -> CheckSpy:
    from graders import python_check

    spy = CheckSpy()
    real = python_check.run_check

    def spying(source: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        spy.sources.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(python_check, "run_check", spying)
    return spy


async def until(pilot: Any, condition: Any, seconds: float = 30.0) -> None:
    """Let the app run until `condition()` holds (long-lived flow workers never 'complete')."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the app did not get there in time")
