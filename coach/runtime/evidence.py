"""From a stored attempt to what the engine reads (`AttemptEvidence`)."""

from __future__ import annotations

from coach.engine.evidence import AttemptEvidence
from coach.store.records import AttemptRecord
from graders.result import stored_verdict

_TIERS = {"small", "standard", "frontier"}
_NEEDS = {"any", "capable", "frontier"}


def known_tier(model_tier: str | None) -> str | None:
    """A stored tier the engine knows, else None (read as no model constraint)."""
    return model_tier if model_tier in _TIERS else None


def known_need(needs_model: str | None) -> str:
    """A stored model need the engine knows, else "capable"."""
    return needs_model if needs_model in _NEEDS else "capable"


def evidence_of(record: AttemptRecord) -> AttemptEvidence:
    """What the engine needs from a stored attempt (its exercise snapshot included)."""
    judgment = record.judgment or {}
    verdict = judgment.get("verdict")
    confidence = judgment.get("confidence")
    return AttemptEvidence(
        exercise_id=record.exercise_id,
        level=record.exercise_level,
        difficulty=record.exercise_difficulty or 0.0,
        kind=record.kind,
        at=record.finished_at,
        output_score=record.output_score,
        output_verdict=stored_verdict(record.checks),
        judgment_correct=record.judgment_correct,
        model_tier=known_tier(record.model_tier),
        needs_model=known_need(record.needs_model),  # type: ignore[arg-type]
        placement=bool(record.placement),
        private=bool(record.exercise_private),
        planted=record.trap is not None,
        said_wrong=None if verdict is None else verdict == "wrong",
        truth_wrong=judgment.get("truth_wrong"),
        confidence=confidence if isinstance(confidence, int | float) else None,
    )
