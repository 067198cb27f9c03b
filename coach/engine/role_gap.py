"""How a learner's level compares with their role's target level."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class RoleGap(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: Literal["at", "below", "above"]
    gap: int  # levels to go; 0 at or above the target
    level: int
    target_level: int
    sentence: str


def role_gap(target_level: int, level: int, role_name: str | None = None) -> RoleGap:
    """Compare `level` with the role's `target_level`; higher is not better in itself."""
    role_target = (
        f"the target for your role ({role_name})" if role_name else "the target for your role"
    )
    if level == target_level:
        status, gap = "at", 0
        sentence = f"You are at level {level}, {role_target}."
    elif level < target_level:
        status, gap = "below", target_level - level
        levels = "level" if gap == 1 else "levels"
        sentence = (
            f"You are at level {level}; {role_target} is level {target_level}: "
            f"a gap of {gap} {levels}."
        )
    else:
        status, gap = "above", 0
        sentence = (
            f"You are at level {level}, above level {target_level}, {role_target}; "
            "higher is not needed for this role."
        )
    return RoleGap(
        status=status, gap=gap, level=level, target_level=target_level, sentence=sentence
    )
