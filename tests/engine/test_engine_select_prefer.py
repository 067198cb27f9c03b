"""Practice selection preferring exercises that train a weakness, within the usual rules."""

from __future__ import annotations

import random
from collections import Counter

from test_engine_select import bank, did

from coach.engine.evidence import AttemptEvidence, ItemInfo
from coach.engine.params import EngineParams
from coach.engine.select import next_exercise


def draws(
    items: list[ItemInfo],
    history: list[AttemptEvidence],
    n: int,
    rng: random.Random,
    **options: object,
) -> list[str]:
    picks = [next_exercise(items, 3, history, rng, **options) for _ in range(n)]  # type: ignore[arg-type]
    return [p.exercise_id for p in picks if p is not None]


def test_preferred_exercises_are_drawn_clearly_more_often() -> None:
    items = bank()
    preferred = frozenset({"l3-01", "l3-05"})
    plain = Counter(draws(items, [], 2000, random.Random(11), review_share=0.0))
    pushed = Counter(draws(items, [], 2000, random.Random(11), review_share=0.0, prefer=preferred))
    share_plain = sum(plain[i] for i in preferred) / 2000
    share_pushed = sum(pushed[i] for i in preferred) / 2000
    # Two of nine at the level: about a fifth by weight; with a 30 % push, about half.
    assert share_plain < 0.3
    assert share_pushed > share_plain + 0.2
    assert set(pushed) <= {i.exercise_id for i in items if i.level == 3}


def test_the_share_is_a_parameter() -> None:
    items = bank()
    preferred = frozenset({"l3-01"})
    always = EngineParams(weakness_share=1.0)
    picks = draws(
        items, [], 50, random.Random(2), review_share=0.0, prefer=preferred, params=always
    )
    assert set(picks) == {"l3-01"}


def test_an_empty_prefer_leaves_the_draws_unchanged() -> None:
    items = bank()
    history = [did(item, n) for n, item in enumerate(items[20:26])]
    a, b = random.Random(5), random.Random(5)
    without = draws(items, history, 200, a)
    with_empty = draws(items, history, 200, b, prefer=frozenset())
    assert without == with_empty
    assert a.getstate() == b.getstate()


def test_preferring_what_is_not_eligible_changes_nothing() -> None:
    items = bank()
    recent = [item for item in items if item.level == 3][:2]
    history = [did(item, n) for n, item in enumerate(recent)]
    # Another level (no review, no stretch) and the recently done: never candidates.
    elsewhere = frozenset({"l5-00", "l1-03", *(item.exercise_id for item in recent)})
    a, b = random.Random(9), random.Random(9)
    without = draws(items, history, 300, a, review_share=0.0)
    preferring = draws(items, history, 300, b, review_share=0.0, prefer=elsewhere)
    assert without == preferring
    assert a.getstate() == b.getstate()
    assert not elsewhere & set(preferring)
