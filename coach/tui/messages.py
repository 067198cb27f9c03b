"""Requests a screen sends up to the app, so no screen needs to know another."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class Practise(Message):
    """Start the practice flow on this exercise."""

    def __init__(self, exercise: Any) -> None:
        super().__init__()
        self.exercise = exercise


class OpenScreen(Message):
    """Open a screen by name ("history", "settings", "placement")."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
