"""What the engine reads: one attempt's evidence, and the exercise bank.

The engine never imports the content or the store. The runtime builds
`AttemptEvidence` from a stored attempt and its exercise, and `ItemInfo` from
each exercise; both carry a snapshot of the exercise's level and difficulty so
that replaying old attempts gives the same answer after the content changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from coach.engine.params import DEFAULT_PARAMS, EngineParams

ModelTierName = Literal["unknown", "small", "standard", "frontier"]
NeedsModel = Literal["any", "capable", "frontier"]
# The output grade's own verdict: the one meaning of "passed" (graders.result).
# "partial": a required criterion was not graded, so the output neither passed nor failed.
OutputVerdict = Literal["pass", "fail", "partial"]

# small → enough for "any"; standard → "capable"; frontier → "frontier".
# "unknown" (a model never measured: any `ollama/…` or OpenAI-compatible server)
# is below every need, so its output failures never count against the learner.
TIER_RANK: dict[str, int] = {"unknown": -1, "small": 0, "standard": 1, "frontier": 2}
NEEDS_RANK: dict[str, int] = {"any": 0, "capable": 1, "frontier": 2}

# Which signals each exercise kind produces: (output score, judgment).
# `review` has no output to grade (the learner only judges given outputs);
# `fit` is graded against a key and shows no model output to judge.
KIND_SIGNALS: dict[str, tuple[bool, bool]] = {
    "prompt": (True, True),
    "instructions": (True, True),
    "review": (False, True),
    "fit": (True, False),
    "pipeline": (True, True),
    "agent": (True, True),
    "evals": (True, True),
}


# Kinds graded without the learner's model (recorded outputs, a key): a model's
# strength never excuses or condemns them.
MODEL_FREE_KINDS = frozenset({"review", "fit"})


def kind_signals(kind: str) -> tuple[bool, bool]:
    return KIND_SIGNALS.get(kind, (True, True))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ItemInfo(_Frozen):
    """One exercise of the bank, as the engine sees it."""

    exercise_id: str
    level: int = Field(ge=1)
    difficulty: float = 0.0
    kind: str = "prompt"
    skills: tuple[str, ...] = ()
    needs_model: NeedsModel = "capable"


class AttemptEvidence(_Frozen):
    """The graded result of one attempt, with a snapshot of its exercise."""

    exercise_id: str
    level: int = Field(ge=1)
    difficulty: float = 0.0
    kind: str = "prompt"
    at: datetime
    output_score: float | None = Field(default=None, ge=0.0, le=1.0)
    # The grade's verdict; None for attempts recorded before grades carried one, which
    # are read by the old rule (score >= pass_score) so their replay does not change.
    output_verdict: OutputVerdict | None = None
    judgment_correct: bool | None = None
    # "unknown" | "small" | "standard" | "frontier"; None when no model was used.
    # Any other name is read as "unknown" (below every need).
    model_tier: str | None = None
    needs_model: NeedsModel = "capable"
    placement: bool = False
    # The learner's own exercise: self-authored checks are easy to game, so its
    # evidence counts at `private_weight` (nothing) for the level.
    private: bool = False
    planted: bool = False  # a planted flawed output was shown
    said_wrong: bool | None = None
    truth_wrong: bool | None = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("`at` must carry a timezone (the store keeps UTC)")
        return value

    @classmethod
    def for_item(cls, item: ItemInfo, *, at: datetime, **fields: object) -> AttemptEvidence:
        """Evidence for an attempt on `item`, copying the item's snapshot fields."""
        return cls(
            exercise_id=item.exercise_id,
            level=item.level,
            difficulty=item.difficulty,
            kind=item.kind,
            needs_model=item.needs_model,
            at=at,
            **fields,
        )


def model_below_need(model_tier: str | None, needs_model: str) -> bool:
    """True when the attempt's model is weaker than the exercise needs.

    No recorded tier (no model was used) counts as adequate; a tier the engine
    does not know counts as "unknown", below every need.
    """
    if model_tier is None:
        return False
    return TIER_RANK.get(model_tier, -1) < NEEDS_RANK.get(needs_model, 1)


def chance_floor(kind: str, params: EngineParams = DEFAULT_PARAMS) -> float:
    """The chance of getting an item's answer right by guessing (fit steps: 1/choices)."""
    return 1.0 / params.fit_choices if kind == "fit" else 0.0


def output_weights(
    evidence: AttemptEvidence, params: EngineParams = DEFAULT_PARAMS
) -> tuple[float, float]:
    """Weights of the success and failure parts of the output likelihood.

    From a model below the exercise's need, a failed output says nothing
    reliable about the prompt (a tiny model fails good prompts), so it is not
    counted at all: nobody is demoted because a weak model failed them. A
    passing output still says something: its success part counts
    `weak_success_weight` (a quarter) and its failure part `weak_failure_weight`
    (nothing).
    """
    if evidence.output_score is None or evidence.output_verdict == "partial":
        return 0.0, 0.0
    if below_need(evidence):
        if not output_pass(evidence.output_score, evidence.output_verdict, params):
            return 0.0, 0.0
        return params.weak_success_weight, params.weak_failure_weight
    return 1.0, 1.0


def output_pass(
    output_score: float | None,
    output_verdict: str | None,
    params: EngineParams = DEFAULT_PARAMS,
) -> bool | None:
    """Whether the output passed: the grade's verdict where it has one.

    None for a partial grade (nothing decided) or no output. An attempt
    recorded before grades carried a verdict is read by the score rule.
    """
    if output_verdict is not None:
        return None if output_verdict == "partial" else output_verdict == "pass"
    if output_score is None:
        return None
    return output_score >= params.pass_score


def output_counts(evidence: AttemptEvidence, params: EngineParams = DEFAULT_PARAMS) -> bool:
    """Whether the output score of this attempt is counted as a pass/fail at all."""
    ok = output_pass(evidence.output_score, evidence.output_verdict, params)
    if evidence.output_score is None or ok is None:
        return False
    if ok:
        return True
    return not below_need(evidence)


def passed(evidence: AttemptEvidence, params: EngineParams = DEFAULT_PARAMS) -> bool | None:
    """Whether the attempt passed, or None when it is not scored.

    The output score decides where there is one; a weak-model output failure
    is unscored (not a fail). Without an output score (a review exercise) the
    judgment decides.
    """
    return outcome_of(
        evidence.output_score,
        evidence.judgment_correct,
        evidence.model_tier,
        evidence.needs_model,
        params,
        kind=evidence.kind,
        output_verdict=evidence.output_verdict,
    )


def outcome_of(
    output_score: float | None,
    judgment_correct: bool | None,
    model_tier: str | None,
    needs_model: str,
    params: EngineParams = DEFAULT_PARAMS,
    kind: str | None = None,
    output_verdict: str | None = None,
) -> bool | None:
    """`passed` on bare values, for bulk readers (the export) that skip `AttemptEvidence`.

    The grade's verdict decides where it is known; a partial grade is not scored.
    """
    if output_score is not None or output_verdict is not None:
        ok = output_pass(output_score, output_verdict, params)
        if ok is None:
            return None
        if ok:
            return True
        weak = kind not in MODEL_FREE_KINDS and model_below_need(model_tier, needs_model)
        return None if weak else False
    return judgment_correct


def below_need(evidence: AttemptEvidence) -> bool:
    """The attempt's model was too weak (or of unknown strength) for its exercise.

    Never for kinds graded without the model (review, fit).
    """
    if evidence.kind in MODEL_FREE_KINDS:
        return False
    return model_below_need(evidence.model_tier, evidence.needs_model)


def weak_model_failure(evidence: AttemptEvidence, params: EngineParams = DEFAULT_PARAMS) -> bool:
    """An output failure that did not count because the model was below the need."""
    return evidence.output_score is not None and not output_counts(evidence, params)


def is_flawed(evidence: AttemptEvidence) -> bool:
    """A flawed output was shown: the truth says wrong, or a trap was planted."""
    if evidence.truth_wrong is not None:
        return evidence.truth_wrong
    return evidence.planted


def caught_flaw(evidence: AttemptEvidence) -> bool:
    """The learner called a flawed output wrong."""
    if evidence.said_wrong is not None:
        return evidence.said_wrong
    return bool(evidence.judgment_correct)


def tally(attempts: list[AttemptEvidence], params: EngineParams = DEFAULT_PARAMS) -> dict[str, int]:
    """Counts behind a reason: passes, scored attempts, flaws caught, weak-model failures."""
    outcomes = [passed(a, params) for a in attempts]
    flawed = [a for a in attempts if is_flawed(a)]
    return {
        "attempts": len(attempts),
        "scored": sum(o is not None for o in outcomes),
        "passed": sum(o is True for o in outcomes),
        "failed": sum(o is False for o in outcomes),
        "flawed": len(flawed),
        "caught": sum(caught_flaw(a) for a in flawed),
        "weak_model_failures": sum(weak_model_failure(a, params) for a in attempts),
        "own_exercises": sum(a.private for a in attempts),
    }
