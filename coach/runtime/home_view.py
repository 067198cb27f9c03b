"""What the Home screen shows, as data: built from the session, cached for a fast start.

A returning learner's Home is drawn from the view the last session saved
(`home.json` in the data folder) before the catalog, SQLAlchemy or the
store are loaded, then refreshed from the real session once it is open.
The cached view is used only while it is current: on the default SQLite
store its chain head is checked with the standard library's sqlite3 (cheap
to import); elsewhere (a team's PostgreSQL) it is shown as "updating" until
the session replaces it. This module imports neither SQLAlchemy nor the
catalog: it is on the start-up path.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from coach.paths import config_file, data_dir, default_database_url

VIEW_VERSION = 1


class NextUp(BaseModel):
    model_config = ConfigDict(frozen=True)

    exercise_id: str
    title: str
    kind: str
    level: int


class RecentRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    exercise_id: str
    kind: str
    output: str  # "85%" or "–"
    judged: str  # ✓, ✗ or –


class Point(BaseModel):
    """The learner after one attempt, for the progress chart."""

    model_config = ConfigDict(frozen=True)

    index: int
    at: datetime
    level: int | None
    ability: float  # level k's centre maps to k
    theta: float


class HomeView(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int = VIEW_VERSION
    learner_id: int
    head_hash: str  # the chain head this view reflects
    config_mtime: float  # the config file's mtime when built (a role change shows)
    level: int
    level_name: str | None = None
    level_summary: str | None = None
    placing: bool = False
    target: str = "No role set."
    judgment: str  # in plain words
    judgment_detail: str = ""  # the numbers behind it
    streak: int = 0
    next_up: NextUp | None = None
    weaknesses: list[tuple[str, str]] = []  # (label, detail), worst first
    recent: list[RecentRow] = []
    problems: list[str] = []
    points: list[Point] = []


def judgment_words(
    n: int, hits: int, signal: int, false_alarms: int, noise: int
) -> tuple[str, str]:
    """The learner's judgment in plain words, and the numbers behind it."""
    if n == 0:
        return "Judgment: no judged outputs yet.", ""
    detail = []
    if signal:
        detail.append(f"caught {hits} of {signal} flawed outputs ({hits / signal:.0%})")
    if noise:
        detail.append(
            f"{false_alarms} false alarm{'s' if false_alarms != 1 else ''} in {noise} sound ones"
        )
    catch = hits / signal if signal else None
    alarm = false_alarms / noise if noise else None
    if catch is None:
        words = "No flawed output judged yet"
    elif catch >= 0.8:
        words = "You catch most flawed outputs"
    elif catch >= 0.5:
        words = "You catch about half the flawed outputs or more"
    else:
        words = "You miss many flawed outputs"
    if alarm is not None:
        words += " and rarely cry wolf" if alarm <= 0.2 else " but often call sound outputs wrong"
    return f"Judgment: {words}.", " · ".join(detail)


def cache_file() -> Path:
    return data_dir() / "home.json"


def _config_mtime() -> float:
    try:
        return config_file().stat().st_mtime
    except OSError:
        return 0.0


def save_view(view: HomeView) -> None:
    """Keep the view for the next start (best effort: a failure only costs speed)."""
    path = cache_file()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(view.model_dump_json(), encoding="utf-8")
        os.replace(tmp, path)


def _sqlite_head(learner_id: int) -> str | None:
    """The learner's chain head in the default SQLite store, read with sqlite3 (read-only)."""
    url = default_database_url()
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = Path(url[len(prefix) :])
    if not path.is_file():
        return None
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
        ) as conn:
            row = conn.execute(
                "SELECT hash FROM attempts WHERE learner_id = ? ORDER BY id DESC LIMIT 1",
                (learner_id,),
            ).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else "0" * 64


def cached_view() -> tuple[HomeView, bool] | None:
    """The saved view and whether it is known current; None when there is none usable."""
    try:
        view = HomeView.model_validate_json(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None
    if view.version != VIEW_VERSION or view.config_mtime != _config_mtime():
        return None
    if default_database_url().startswith("sqlite:///"):
        head = _sqlite_head(view.learner_id)
        return (view, True) if head == view.head_hash else None
    return view, False  # a team database: shown as updating until the session refreshes it


def current_config_mtime() -> float:
    return _config_mtime()
