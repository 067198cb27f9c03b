"""The Textual app: the only package that imports textual."""

from __future__ import annotations


def run_app() -> None:
    from coach.tui.app import CoachApp

    CoachApp().run()
