"""Practice selection: level, filters, no recent repeats, kinds mixed, review share."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from coach.engine.evidence import AttemptEvidence, ItemInfo
from coach.engine.select import SprintFilter, next_exercise

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KINDS = ("prompt", "review", "instructions")


def bank() -> list[ItemInfo]:
    return [
        ItemInfo(
            exercise_id=f"l{level}-{i:02d}",
            level=level,
            kind=KINDS[i % 3],
            skills=(f"s{i % 4}",),
            needs_model="any" if i % 2 else "frontier",
        )
        for level in range(1, 7)
        for i in range(9)
    ]


def did(item: ItemInfo, i: int, score: float = 1.0) -> AttemptEvidence:
    return AttemptEvidence.for_item(
        item, at=T0 + timedelta(minutes=5 * i), output_score=score, model_tier="frontier"
    )


def test_without_review_it_stays_at_the_level_and_avoids_recent_repeats() -> None:
    items = bank()
    rng = random.Random(3)
    history: list[AttemptEvidence] = []
    for i in range(40):
        pick = next_exercise(
            items, 3, history, rng, review_share=0.0, stretch_share=0.0, recent_window=6
        )
        assert pick is not None and pick.level == 3
        assert pick.exercise_id not in {a.exercise_id for a in history[-6:]}
        history.append(did(pick, i))


def test_when_everything_is_recent_the_least_recent_comes_back() -> None:
    items = [i for i in bank() if i.level == 2][:3]
    history = [did(items[0], 0), did(items[1], 1), did(items[2], 2)]
    for seed in range(20):
        pick = next_exercise(items, 2, history, random.Random(seed), review_share=0.0)
        assert pick is not None and pick.exercise_id == items[0].exercise_id


def test_review_share_brings_lower_levels_and_failed_items_back() -> None:
    items = bank()
    level4 = [i for i in items if i.level == 4]
    failed = level4[0]
    # The failed exercise is older than the recent window; nine passes since.
    history = [did(failed, 0, score=0.0)]
    history += [did(i, n + 1) for n, i in enumerate(level4[1:4] * 3)]
    picks = [
        next_exercise(items, 4, history, random.Random(seed), review_share=1.0, recent_window=3)
        for seed in range(100)
    ]
    assert all(p is not None and 2 <= p.level <= 4 for p in picks)
    assert any(p.level < 4 for p in picks)
    assert 30 <= sum(p.exercise_id == failed.exercise_id for p in picks) <= 70
    # With a share of 0.2 most picks stay at the level.
    levels = Counter(
        next_exercise(items, 4, [], random.Random(seed), review_share=0.2).level
        for seed in range(300)
    )
    assert 0.65 < levels[4] / 300 < 0.95


def test_sprint_filters_are_honoured() -> None:
    items = bank()
    sprint = SprintFilter(skills=("s1",), levels=(2, 5), kinds=("review", "prompt"))
    for seed in range(50):
        pick = next_exercise(items, 3, [], random.Random(seed), sprint=sprint, review_share=0.3)
        assert pick is not None
        assert pick.level in (2, 5) and pick.kind in ("review", "prompt") and "s1" in pick.skills
    # A level outside the sprint picks the nearest allowed one (the lower on a tie).
    only = SprintFilter(levels=(2, 5))
    picks = {
        next_exercise(items, 4, [], random.Random(s), sprint=only, review_share=0).level
        for s in range(30)
    }
    assert picks == {5}
    nothing = SprintFilter(kinds=("agent",))
    assert next_exercise(items, 3, [], random.Random(0), sprint=nothing) is None


def test_kinds_are_mixed() -> None:
    items = bank()
    prompts = [i for i in items if i.level == 3 and i.kind == "prompt"]
    history = [did(p, n) for n, p in enumerate(prompts)] + [did(prompts[0], 9)]
    kinds = Counter(
        next_exercise(items, 3, history, random.Random(seed), review_share=0).kind
        for seed in range(300)
    )
    # Each kind is a third of the level; after a run of prompts they come less often.
    assert kinds["prompt"] < 60


def test_a_weak_model_is_offered_only_what_it_can_do_justice_to() -> None:
    items = bank()
    for tier in ("small", "unknown"):
        picks = [
            next_exercise(items, 3, [], random.Random(s), review_share=0, model_tier=tier)
            for s in range(300)
        ]
        # Review items use no model: their stated need does not matter.
        needs = Counter(p.needs_model for p in picks if p is not None and p.kind != "review")
        assert needs["frontier"] == 0 and needs["capable"] == 0
        assert picks and all(p is not None for p in picks)
    capable = [
        next_exercise(items, 3, [], random.Random(s), review_share=0, model_tier="frontier")
        for s in range(300)
    ]
    assert Counter(p.needs_model for p in capable if p is not None)["frontier"] > 0


def test_the_same_seed_gives_the_same_pick_whatever_the_bank_order() -> None:
    items = bank()
    shuffled = list(reversed(items))
    for seed in range(10):
        a = next_exercise(items, 3, [], random.Random(seed))
        b = next_exercise(shuffled, 3, [], random.Random(seed))
        assert a == b


def test_a_run_of_passes_brings_stretch_exercises_from_the_level_above() -> None:
    items = bank()
    level3 = [i for i in items if i.level == 3]
    passes = [did(item, n) for n, item in enumerate(level3[:5])]
    fails = [did(item, n, score=0.0) for n, item in enumerate(level3[:5])]

    def levels(history: list[AttemptEvidence]) -> Counter:
        return Counter(
            next_exercise(items, 3, history, random.Random(s), review_share=0.0).level
            for s in range(200)
        )

    on_a_run = levels(passes)
    assert set(on_a_run) == {3, 4} and 30 < on_a_run[4] < 90  # 30 % by default
    assert set(levels(fails)) == {3}
