"""A path for each person: the gap to the role's target, the two or three
skills whose practice would close it soonest, what trains them, and how much
practice it has taken people in the same team to move up a level.

Which skills come first: the person's recurring weaknesses (the standing's,
worst first: they are the checks they fail most often, so practising them
turns the most failures into passes), then a capability of theirs that is
weak, then the skills the role profile names. The role's capabilities put
their weaknesses first.

The path is advice built from the catalog and from other people's level
moves, so `coach verify` does not replay it (it checks the figures it rests on:
the level, the gap, the weaknesses and the capabilities).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coach.content.loader import Catalog
from coach.content.models import Role
from coach.engine.weaknesses import Weakness
from coach.export.capabilities import TITLES, Capabilities
from coach.runtime.weaknesses import training_exercises

MIN_MOVES = 5  # fewer level moves than this in the team: no figure
FOCUS = 3
WEAK_SHARE = 0.6  # a capability below this share (with enough evidence) is worth practice
_CAPABILITY_KINDS = {
    "produce": ("prompt", "instructions", "pipeline"),
    "judge": ("review",),
    "fit": ("fit",),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Training(_Model):
    id: str = Field(description="Exercise id, or the family id for generated exercises.")
    title: str
    level: int
    generated: bool = Field(description="A family that generates fresh instances.")


class Focus(_Model):
    skill: str = Field(description="A weakness code, a capability or a skill id.")
    label: str
    why: str
    train: list[Training]


class Moves(_Model):
    """How much practice people in this export took to move up from a level."""

    from_level: int
    moves: int = Field(description="Level moves up from this level the figures rest on.")
    same_role: bool = Field(
        description=f"From people in the same role ({MIN_MOVES} or more moves), else everyone."
    )
    median_attempts: int | None = Field(description=f"None below {MIN_MOVES} moves.")
    median_days: int | None = Field(description=f"None below {MIN_MOVES} moves.")
    sentence: str


class PersonPath(_Model):
    sentence: str = Field(description="Where the person is against the role, in words.")
    focus: list[Focus] = Field(description="Two or three skills to practise first.")
    practice_to_move: Moves | None = Field(description="None when not placed.")


def third_person(text: str) -> str:
    """The engine's sentences address the learner; the report speaks about them."""
    for mine, theirs in (
        ("Your ", "Their "),
        ("your ", "their "),
        ("You ", "They "),
        ("you ", "they "),
    ):
        text = text.replace(mine, theirs)
    return text


def gap_words(name: str, status: str, level: int | None, target: int | None) -> str:
    """Where the person is against the role, in the third person."""
    if level is None:
        return f"{name} has not been placed yet: no level to compare with the role."
    if target is None:
        return f"{name} is at level {level}; the role has no target level."
    if status == "below":
        gap = target - level
        return (
            f"{name} is at level {level}; the role needs level {target}: "
            f"{gap} level{'s' if gap != 1 else ''} to go."
        )
    if status == "above":
        return (
            f"{name} is at level {level}, above the level {target} the role needs. "
            "Higher is not better in itself: no gap to close."
        )
    return f"{name} is at level {level}, the level the role needs."


# --- practice to move a level -------------------------------------------------


# (attempts, days, role) for one move up one level
MoveSeen = tuple[int, float, str]
MovesByLevel = dict[int, list[MoveSeen]]


def level_moves(
    people: Iterable[tuple[Sequence[Any], Sequence[datetime], str]],
) -> MovesByLevel:
    """from level -> [(attempts, days, role)] for each move up one level, from
    each person's level events, attempt times (both oldest first) and role.
    Provisional placements are not moves: they are where someone started."""
    found: MovesByLevel = defaultdict(list)
    for events, times, role in people:
        since: datetime | None = None
        for event in events:
            if event.provisional or event.from_level is None:
                since = event.at
                continue
            if event.to_level == event.from_level + 1 and since is not None:
                attempts = sum(since < t <= event.at for t in times)
                days = (event.at - since).total_seconds() / 86400
                found[event.from_level].append((attempts, days, role))
            since = event.at
    return found


def moves_from(level: int, moves: MovesByLevel, role: str | None = None) -> Moves:
    """The practice people like this person took to move up from `level`: people
    in the same role when they made enough moves, else everyone in the report."""
    everyone = moves.get(level, [])
    same = [m for m in everyone if m[2] == role]
    same_role = role is not None and len(same) >= MIN_MOVES
    seen = same if same_role else everyone
    who = "in the same role" if same_role else "in this report"
    if len(seen) < MIN_MOVES:
        return Moves(
            from_level=level,
            moves=len(seen),
            same_role=False,
            median_attempts=None,
            median_days=None,
            sentence=f"Not enough data yet: {len(seen)} move{'s' if len(seen) != 1 else ''} "
            f"from level {level} to {level + 1} among the people in this report "
            f"({MIN_MOVES} needed) to say how much practice it takes.",
        )
    attempts = round(statistics.median(m[0] for m in seen))
    days = round(statistics.median(m[1] for m in seen))
    return Moves(
        from_level=level,
        moves=len(seen),
        same_role=same_role,
        median_attempts=attempts,
        median_days=days,
        sentence=f"People {who} who moved from level {level} to {level + 1} took a "
        f"median of {attempts} attempts over {days} days ({len(seen)} moves).",
    )


# --- what to practise ---------------------------------------------------------


def _exercise_items(catalog: Catalog) -> list[Any]:
    return [e.exercise for e in catalog.exercises if not e.private]


def _closest(items: Iterable[Training], level: int) -> list[Training]:
    """Three, nearest the person's level; above the next level only when none nearer."""
    return sorted(
        items, key=lambda t: (t.level > level + 1, abs(t.level - level), t.level, t.generated, t.id)
    )[:3]


_memo: list[tuple[Catalog, dict[tuple[Any, ...], list[Training]]]] = []


def _remembered(
    catalog: Catalog, key: tuple[Any, ...], compute: Callable[[], list[Training]]
) -> list[Training]:
    """What trains a skill at a level, once per catalog: an export asks it for
    every person, and the answer depends only on the catalog."""
    if not _memo or _memo[0][0] is not catalog:
        _memo[:] = [(catalog, {})]
    found = _memo[0][1]
    if key not in found:
        found[key] = compute()
    return list(found[key])


def _training_for_weakness(catalog: Catalog, weakness: Weakness, level: int) -> list[Training]:
    return _remembered(
        catalog,
        ("weakness", weakness.train_graders, weakness.train_mutations, level),
        lambda: _find_for_weakness(catalog, weakness, level),
    )


def _find_for_weakness(catalog: Catalog, weakness: Weakness, level: int) -> list[Training]:
    exercises = _exercise_items(catalog)
    ids = training_exercises([weakness], exercises)
    found = [
        Training(id=e.id, title=e.title, level=e.level, generated=False)
        for e in exercises
        if e.id in ids
    ]
    kinds = {e.kind for e in exercises if e.id in ids}
    found += [
        Training(id=f.id, title=f.title, level=f.level, generated=True)
        for f in catalog.families
        if f.kind in kinds
    ]
    return _closest(found, level)


def _training_by(
    catalog: Catalog, level: int, kinds: Sequence[str], skill: str | None
) -> list[Training]:
    return _remembered(
        catalog,
        ("by", level, tuple(kinds), skill),
        lambda: _find_by(catalog, level, kinds, skill),
    )


def _find_by(
    catalog: Catalog, level: int, kinds: Sequence[str], skill: str | None
) -> list[Training]:
    def fits(kind: str, skills: Iterable[str]) -> bool:
        return (skill in skills) if skill else kind in kinds

    found = [
        Training(id=e.id, title=e.title, level=e.level, generated=False)
        for e in _exercise_items(catalog)
        if fits(e.kind, e.skills)
    ]
    found += [
        Training(id=f.id, title=f.title, level=f.level, generated=True)
        for f in catalog.families
        if fits(f.kind, f.skills)
    ]
    return _closest(found, level)


def focus_of(
    catalog: Catalog | None,
    role: Role | None,
    level: int | None,
    weaknesses: Sequence[dict[str, Any]],
    capabilities: Capabilities,
) -> list[Focus]:
    """Up to three skills to practise first, each with what trains it."""
    at = level or 1
    important = list(role.capabilities) if role else []
    stored = [Weakness(**w) for w in weaknesses]
    if "judge" in important:  # a role that must judge: missed flaws first
        stored.sort(key=lambda w: not w.code.startswith("misses_"))
    picked: list[Focus] = []
    for weak in stored[:FOCUS]:
        picked.append(
            Focus(
                skill=weak.code,
                label=weak.label,
                why=f"A recurring mistake: {third_person(weak.detail).rstrip('.')}.",
                train=[] if catalog is None else _training_for_weakness(catalog, weak, at),
            )
        )
    ordered = important + [c for c in ("judge", "produce", "fit") if c not in important]
    for name in ordered:
        if len(picked) >= FOCUS:
            break
        cap = getattr(capabilities, name)
        if cap.share is None or cap.share >= WEAK_SHARE:
            continue
        why = f"{TITLES[name]} is weak: {cap.words}"
        if name in important:
            why += "; the role counts on it"
        picked.append(
            Focus(
                skill=name,
                label=TITLES[name],
                why=why + ".",
                train=[]
                if catalog is None
                else _training_by(catalog, at, _CAPABILITY_KINDS[name], None),
            )
        )
    for skill in role.skills if role else []:
        if len(picked) >= FOCUS or (level is not None and role and level >= role.target_level):
            break
        picked.append(
            Focus(
                skill=skill,
                label=skill.replace("-", " "),
                why="The role profile names it as a skill that matters most.",
                train=[] if catalog is None else _training_by(catalog, at, (), skill),
            )
        )
    return picked


def path_of(
    catalog: Catalog | None,
    role: Role | None,
    level: int | None,
    gap_sentence: str,
    weaknesses: Sequence[dict[str, Any]],
    capabilities: Capabilities,
    moves: MovesByLevel,
) -> PersonPath:
    return PersonPath(
        sentence=gap_sentence,
        focus=focus_of(catalog, role, level, weaknesses, capabilities),
        practice_to_move=(
            None if level is None else moves_from(level, moves, role.id if role else None)
        ),
    )
