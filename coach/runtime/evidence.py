"""From a stored attempt to what the engine reads (`AttemptEvidence`)."""

from __future__ import annotations

from typing import get_args

from coach.engine.evidence import AttemptEvidence, ModelTierName, NeedsModel
from coach.engine.weaknesses import CheckFact, WeaknessEvidence
from coach.store.payloads import StoredTrap
from coach.store.records import AttemptRecord
from graders.result import stored_verdict
from graders.traps import DEFAULT_ERROR_KINDS

_TIERS: tuple[ModelTierName, ...] = get_args(ModelTierName)
_NEEDS: tuple[NeedsModel, ...] = get_args(NeedsModel)


def known_tier(model_tier: str | None) -> ModelTierName | None:
    """A stored tier as the engine reads it: None for an attempt that used no model,
    "unknown" for a tier it does not know (its failures never count against anyone)."""
    if not model_tier:
        return None
    return next((tier for tier in _TIERS if tier == model_tier), "unknown")


def known_need(needs_model: str | None) -> NeedsModel:
    """A stored model need the engine knows, else "capable"."""
    return next((need for need in _NEEDS if need == needs_model), "capable")


def evidence_of(record: AttemptRecord) -> AttemptEvidence:
    """What the engine needs from a stored attempt (its exercise snapshot included)."""
    judgment = record.judgment_payload()
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
        needs_model=known_need(record.needs_model),
        placement=bool(record.placement),
        private=bool(record.exercise_private),
        planted=record.trap is not None,
        said_wrong=judgment.said_wrong if judgment else None,
        truth_wrong=judgment.truth_wrong if judgment else None,
        confidence=judgment.confidence if judgment else None,
    )


# A recorded flaw's error kind → the mutation whose default error kind it is.
_MUTATION_OF_KIND = {text.casefold(): name for name, text in DEFAULT_ERROR_KINDS.items()}


def _mutation_of(trap: StoredTrap | None) -> str | None:
    """The planted-flaw mutation of a stored trap (a recorded one by its error kind)."""
    if trap is None:
        return None
    if trap.name == "recorded":
        return _MUTATION_OF_KIND.get(trap.error_kind.casefold()) if trap.error_kind else None
    return trap.name


def weakness_evidence_of(record: AttemptRecord) -> WeaknessEvidence:
    """What the weakness counts read from a stored attempt."""
    facts = tuple(
        CheckFact(c.grader, c.passed, c.unscored, c.negated)
        for c in record.check_results()
        if c.grader
    )
    return WeaknessEvidence(evidence_of(record), facts, _mutation_of(record.trap_payload()))
