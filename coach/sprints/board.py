"""The sprint board: per participant, what they did in the sprint (pure, no IO).

No ranking by raw score: people practise at different levels, so rows are in
name order and each shows progress against the person's own role target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.engine.evidence import passed
from coach.engine.placement import start_level
from coach.engine.replay import LearnerTracker
from coach.engine.role_gap import role_gap
from coach.runtime.evidence import evidence_of
from coach.store.records import AttemptRecord, LearnerRecord


@dataclass(frozen=True)
class LevelMove:
    from_level: int
    to_level: int
    reason: str


@dataclass(frozen=True)
class RoleTarget:
    name: str
    target_level: int


@dataclass(frozen=True)
class SprintTally:
    """One person's sprint: counts over the attempts that carry the sprint id."""

    attempts: int = 0
    passes: int = 0
    judged_right: int = 0
    judged: int = 0
    moves: list[LevelMove] = field(default_factory=list)
    level: int | None = None  # after all their attempts; None while placing

    @property
    def moves_text(self) -> str:
        if not self.moves:
            return "none"
        return ", ".join(f"{move.from_level}→{move.to_level}" for move in self.moves)


def tally(
    history: Sequence[AttemptRecord], sprint_id: int, self_report: int | None = None
) -> SprintTally:
    """Replay a learner's whole history (oldest first); count what the sprint's attempts did.

    A level move counts when an attempt of the sprint caused it; the first
    placement (no level before) is not a move.
    """
    tracker = LearnerTracker(self_report)
    attempts = passes = judged_right = judged = 0
    moves: list[LevelMove] = []
    for record in history:
        evidence = evidence_of(record)
        events = tracker.observe(evidence)
        if record.sprint_id != sprint_id:
            continue
        attempts += 1
        passes += passed(evidence) is True
        if record.judgment_correct is not None:
            judged += 1
            judged_right += record.judgment_correct
        moves.extend(
            LevelMove(event.from_level, event.to_level, event.reason)
            for event in events
            if event.from_level is not None and event.from_level != event.to_level
        )
    return SprintTally(attempts, passes, judged_right, judged, moves, tracker.level)


@dataclass(frozen=True)
class BoardRow:
    name: str
    role: str
    tally: SprintTally
    level: int
    target_level: int | None
    status: str | None  # "at", "below", "above"; None for an unknown role
    gap: int | None
    target_sentence: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "attempts": self.tally.attempts,
            "passes": self.tally.passes,
            "judgments_right": self.tally.judged_right,
            "judgments": self.tally.judged,
            "level_moves": [asdict(move) for move in self.tally.moves],
            "level": self.level,
            "placed": self.tally.level is not None,
            "target_level": self.target_level,
            "status": self.status,
            "gap": self.gap,
            "target": self.target_sentence,
        }


def board(
    learners: Sequence[LearnerRecord],
    histories: Mapping[int, Sequence[AttemptRecord]],
    sprint_id: int,
    roles: Mapping[str, RoleTarget],
) -> list[BoardRow]:
    """The rows of a sprint's board: everyone with at least one attempt in it, by name."""
    rows = []
    for learner in learners:
        counted = tally(histories.get(learner.id, ()), sprint_id, learner.self_report)
        if counted.attempts == 0:
            continue
        level = counted.level if counted.level is not None else start_level(learner.self_report)
        role = roles.get(learner.role)
        if role is None:
            rows.append(
                BoardRow(
                    learner.name,
                    learner.role,
                    counted,
                    level,
                    None,
                    None,
                    None,
                    f"Level {level}; no target known for the role {learner.role!r}.",
                )
            )
            continue
        gap = role_gap(role.target_level, level, role.name)
        rows.append(
            BoardRow(
                learner.name,
                learner.role,
                counted,
                level,
                role.target_level,
                gap.status,
                gap.gap,
                gap.sentence,
            )
        )
    rows.sort(key=lambda row: (row.name.casefold(), row.name))
    return rows


def render(rows: Sequence[BoardRow], title: str) -> str:
    """The board as plain text: one block per person, no ranking."""
    lines = [title, "(in name order; each person against their own role's target)", ""]
    if not rows:
        lines.append("No attempts in this sprint yet.")
    for row in rows:
        t = row.tally
        lines.append(f"{row.name} ({row.role})")
        lines.append(
            f"  attempts {t.attempts} · passes {t.passes} · "
            f"judgment {t.judged_right}/{t.judged} right · level moves: {t.moves_text}"
        )
        lines.append(f"  {row.target_sentence}")
    return "\n".join(lines)
