"""Generated instances in selection: one bank item per family, a fresh seed per pick.

The engine sees each family as one item (`fam.<family>`) with the family's
level and difficulty, and the learner's past instances of it as attempts at
that item (so recency and kind mixing work as for any exercise). When the
engine picks a family, the session draws a seed the learner has never had,
so a family never shows the same materials twice. Hand-written exercises the
learner has already done leave the bank while a family can offer something
new: a fresh instance is preferred to any repeat.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from coach.content.families import Family, family_item_id, find_family, parse_family_id
from coach.content.families.ids import parse_instance_id
from coach.content.models import Kind
from coach.engine.evidence import AttemptEvidence, ItemInfo
from coach.store.records import AttemptRecord

SEED_SPACE = 2**32
MODEL_FREE = frozenset({Kind.REVIEW, Kind.FIT})


def family_info(family: Family, item_id: str | None = None) -> ItemInfo:
    """The engine's view of a family (or of one of its instances, by `item_id`)."""
    needs = family.needs_model or ("any" if family.kind in MODEL_FREE else "capable")
    skills = family.skills or family.generate(0).exercise.skills
    return ItemInfo(
        exercise_id=item_id or family.item_id,
        level=family.level,
        difficulty=family.difficulty,
        kind=str(family.kind),
        skills=tuple(skills),
        needs_model=needs,
    )


def family_items(families: Iterable[Family], kinds: Iterable[str]) -> list[ItemInfo]:
    wanted = {str(kind) for kind in kinds}
    return [family_info(family) for family in families if str(family.kind) in wanted]


def as_family_item(evidence: AttemptEvidence) -> AttemptEvidence:
    """An instance's attempt as an attempt at its family's item (for recency and mixing)."""
    ref = parse_instance_id(evidence.exercise_id)
    if ref is None:
        return evidence
    return evidence.model_copy(update={"exercise_id": family_item_id(ref.family)})


def fresh_exercises(exercises: Sequence[Any], records: Sequence[AttemptRecord]) -> list[Any]:
    """The exercises this learner has never attempted."""
    done = {record.exercise_id for record in records}
    return [exercise for exercise in exercises if exercise.id not in done]


def used_seeds(records: Iterable[AttemptRecord], family: str) -> set[int]:
    seeds = set()
    for record in records:
        ref = parse_instance_id(record.exercise_id)
        if ref is not None and ref.family == family:
            seeds.add(ref.seed)
    return seeds


def draw_instance(
    families: Sequence[Family],
    item_id: str,
    records: Sequence[AttemptRecord],
    rng: random.Random,
    taken: Iterable[str] = (),
) -> Any | None:
    """A fresh instance of the family `item_id` names (None if it names none).

    Fresh means a seed this learner never had, whose materials also differ
    from every instance of the family they met (or in `taken`, e.g. the
    placement's own draws).
    """
    family_name = parse_family_id(item_id)
    family = None if family_name is None else find_family(families, family_name)
    if family is None:
        return None
    used = used_seeds(records, family.id) | {
        ref.seed for ref in map(parse_instance_id, taken) if ref and ref.family == family.id
    }
    met = {family.generate(seed).fingerprint() for seed in sorted(used)}
    for _ in range(100):
        seed = rng.randrange(SEED_SPACE)
        if seed in used:
            continue
        instance = family.generate(seed)
        if instance.fingerprint() not in met:
            return instance.exercise
    return None
