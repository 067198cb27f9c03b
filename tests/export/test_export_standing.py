"""The export reads each person's stored standing when it is fresh and replays
when it is stale; weaknesses and own-exercise evidence reach the record."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import World, attempt  # type: ignore[import-not-found]

from coach.content import load_catalog
from coach.engine import ENGINE_VERSION
from coach.engine.replay import LearnerTracker
from coach.export import build_export, write_csv, write_html
from coach.store import Store


def _export(store: Store):  # type: ignore[no-untyped-def]
    return build_export(store, load_catalog(), store.list_learners(), with_chain=False)


def _person(store: Store, learner_id: int):  # type: ignore[no-untyped-def]
    return next(p for p in _export(store).learners if p.id == learner_id)


def _forbid_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the export replayed although the standing was fresh")

    monkeypatch.setattr(LearnerTracker, "from_history", classmethod(refuse))


def test_a_stale_standing_is_replayed_and_saved_then_read_without_replay(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = world.store
    assert store.standings() == {}  # attempts were added straight to the store
    first = _export(store)
    saved = store.standings()
    ada = saved[world.ids["ada"]]
    assert ada.attempts == 12
    assert ada.head_hash == store.attempts(world.ids["ada"])[-1].hash
    assert ada.engine_version == ENGINE_VERSION

    _forbid_replay(monkeypatch)
    again = _export(store)
    assert [p.demonstrated for p in again.learners] == [p.demonstrated for p in first.learners]


def test_a_fresh_standing_is_trusted_and_a_new_attempt_makes_it_stale(world: World) -> None:
    store = world.store
    ada_id = world.ids["ada"]
    _export(store)
    real = store.standings()[ada_id]
    # A standing is derived data: doctoring a fresh one shows that it is what is read.
    store.save_standing(real.model_copy(update={"level": 6, "theta": 5.0}))
    assert _person(store, ada_id).demonstrated.level == 6

    store.add_attempt(ada_id, attempt(30, level=2, score=0.9))
    person = _person(store, ada_id)
    assert person.demonstrated.level == real.level  # replayed: the true level again
    assert store.standings()[ada_id].attempts == 13


def test_a_standing_from_another_engine_version_is_replayed(world: World) -> None:
    store = world.store
    ada_id = world.ids["ada"]
    _export(store)
    real = store.standings()[ada_id]
    store.save_standing(real.model_copy(update={"level": 6, "engine_version": "older"}))
    assert _person(store, ada_id).demonstrated.level == real.level


def test_weaknesses_and_own_exercise_attempts_reach_every_format(
    world: World, tmp_path: Path
) -> None:
    store = world.store
    bob_id = world.ids["bob"]
    for i in range(5):
        failed_json = attempt(40 + i, level=1, score=0.0).model_copy(
            update={"checks": [{"grader": "json", "passed": False, "score": 0.0}]}
        )
        store.add_attempt(bob_id, failed_json)
    for i in range(2):
        own = attempt(50 + i, level=1, score=0.9).model_copy(update={"exercise_private": True})
        store.add_attempt(bob_id, own)

    export = _export(store)
    bob = next(p for p in export.learners if p.id == bob_id)
    assert [w.code for w in bob.weaknesses] == ["forgets_format"]
    assert (bob.weaknesses[0].count, bob.weaknesses[0].out_of) == (5, 5)
    assert bob.private_attempts == 2
    assert bob.evidence_note is not None and "2 attempts" in bob.evidence_note
    ada = next(p for p in export.learners if p.id == world.ids["ada"])
    assert ada.weaknesses == [] and ada.private_attempts == 0 and ada.evidence_note is None

    write_csv(export, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["name"]: row for row in csv.DictReader(handle)}
    bob_row = rows[bob.name]
    assert bob_row["weaknesses"] == bob.weaknesses[0].label
    assert bob_row["own_exercise_attempts"] == "2"

    write_html(export, tmp_path / "out.html")
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert bob.weaknesses[0].label in html
    assert "own exercises" in html
