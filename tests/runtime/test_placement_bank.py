"""The placement bank the app ships: one function for the screen and `coach simulate`."""

from __future__ import annotations

import random

from coach.cli.simulate_cmd import app_placement_bank
from coach.content import load_catalog
from coach.content.families import parse_instance_id
from coach.engine.people import eligible_counts
from coach.runtime.placement_bank import (
    FAMILY_DRAWS,
    TIERS,
    eligible_report,
    placement_bank,
    placement_kinds,
)

MIN_PER_LEVEL = 8  # issue #17: at least 8 placement-eligible items per level


def test_every_level_has_at_least_eight_placement_items_for_every_tier() -> None:
    bank = placement_bank(load_catalog(), placement_kinds(), random.Random(1))
    report = eligible_report(bank)
    assert set(report) == set(TIERS)
    for tier, counts in report.items():
        short = {level: n for level, n in counts.items() if n < MIN_PER_LEVEL}
        assert not short, f"{tier}: levels short of {MIN_PER_LEVEL} items: {short}"


def test_the_bank_is_review_and_fit_with_fresh_family_instances() -> None:
    catalog = load_catalog()
    bank = placement_bank(catalog, placement_kinds(), random.Random(2))
    assert {item.kind for item in bank} == {"review", "fit"}
    ids = [item.exercise_id for item in bank]
    assert len(ids) == len(set(ids))
    families = [f for f in catalog.families if str(f.kind) in {"review", "fit"}]
    assert families
    for family in families:
        drawn = [ref for ref in map(parse_instance_id, ids) if ref and ref.family == family.id]
        assert len(drawn) == FAMILY_DRAWS
    written = {
        e.exercise.id for e in catalog.exercises if str(e.exercise.kind) in {"review", "fit"}
    }
    assert written <= set(ids)


def test_prompt_items_join_only_when_the_placement_can_run_them() -> None:
    assert "prompt" not in placement_kinds()
    bank = placement_bank(load_catalog(), placement_kinds(prompt_items=True), random.Random(3))
    prompts = [item for item in bank if item.kind == "prompt"]
    assert prompts
    # A prompt item places only a learner whose model is known to be up to it.
    assert sum(eligible_counts(bank, "unknown").values()) < sum(
        eligible_counts(bank, "frontier").values()
    )


def test_simulate_places_on_the_apps_bank() -> None:
    """`coach simulate` draws its placement bank with the app's function: the same
    exercises and families, the authored difficulties, instances from the seed."""
    simulated = app_placement_bank(7)
    assert simulated == app_placement_bank(7)
    app = placement_bank(load_catalog(), placement_kinds(), random.Random(0), calibrated=False)

    def shape(bank: list) -> list[tuple[str, int, float, str]]:
        rows = []
        for item in bank:
            ref = parse_instance_id(item.exercise_id)
            name = ref.family if ref else item.exercise_id
            rows.append((name, item.level, item.difficulty, item.kind))
        return sorted(rows)

    assert shape(simulated) == shape(app)
