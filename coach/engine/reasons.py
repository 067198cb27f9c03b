"""Plain-language reasons for level events, built only from the evidence numbers."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percent(p: float) -> str:
    """A probability as a whole percentage, rounded down and kept within 1..99 %.

    Rounding down never overstates certainty: a promotion at p >= 0.9 always
    reads at least "90 %", and nothing reads "100 % sure".
    """
    value = min(99, max(1, math.floor(p * 100 + 1e-9)))
    return f"{value} %"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _judgment_clause(caught: int, flawed: int) -> str:
    if flawed == 0:
        return ""
    return f" and caught {caught} of {flawed} flawed outputs"


def _weak_clause(weak: int) -> str:
    if weak == 0:
        return ""
    outputs = "output" if weak == 1 else "outputs"
    return (
        f" ({weak} {outputs} from a model weaker than the exercise needs did not count against you)"
    )


def _own_clause(own: int) -> str:
    if own == 0:
        return ""
    return f" ({_plural(own, 'attempt')} on your own exercises did not count for the level)"


def promotion_reason(
    level: int,
    passed: int,
    window: int,
    caught: int,
    flawed: int,
    p_above: float,
    weak: int = 0,
    own: int = 0,
) -> str:
    return (
        f"You passed {passed} of your last {window} level-{level} exercises"
        f"{_judgment_clause(caught, flawed)}{_weak_clause(weak)}{_own_clause(own)}; "
        f"we are {percent(p_above)} sure you are above level {level}."
    )


def demotion_reason(
    level: int,
    failed: int,
    window: int,
    caught: int,
    flawed: int,
    p_below: float,
    weak: int = 0,
    own: int = 0,
) -> str:
    return (
        f"You missed {failed} of your last {window} level-{level} exercises"
        f"{_judgment_clause(caught, flawed)}{_weak_clause(weak)}{_own_clause(own)}; "
        f"we are {percent(p_below)} sure level {level} is above you for now, "
        f"so you move to level {level - 1} to practise."
    )


def placement_reason(
    level: int,
    provisional: bool,
    probabilities: Sequence[float],
    items: int,
    passed: int,
    scored: int,
    caught: int,
    flawed: int,
    self_report: str | None = None,
    split_with: int | None = None,
) -> str:
    """The placement in words. `split_with` is the other level of a split (the upper one)."""
    p_level = probabilities[level - 1]
    if items == 0:
        source = f" (from what you told us: {self_report!r})" if self_report else ""
        return (
            f"You have not taken the placement, so you start at level {level}{source}, "
            "provisionally: your first exercises will show where you are."
        )
    did = (
        f"You passed {passed} of {_plural(scored, 'placement exercise')}"
        f"{_judgment_clause(caught, flawed)}"
    )
    if not provisional:
        return f"{did}; we are {percent(p_level)} sure you are at level {level}."
    if split_with is not None:
        return (
            f"{did}; you sit between level {level} ({percent(p_level)}) and level {split_with} "
            f"({percent(probabilities[split_with - 1])}), so you start at level {level}, "
            "provisionally: a few more exercises will settle it."
        )
    return (
        f"{did}; level {level} is the likeliest ({percent(p_level)}) but not yet sure, "
        "so you start there, provisionally: a few more exercises will settle it."
    )
