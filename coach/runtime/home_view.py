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
import json
import os
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from coach.paths import config_file, data_dir, default_database_url

# Named tuples, not pydantic models or dataclasses: this module is on the
# start-up path, and building those classes costs more than drawing Home's text.
# `home.json` is coach's own cache; `_view_from` checks every field it reads.

VIEW_VERSION = 2  # 2: named tuples (Point.index became Point.number)


class NextUp(NamedTuple):
    exercise_id: str
    title: str
    kind: str
    level: int


class RecentRow(NamedTuple):
    exercise_id: str
    kind: str
    output: str  # "85%" or "–"
    judged: str  # ✓, ✗ or –


class Point(NamedTuple):
    """The learner after one attempt, for the progress chart."""

    number: int  # the attempt's position in the learner's history, from 1
    at: datetime
    level: int | None
    ability: float  # level k's centre maps to k
    theta: float


class HomeView(NamedTuple):
    learner_id: int
    head_hash: str  # the chain head this view reflects
    config_mtime: float  # the config file's mtime when built (a role change shows)
    level: int
    judgment: str  # in plain words
    level_name: str | None = None
    level_summary: str | None = None
    placing: bool = False
    target: str = "No role set."
    judgment_detail: str = ""  # the numbers behind it
    streak: int = 0
    next_up: NextUp | None = None
    weaknesses: Sequence[tuple[str, str]] = ()  # (label, detail), worst first
    recent: Sequence[RecentRow] = ()
    problems: Sequence[str] = ()
    points: Sequence[Point] = ()
    version: int = VIEW_VERSION

    def to_json(self) -> str:
        data = self._asdict()
        data["next_up"] = None if self.next_up is None else self.next_up._asdict()
        data["recent"] = [row._asdict() for row in self.recent]
        data["points"] = [{**p._asdict(), "at": p.at.isoformat()} for p in self.points]
        return json.dumps(data, ensure_ascii=False)


class _Bad(ValueError):
    """The saved view does not have the shape this version writes."""


def _typed(data: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data[name]
    # bool is an int in Python; a level or count that is a bool is not what we wrote.
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
        raise _Bad(name)
    return value


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _optional(data: dict[str, Any], name: str, kind: type) -> Any:
    return None if data[name] is None else _typed(data, name, kind)


def _point(data: dict[str, Any]) -> Point:
    return Point(
        number=_typed(data, "number", int),
        at=datetime.fromisoformat(_typed(data, "at", str)),
        level=_optional(data, "level", int),
        ability=float(_typed(data, "ability", (int, float))),
        theta=float(_typed(data, "theta", (int, float))),
    )


def _view_from(data: Any) -> HomeView:
    if not isinstance(data, dict):
        raise _Bad("view")
    up = data["next_up"]
    if up is not None and not isinstance(up, dict):
        raise _Bad("next_up")
    return HomeView(
        version=_typed(data, "version", int),
        learner_id=_typed(data, "learner_id", int),
        head_hash=_typed(data, "head_hash", str),
        config_mtime=float(_typed(data, "config_mtime", (int, float))),
        level=_typed(data, "level", int),
        level_name=_optional(data, "level_name", str),
        level_summary=_optional(data, "level_summary", str),
        placing=_typed(data, "placing", bool),
        target=_typed(data, "target", str),
        judgment=_typed(data, "judgment", str),
        judgment_detail=_typed(data, "judgment_detail", str),
        streak=_typed(data, "streak", int),
        next_up=None
        if up is None
        else NextUp(
            exercise_id=_typed(up, "exercise_id", str),
            title=_typed(up, "title", str),
            kind=_typed(up, "kind", str),
            level=_typed(up, "level", int),
        ),
        weaknesses=[
            (str(label), str(detail)) for label, detail in _typed(data, "weaknesses", list)
        ],
        recent=[
            RecentRow(
                exercise_id=_typed(row, "exercise_id", str),
                kind=_typed(row, "kind", str),
                output=_typed(row, "output", str),
                judged=_typed(row, "judged", str),
            )
            for row in _typed(data, "recent", list)
        ],
        problems=[str(problem) for problem in _typed(data, "problems", list)],
        points=[_point(point) for point in _typed(data, "points", list)],
    )


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
        tmp.write_text(view.to_json(), encoding="utf-8")
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
        view = _view_from(json.loads(cache_file().read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):  # _Bad and JSON errors are ValueErrors
        return None
    if view.version != VIEW_VERSION or view.config_mtime != _config_mtime():
        return None
    if default_database_url().startswith("sqlite:///"):
        head = _sqlite_head(view.learner_id)
        return (view, True) if head == view.head_hash else None
    return view, False  # a team database: shown as updating until the session refreshes it


def current_config_mtime() -> float:
    return _config_mtime()
