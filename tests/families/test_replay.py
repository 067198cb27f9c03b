"""Replay after a family's version changes: every stored level event, every instance."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from coach.content.families import Family, Generated, parse_instance_id
from coach.runtime.recording import replay_of
from coach.runtime.session import Session
from graders.judgment import Judgment


def _answer(exercise: Any, shown: Any, right: bool) -> Judgment:
    item = exercise.outputs[shown.review_item]
    wrong = item.wrong if right else not item.wrong
    if wrong:
        return Judgment(verdict="wrong", confidence=0.8, line=item.line, error_kind=item.error_kind)
    return Judgment(verdict="ok", confidence=0.8)


def _version_two(family: Family) -> Family:
    """A later version: harder, and other materials for every seed."""

    def v2(draw: Any) -> Generated:
        generated = family.versions[1](draw)
        data = dict(generated.data, brief=generated.data["brief"] + " (Revised.)")
        return Generated(data, generated.features, generated.flaws, generated.quotes)

    return replace(
        family, versions={1: family.versions[1], 2: v2}, difficulty=family.difficulty + 1.0
    )


def test_replaying_history_after_a_version_change_reproduces_every_level_event() -> None:
    session = Session.open(seed=5, trap_mode="never")
    reviews = [f for f in session.catalog.families if str(f.kind) == "review"]
    seen: list[tuple[str, str]] = []
    for index in range(24):
        family = reviews[index % len(reviews)]
        exercise = family.generate(1000 + index).exercise
        attempt = session.start(exercise, placement=index < 8)
        shown = attempt.present()
        attempt.finish(_answer(exercise, shown, right=index % 5 != 0))
        seen.append((exercise.id, shown.text))
    store, learner = session.store, session.learner
    stored = [
        (e.from_level, e.to_level, e.reason, e.provisional) for e in store.level_events(learner.id)
    ]
    assert stored, "the history moved the learner's level at least once"

    # Version 2 of every family ships: harder, other materials.
    session.catalog.families[:] = [_version_two(f) for f in session.catalog.families]
    records = store.attempts(learner.id)
    replayed = replay_of(learner, records)
    assert [(e.from_level, e.to_level, e.reason, e.provisional) for e in replayed.events] == stored
    # Each stored attempt still regenerates its own instance (version 1), exactly.
    for record, (exercise_id, text) in zip(records, seen, strict=True):
        ref = parse_instance_id(record.exercise_id)
        assert (
            ref is not None and (record.family_id, record.family_version, record.family_seed) == ref
        )
        assert record.family_version == 1
        again = session.catalog.exercise(exercise_id)
        assert again is not None and not again.brief.endswith("(Revised.)")
        assert text in [item.output for item in again.outputs]
        assert record.output_shown == text
    # New attempts get version 2.
    newest = session.catalog.families[0].generate(1).exercise
    assert newest.id.startswith(f"fam.{session.catalog.families[0].id}@2#")
    session.close()
