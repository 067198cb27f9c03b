"""TUI tests look for model servers only where a test says (the fake's port)."""

from __future__ import annotations

import pytest

from coach.llm.discovery import PORTS_ENV


@pytest.fixture(autouse=True)
def no_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that happens to run on this machine must not change what the screens show."""
    monkeypatch.setenv(PORTS_ENV, "")
