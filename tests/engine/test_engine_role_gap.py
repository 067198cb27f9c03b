"""Role gap: at, below (with the gap) and above the role's target level."""

from __future__ import annotations

from coach.engine.role_gap import role_gap


def test_at_target() -> None:
    gap = role_gap(3, 3, "Marketer")
    assert (gap.status, gap.gap) == ("at", 0)
    assert gap.sentence == "You are at level 3, the target for your role (Marketer)."


def test_below_target() -> None:
    gap = role_gap(3, 1)
    assert (gap.status, gap.gap) == ("below", 2)
    assert (
        gap.sentence
        == "You are at level 1; the target for your role is level 3: a gap of 2 levels."
    )
    assert role_gap(4, 3).sentence.endswith("a gap of 1 level.")


def test_above_target() -> None:
    gap = role_gap(3, 5, "Marketer")
    assert (gap.status, gap.gap) == ("above", 0)
    assert gap.sentence == (
        "You are at level 5, above level 3, the target for your role (Marketer); "
        "higher is not needed for this role."
    )
