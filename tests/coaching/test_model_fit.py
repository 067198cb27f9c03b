"""A model too small for an exercise: the feedback says the attempt does not count,
in the app and in `coach attempt`, and never for judgment-only kinds."""

from __future__ import annotations

import json

from click.testing import CliRunner
from fake_openai import Reply

from coach.cli import main
from coach.coaching.model_fit import model_too_small, too_small_note
from coach.config import Config, ModelEntry, save_config
from coach.content import load_catalog
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown


def outcome(
    kind: str, tier: str | None, needs: str = "capable", *, good: bool = False
) -> AttemptOutcome:
    from datetime import UTC, datetime

    from graders.registry import grade_output

    exercise = load_catalog().exercise("l1-renewal-dates-to-json")
    assert exercise is not None
    reference = exercise.reference
    output = reference.good_output if good else reference.bad_output
    assert output is not None
    now = datetime.now(UTC)
    return AttemptOutcome(
        output_grade=grade_output(output, exercise.checks),
        exercise_id="x",
        level=2,
        kind=kind,
        needs_model=needs,
        started_at=now,
        finished_at=now,
        model="local/smollm2" if tier else None,
        model_tier=tier,
        shown=Shown(text="out"),
    )


def test_small_and_unknown_models_are_too_small_for_prompt_work() -> None:
    assert model_too_small(outcome("prompt", "small"))
    assert model_too_small(outcome("instructions", "unknown"))
    assert model_too_small(outcome("prompt", "made-up-tier"))
    assert not model_too_small(outcome("prompt", "standard"))
    assert not model_too_small(outcome("prompt", "small", needs="any"))
    assert not model_too_small(outcome("review", "small"))  # judged, not produced
    assert not model_too_small(outcome("prompt", None))  # no model used
    note = too_small_note(outcome("prompt", "small"))
    assert note is not None and "does not count against your level" in note
    assert "coach models" in note
    unknown = too_small_note(outcome("prompt", "unknown"))
    assert unknown is not None and "strength is unknown" in unknown and "--probe" in unknown
    # A pass on a weak model is not excused: it is no failure to explain.
    assert too_small_note(outcome("prompt", "small", good=True)) is None


def test_coach_attempt_says_the_model_was_too_small(fake) -> None:
    exercise = load_catalog().exercise("l1-renewal-dates-to-json")
    assert exercise is not None
    save_config(
        Config(
            model="tiny",
            models=[
                ModelEntry(name="tiny", model="openai/tiny", api_base=fake.base_url, tier="small")
            ],
        )
    )
    fake.queue(Reply(text="dates dates dates"))
    result = CliRunner().invoke(
        main, ["attempt", exercise.id, "--prompt", "List the dates as JSON.", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert report["model_too_small"] and "does not count" in report["model_too_small"]
