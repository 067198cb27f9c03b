"""The placement's bank: the one function the placement screen and `coach simulate` share.

The placement grades review and fit exercises (no model, no typing): the
catalog's hand-written ones plus `FAMILY_DRAWS` fresh instances of each
generated review or fit family, so every level has judgment items to choose
from. Prompt-like exercises join only when the screen is given a way to run
one (`prompt_items=True`); the app gives none today (`coach/tui/app.py`), so
the bank the app ships, and the one `coach simulate` places on, is review and
fit with family instances.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from coach.content.families import instance_id
from coach.content.models import Kind
from coach.engine.evidence import ItemInfo
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.people import eligible_counts
from coach.runtime.instances import SEED_SPACE, family_info
from coach.runtime.session import item_info

PLACEMENT_KINDS = (Kind.REVIEW, Kind.FIT)
# Fresh instances of each review or fit family offered to one placement.
FAMILY_DRAWS = 3
TIERS = ("frontier", "standard", "small", "unknown")


def placement_kinds(prompt_items: bool = False) -> list[str]:
    """The kinds a placement draws on: review and fit, plus prompt when it can run one."""
    return [str(kind) for kind in PLACEMENT_KINDS] + ([str(Kind.PROMPT)] if prompt_items else [])


def placement_bank(
    catalog: Any,
    kinds: Iterable[str] = PLACEMENT_KINDS,
    rng: random.Random | None = None,
    *,
    calibrated: bool = True,
) -> list[ItemInfo]:
    """The engine's view of the catalog's exercises of these kinds, plus fresh instances
    of its generated families of these kinds (`FAMILY_DRAWS` each, seeds from `rng`).

    `calibrated=False` keeps the authored difficulties (a simulation must not
    depend on the calibration file in someone's data folder).
    """
    wanted = {str(kind) for kind in kinds}
    rng = rng or random.Random()
    drawn = [
        family_info(family, instance_id(family.id, family.version, rng.randrange(SEED_SPACE)))
        for family in getattr(catalog, "families", [])
        if str(family.kind) in wanted
        for _ in range(FAMILY_DRAWS)
    ]
    exercises = [loaded.exercise for loaded in catalog.exercises]
    return drawn + [item_info(e, calibrated=calibrated) for e in exercises if str(e.kind) in wanted]


def eligible_report(
    bank: Sequence[ItemInfo], params: EngineParams = DEFAULT_PARAMS
) -> dict[str, dict[int, int]]:
    """Placement-eligible items per level, for every tier the engine knows (and "unknown")."""
    return {tier: eligible_counts(bank, tier, params) for tier in TIERS}
