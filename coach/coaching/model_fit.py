"""When the model, not the prompt, decided the output: say so in plain words.

A model below what an exercise needs (the offline SmolLM2, a model of unknown
strength) fails good prompts, so its output says little about the learner's
prompt and the engine never counts its failures. The feedback then says that
where the grade is shown, and what to do, instead of blaming the prompt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.engine.evidence import model_below_need
from coach.runtime.evidence import known_need, known_tier

if TYPE_CHECKING:
    from coach.runtime.outcome import AttemptOutcome

MODEL_FREE_KINDS = frozenset({"review", "fit"})  # judged outputs: no model wrote them here

CONNECT = (
    "To practise prompts for real, connect a capable model: `coach models` lists the "
    "servers found on this machine (Ollama, LM Studio, llama.cpp, vLLM) and "
    "`coach keys set openai` adds a hosted one; `coach models --probe MODEL` measures "
    "a model you are unsure of."
)


def model_too_small(outcome: AttemptOutcome) -> bool:
    """Whether the attempt's model was below what its exercise needs."""
    if outcome.kind in MODEL_FREE_KINDS or outcome.model_tier is None:
        return False
    return model_below_need(known_tier(outcome.model_tier), known_need(outcome.needs_model))


def too_small_note(outcome: AttemptOutcome) -> str | None:
    """The plain-words note for a failed output that a model below the exercise's need
    decided (None otherwise: such failures never count against the learner)."""
    grade = outcome.output_grade
    if not model_too_small(outcome) or grade is None or grade.passed:
        return None
    if known_tier(outcome.model_tier) == "unknown":
        return (
            f"This model's strength is unknown ({outcome.model}): a failure here says little "
            "about your prompt, so it does not count against your level. `coach models "
            "--probe MODEL` measures the model. " + CONNECT
        )
    return (
        f"This model ({outcome.model}, {outcome.model_tier}) is too small for this exercise: "
        "its output says little about your prompt, so this failure does not count against "
        "your level and the checks below grade the model, not you. " + CONNECT
    )
