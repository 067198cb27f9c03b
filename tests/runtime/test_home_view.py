"""Home's saved view (`home.json`): what the next start draws before the store opens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from recording_worker import outcome

from coach.runtime.home_view import cache_file, cached_view
from coach.runtime.recording import record_outcome
from coach.runtime.session import Session


def returning_session(attempts: int = 3) -> Session:
    session = Session.open(seed=3)
    session.save_profile("Ada", "analyst", "local/smollm2")
    for i in range(attempts):
        record_outcome(session.store, session.learner.id, outcome("home", i))
    return Session.open(seed=3)


def saved() -> dict[str, Any]:
    data = json.loads(cache_file().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_saved_view_comes_back_as_it_was_shown() -> None:
    session = returning_session()
    shown = session.home_view()
    loaded = cached_view()
    assert loaded is not None
    view, current = loaded
    assert current
    assert view == shown
    assert len(view.recent) == 3 and len(view.points) == 3
    assert view.next_up is not None and view.next_up == shown.next_up


def test_a_new_attempt_makes_the_saved_view_stale() -> None:
    session = returning_session()
    session.home_view()
    record_outcome(session.store, session.learner.id, outcome("home", 99))
    assert cached_view() is None


def test_a_changed_config_makes_the_saved_view_stale() -> None:
    session = returning_session()
    session.home_view()
    session.save_profile("Ada", "engineer", "local/smollm2")
    assert cached_view() is None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: "not json {",
        lambda data: json.dumps([data]),
        lambda data: json.dumps({**data, "level": "3"}),
        lambda data: json.dumps({**data, "level": True}),
        lambda data: json.dumps({**data, "placing": 1}),
        lambda data: json.dumps({k: v for k, v in data.items() if k != "judgment"}),
        lambda data: json.dumps({**data, "next_up": "l1-x"}),
        lambda data: json.dumps({**data, "recent": [{"exercise_id": 1}]}),
        lambda data: json.dumps({**data, "points": [{**data["points"][0], "at": "yesterday"}]}),
        lambda data: json.dumps({**data, "version": 0}),
    ],
    ids=[
        "not-json",
        "a-list",
        "level-as-text",
        "level-as-bool",
        "placing-as-int",
        "missing-field",
        "next-up-as-text",
        "bad-recent-row",
        "bad-date",
        "old-version",
    ],
)
def test_a_spoiled_saved_view_is_ignored(spoil: Any) -> None:
    returning_session().home_view()
    data = saved()
    cache_file().write_text(spoil(data), encoding="utf-8")
    assert cached_view() is None
