"""One check of the store's bulk reads and standings, run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.store import NewAttempt, Standing, Store

T0 = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)


def _attempt(i: int, **changes: object) -> NewAttempt:
    start = T0 + timedelta(minutes=10 * i)
    fields: dict[str, object] = {
        "exercise_id": f"ex-{i}",
        "exercise_level": 1 + i % 3,
        "kind": "prompt",
        "started_at": start,
        "finished_at": start + timedelta(seconds=95),
        "checks": [{"grader": "json", "passed": True}],
        "output_score": 0.5,
    }
    return NewAttempt(**{**fields, **changes})  # type: ignore[arg-type]


def check_bulk_reads(store: Store) -> None:
    ada = store.ensure_learner("Ada", "analyst", "ada@example.org")
    bob = store.ensure_learner("Bob", "analyst")
    sprint = store.create_sprint("s", {}, T0, T0 + timedelta(hours=1))
    a0 = store.add_attempt(
        ada.id,
        _attempt(
            0,
            model_tier="small",
            needs_model="frontier",
            judgment={"verdict": "wrong", "confidence": 0.9, "truth_wrong": True},
            judgment_correct=True,
            trap={"mutate": "change_number"},
            sprint_id=sprint.id,
        ),
    )
    a1 = store.add_attempt(
        ada.id,
        _attempt(1, exercise_private=True, output_score=None, judgment_correct=False),
    )
    b0 = store.add_attempt(
        bob.id, _attempt(2, judgment={"verdict": "acceptable", "truth_wrong": False})
    )

    rows = store.attempt_summaries([bob.id, ada.id])
    assert [(r.learner_id, r.id) for r in rows] == [
        (ada.id, a0.id),
        (ada.id, a1.id),
        (bob.id, b0.id),
    ]
    first, second, third = rows
    assert first._asdict() == {
        "learner_id": ada.id,
        "id": a0.id,
        "exercise_level": 1,
        "finished_at": a0.finished_at,
        "output_score": 0.5,
        "judgment_correct": True,
        "model_tier": "small",
        "needs_model": "frontier",
        "sprint_id": sprint.id,
        "exercise_private": None,
        "planted": True,
        "verdict": "wrong",
        "confidence": 0.9,
        "truth_wrong": True,
        "output_verdict": None,  # no checks stored with a code: the score rule stands
        "kind": a0.kind,
    }
    assert first.finished_at.tzinfo is not None
    assert (second.exercise_private, second.output_score, second.judgment_correct) == (
        True,
        None,
        False,
    )
    assert (second.planted, second.verdict, second.confidence, second.truth_wrong) == (
        False,
        None,
        None,
        None,
    )
    assert (third.verdict, third.confidence, third.truth_wrong) == ("acceptable", None, False)
    assert store.attempt_summaries([bob.id]) == [third]
    assert store.attempt_summaries() == rows

    links = store.chain_links([a1.id, b0.id])
    assert links == {a1.id: (a0.hash, a1.hash), b0.id: (b0.prev_hash, b0.hash)}

    store.add_level_event(ada.id, 2, "placed", provisional=True, at=T0)
    events = store.level_events_of([ada.id, bob.id])
    assert [e.reason for e in events[ada.id]] == ["placed"] and events[bob.id] == []

    standing = Standing(
        learner_id=ada.id,
        head_hash=a1.hash,
        engine_version="v1",
        attempts=2,
        level=2,
        provisional=True,
        theta=-0.5,
        sd=0.8,
        p_level=0.61,
        weaknesses=[{"code": "forgets_format", "count": 3}],
        updated_at=T0,
    )
    store.save_standing(standing)
    assert store.standings() == {ada.id: standing}
    newer = standing.model_copy(update={"attempts": 3, "level": 3, "weaknesses": []})
    store.save_standing(newer)
    assert store.standings([ada.id, bob.id]) == {ada.id: newer}


def check_self_report(store: Store) -> None:
    ada = store.ensure_learner("Ada", "analyst")
    assert ada.self_report is None
    assert store.set_self_report(ada.id, 3).self_report == 3
    assert store.get_learner(ada.id).self_report == 3  # type: ignore[union-attr]
    store.add_attempt(ada.id, _attempt(0))
    try:
        store.set_self_report(ada.id, 1)
    except ValueError as error:
        assert "before the first attempt" in str(error)
    else:
        raise AssertionError("the self-report changed after an attempt")
    assert store.get_learner(ada.id).self_report == 3  # type: ignore[union-attr]
