"""Recurring weaknesses, detected on constructed histories stored in a real store."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coach.content import all_sources, load_catalog
from coach.engine.judgment_metrics import JudgmentRecord, judgment_metrics
from coach.engine.weaknesses import MIN_COUNT
from coach.runtime.session import Session
from coach.runtime.weaknesses import (
    Weakness,
    detect_weaknesses,
    training_exercises,
)
from coach.store import NewAttempt, Store, open_store
from coach.store.records import AttemptRecord

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def check(grader: str, passed: bool, **fields: Any) -> dict[str, Any]:
    return {"grader": grader, "passed": passed, "score": 1.0 if passed else 0.0, **fields}


def attempt(
    i: int,
    *,
    checks: list[dict[str, Any]] | None = None,
    trap: str | None = None,
    said_wrong: bool | None = None,
    truth_wrong: bool | None = None,
    confidence: float = 0.7,
    model_tier: str = "standard",
    needs_model: str = "capable",
    score: float | None = None,
    details: dict[str, Any] | None = None,
    trap_error_kind: str | None = None,
) -> NewAttempt:
    """One attempt; a judgment when `said_wrong` is given (truth: the trap, else sound)."""
    checks = checks if checks is not None else [check("length", True)]
    if score is None:
        scored = [c for c in checks if not c.get("unscored")]
        score = sum(c["passed"] for c in scored) / len(scored) if scored else None
    judgment = correct = None
    if said_wrong is not None:
        truth = (trap is not None) if truth_wrong is None else truth_wrong
        judgment = {
            "verdict": "wrong" if said_wrong else "ok",
            "confidence": confidence,
            "scored": True,
            "truth_wrong": truth,
        }
        correct = said_wrong == truth
    mutation = None
    if trap is not None:
        mutation = {
            "name": trap,
            "output": "flawed",
            "changed_lines": [1],
            "description": "planted",
            "error_kind": trap_error_kind,
            "note": "",
        }
    start = T0 + timedelta(hours=i)
    return NewAttempt(
        exercise_id=f"ex-{i}",
        exercise_level=1,
        kind="prompt",
        needs_model=needs_model,
        started_at=start,
        finished_at=start + timedelta(minutes=5),
        model="fake",
        model_tier=model_tier,
        trap=mutation,
        checks=checks,
        details=details,
        output_score=score,
        judgment=judgment,
        judgment_correct=correct,
    )


@pytest.fixture
def store() -> Iterator[Store]:
    store = open_store()
    yield store
    store.close()


_LEARNERS = itertools.count(1)


def stored(store: Store, attempts: list[NewAttempt]) -> list[AttemptRecord]:
    """`attempts` as a new learner's stored history."""
    learner = store.ensure_learner(f"Learner {next(_LEARNERS)}", "analyst")
    for new in attempts:
        store.add_attempt(learner.id, new)
    return store.attempts(learner.id)


def codes(weaknesses: list[Weakness]) -> list[str]:
    return [w.code for w in weaknesses]


def by_code(weaknesses: list[Weakness], code: str) -> Weakness:
    return next(w for w in weaknesses if w.code == code)


def sound(i: int) -> NewAttempt:
    """A clean attempt: every check passed, a sound output rightly accepted."""
    return attempt(i, said_wrong=False)


# --- planted flaws missed ---------------------------------------------------------


def test_missed_changed_numbers_are_named_with_their_figures(store: Store) -> None:
    history = [attempt(i, trap="change_number", said_wrong=i == 3) for i in range(4)]
    found = detect_weaknesses(stored(store, history))
    numbers = by_code(found, "misses_wrong_numbers")
    assert numbers.label == "misses wrong numbers or dates"
    assert (numbers.count, numbers.out_of) == (3, 4)
    assert numbers.detail.startswith("accepted 3 of 4 outputs with a changed number or date")
    assert "in your last 4 attempts" in numbers.detail
    assert numbers.train_mutations == ("change_number", "shift_date")


@pytest.mark.parametrize(
    ("mutation", "code"),
    [
        ("shift_date", "misses_wrong_numbers"),
        ("invent_citation", "misses_invented_sources"),
        ("drop_item", "misses_changed_facts"),
        ("swap_names", "misses_changed_facts"),
        ("swap_label", "misses_changed_facts"),
        ("remove_negation", "misses_changed_facts"),
        ("truncate", "misses_broken_format"),
        ("add_extra_text", "misses_broken_format"),
    ],
)
def test_each_mutation_missed_names_its_group(store: Store, mutation: str, code: str) -> None:
    history = [attempt(i, trap=mutation, said_wrong=False) for i in range(3)]
    found = detect_weaknesses(stored(store, history))
    assert codes(found) == [code]
    assert mutation in found[0].train_mutations


def test_a_recorded_trap_counts_by_its_default_error_kind(store: Store) -> None:
    history = [
        attempt(i, trap="recorded", trap_error_kind="Invented citation", said_wrong=False)
        for i in range(3)
    ]
    assert codes(detect_weaknesses(stored(store, history))) == ["misses_invented_sources"]


def test_below_the_count_or_the_share_nothing_is_named(store: Store) -> None:
    two_missed = [attempt(i, trap="change_number", said_wrong=i >= 2) for i in range(4)]
    assert detect_weaknesses(stored(store, two_missed)) == []
    # 3 missed of 8 is under 40 %.
    rare = [attempt(i, trap="change_number", said_wrong=i >= 3) for i in range(8)]
    assert detect_weaknesses(stored(store, rare)) == []


def test_unscored_judgments_are_not_counted(store: Store) -> None:
    history = []
    for i in range(4):
        new = attempt(i, trap="change_number", said_wrong=False)
        history.append(new.model_copy(update={"judgment_correct": None}))
    assert detect_weaknesses(stored(store, history)) == []


# --- output checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grader", "code"),
    [
        ("json", "forgets_format"),
        ("regex", "forgets_format"),
        ("exact", "forgets_format"),
        ("contains_all", "leaves_out_content"),
        ("contains", "leaves_out_content"),
        ("must_not_contain", "lets_forbidden_through"),
        ("length", "wrong_length"),
        ("quotes_exist_in", "ungrounded_output"),
        ("number", "numbers_wrong"),
    ],
)
def test_each_failing_check_group_is_named(store: Store, grader: str, code: str) -> None:
    history = [
        attempt(i, checks=[check(grader, i == 0), check("label_in", True)]) for i in range(5)
    ]
    found = detect_weaknesses(stored(store, history))
    assert codes(found) == [code]
    weakness = found[0]
    assert (weakness.count, weakness.out_of) == (4, 5)
    assert grader in weakness.train_graders
    assert "in 4 of the 5 attempts that had one, of your last 5" in weakness.detail


def test_a_negated_contains_is_forbidden_content(store: Store) -> None:
    history = [attempt(i, checks=[check("contains", False, negated=True)]) for i in range(3)]
    assert codes(detect_weaknesses(stored(store, history))) == ["lets_forbidden_through"]


def test_an_attempt_counts_once_per_group(store: Store) -> None:
    # Two failing format checks in each of three attempts: 3 of 3, not 6 of 6.
    history = [attempt(i, checks=[check("json", False), check("regex", False)]) for i in range(3)]
    weakness = detect_weaknesses(stored(store, history))[0]
    assert (weakness.code, weakness.count, weakness.out_of) == ("forgets_format", 3, 3)


def test_hidden_inputs_checks_count_too(store: Store) -> None:
    inputs = {"inputs": [{"id": "a", "checks": [check("json", False)]}, {"id": "b"}]}
    history = [
        attempt(i, checks=[check("instructions_input", False)], details=inputs) for i in range(3)
    ]
    assert codes(detect_weaknesses(stored(store, history))) == ["forgets_format"]


def test_unscored_checks_are_ignored(store: Store) -> None:
    failing = check("json", False, unscored=True)
    history = [attempt(i, checks=[failing, check("length", True)]) for i in range(5)]
    assert detect_weaknesses(stored(store, history)) == []


def test_failures_from_a_model_below_the_need_are_ignored(store: Store) -> None:
    weak = [
        attempt(i, checks=[check("json", False)], model_tier="small", needs_model="frontier")
        for i in range(5)
    ]
    assert detect_weaknesses(stored(store, weak)) == []
    # The same failures from a model that meets the need do count.
    able = [attempt(i, checks=[check("json", False)], model_tier="frontier") for i in range(5)]
    assert codes(detect_weaknesses(stored(store, able))) == ["forgets_format"]


# --- the window --------------------------------------------------------------------------


def test_only_the_most_recent_window_is_read(store: Store) -> None:
    old_mistakes = [attempt(i, checks=[check("json", False)]) for i in range(5)]
    recent_clean = [attempt(5 + i, checks=[check("json", True)]) for i in range(6)]
    records = stored(store, old_mistakes + recent_clean)
    assert detect_weaknesses(records, window=6) == []
    assert detect_weaknesses(records, window=8) == []  # 2 of 8: too few
    found = detect_weaknesses(records, window=11)
    assert codes(found) == ["forgets_format"]
    assert (found[0].count, found[0].out_of) == (5, 11)
    assert "of your last 11" in found[0].detail


def test_the_default_window_is_forty_attempts(store: Store) -> None:
    old_mistakes = [attempt(i, checks=[check("json", False)]) for i in range(5)]
    clean = [sound(5 + i) for i in range(40)]
    assert detect_weaknesses(stored(store, old_mistakes + clean)) == []


def test_an_empty_or_clean_history_has_no_weaknesses(store: Store) -> None:
    assert detect_weaknesses([]) == []
    assert detect_weaknesses(stored(store, [sound(i) for i in range(20)])) == []


# --- judgment bias and confidence -----------------------------------------------------


def expected_c(records: list[JudgmentRecord]) -> str:
    return f"{judgment_metrics(records).bias_c:+.1f}".replace("-", "\N{MINUS SIGN}")


def test_crying_wolf_names_the_bias_with_the_computed_c(store: Store) -> None:
    # Ten sound outputs, four called wrong; four flawed ones, all caught.
    history = [attempt(i, said_wrong=i < 4) for i in range(10)]
    history += [attempt(10 + i, trap="change_number", said_wrong=True) for i in range(4)]
    found = detect_weaknesses(stored(store, history))
    weakness = by_code(found, "false_alarms")
    judged = [JudgmentRecord(truth_wrong=False, said_wrong=i < 4) for i in range(10)]
    judged += [JudgmentRecord(truth_wrong=True, said_wrong=True) for _ in range(4)]
    c = expected_c(judged)
    assert c.startswith("\N{MINUS SIGN}")
    assert weakness.label == f"flags correct outputs as wrong too often (bias c = {c})"
    assert (weakness.count, weakness.out_of) == (4, 10)
    assert weakness.detail == "called 4 of 10 sound outputs wrong in your last 14 attempts"


def test_accepting_flawed_outputs_names_the_opposite_bias(store: Store) -> None:
    mutations = ["change_number", "invent_citation", "drop_item", "truncate", "shift_date"]
    history = [attempt(i, trap=m, said_wrong=i == 0) for i, m in enumerate(mutations)]
    history += [sound(10 + i) for i in range(5)]
    found = detect_weaknesses(stored(store, history))
    weakness = by_code(found, "too_trusting")
    assert weakness.label.startswith("accepts flawed outputs too often (bias c = +")
    assert (weakness.count, weakness.out_of) == (4, 5)
    assert weakness.train_mutations  # any exercise with a planted flaw trains it


def test_no_bias_on_fewer_than_eight_judgments(store: Store) -> None:
    history = [attempt(i, said_wrong=i < 4) for i in range(7)]
    assert "false_alarms" not in codes(detect_weaknesses(stored(store, history)))


def test_no_bias_without_enough_false_alarms(store: Store) -> None:
    # All flawed and all caught: the corrected c is negative, but nobody cried wolf.
    history = [attempt(i, trap="change_number", said_wrong=True) for i in range(10)]
    assert detect_weaknesses(stored(store, history)) == []


def test_confident_and_wrong_is_overconfidence(store: Store) -> None:
    history = [
        attempt(i, trap="change_number" if i % 2 else None, said_wrong=i % 3 == 0, confidence=0.9)
        for i in range(6)
    ]
    records = stored(store, history)
    wrong = sum(r.judgment_correct is False for r in records)
    assert wrong >= MIN_COUNT
    weakness = by_code(detect_weaknesses(records), "overconfident")
    assert (weakness.count, weakness.out_of) == (wrong, 6)
    assert "at 80% confidence or more" in weakness.detail
    # The same calls made unsure are not overconfidence.
    unsure = [h.model_copy(update={"judgment": {**h.judgment, "confidence": 0.6}}) for h in history]
    assert "overconfident" not in codes(detect_weaknesses(stored(store, unsure)))


def test_most_severe_first(store: Store) -> None:
    history = [
        attempt(i, checks=[check("json", i == 0), check("length", i < 3)], said_wrong=False)
        for i in range(6)
    ]
    found = detect_weaknesses(stored(store, history))
    assert codes(found) == ["forgets_format", "wrong_length"]  # 5 of 6, then 3 of 6


# --- exercises that train a weakness ------------------------------------------------


def test_training_exercises_use_the_checks_or_the_traps() -> None:
    catalog = load_catalog(all_sources([]))
    exercises = [entry.exercise for entry in catalog.exercises]
    numbers = Weakness(
        code="misses_wrong_numbers",
        label="x",
        detail="x",
        count=3,
        out_of=3,
        train_mutations=("change_number",),
    )
    ids = training_exercises([numbers], exercises)
    assert "l1-job-ad-post" in ids
    for exercise_id in ids:
        traps = catalog.exercise(exercise_id).judgment.traps
        assert any(trap.mutate == "change_number" for trap in traps)
    fmt = numbers.model_copy(update={"train_mutations": (), "train_graders": ("json",)})
    json_ids = training_exercises([fmt], exercises)
    assert "l1-renewal-dates-to-json" in json_ids
    assert training_exercises([], exercises) == frozenset()


# --- the session: weaknesses and the engine's preference ----------------------------


def test_the_session_prefers_exercises_that_train_its_weaknesses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = Session.open(seed=3, trap_mode="never")
    session.save_profile("Ada", "analyst", "local/smollm2")
    for i in range(4):
        missed = attempt(i, trap="change_number", said_wrong=False)
        session.store.add_attempt(session.learner.id, missed)
    assert codes(session.weaknesses()) == ["misses_wrong_numbers"]
    trains = training_exercises(session.weaknesses(), session.playable())
    at_level = {e.id for e in session.playable() if e.level == session.level}
    assert trains & at_level and at_level - trains

    def share(picks: list[str]) -> float:
        return sum(pick in trains for pick in picks) / len(picks)

    pushed = [session.next_exercise().id for _ in range(400)]
    monkeypatch.setattr("coach.runtime.session.training_exercises", lambda *args: frozenset())
    plain = [session.next_exercise().id for _ in range(400)]
    assert share(pushed) > share(plain) + 0.1
