"""`coach attempt ID`: one graded attempt without the TUI (scripts, packs' CI, tests)."""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from coach.coaching.feedback import CoachNote


def _say(text: str, err: bool = False) -> None:
    """Print text that may come from a pack or a model: sanitised for the terminal."""
    from coach.sanitise import sanitise

    click.echo(sanitise(text), err=err)


def _fail(message: str, fix: str = "") -> NoReturn:
    _say(f"Error: {message}", err=True)
    if fix:
        _say(fix, err=True)
    sys.exit(1)


@click.command("attempt")
@click.argument("exercise_id")
@click.option("--prompt", "prompt_text", help="Your prompt (prompt exercises).")
@click.option(
    "--prompt-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read your prompt from this file.",
)
@click.option("--model", "model_name", help="A model name from `coach models`, or a model string.")
@click.option("--api-base", help="Server address for a self-hosted model.")
@click.option("--verdict", type=click.Choice(["ok", "wrong"]), help="Your judgment of the output.")
@click.option(
    "--confidence",
    type=click.IntRange(50, 100),
    default=75,
    show_default=True,
    help="How sure you are, in %.",
)
@click.option("--error-kind", help="Which kind of error you saw (if wrong).")
@click.option("--line", type=click.IntRange(min=1), help="The line with the error (if wrong).")
@click.option(
    "--trap",
    type=click.Choice(["auto", "never", "always"]),
    default="never",
    show_default=True,
    help="Whether to show a planted flawed output (always disclosed).",
)
@click.option("--seed", type=int, help="Seed for the trap draw and review item, to reproduce.")
@click.option("--placement", is_flag=True, help="Count this attempt as part of the placement test.")
@click.option("--json", "as_json", is_flag=True, help="Print the graded attempt as JSON.")
def attempt(
    exercise_id: str,
    prompt_text: str | None,
    prompt_file: Path | None,
    model_name: str | None,
    api_base: str | None,
    verdict: str | None,
    confidence: int,
    error_kind: str | None,
    line: int | None,
    trap: str,
    seed: int | None,
    placement: bool,
    as_json: bool,
) -> None:
    """Run one exercise headless: send your prompt, judge the output, get graded.

    The attempt is recorded like one in the app, and may move your level.
    """
    from coach import llm
    from coach.cli.content_cmd import family_instance
    from coach.coaching.feedback import coaching_notes
    from coach.config import ConfigError, load_config
    from coach.content.models import Kind
    from coach.runtime.kinds import LEARNER_INPUT
    from coach.runtime.present import trap_mode
    from coach.runtime.session import Session
    from graders.judgment import Judgment

    try:
        config = load_config()
    except ConfigError as error:
        _fail(str(error))
    seed = seed if seed is not None else secrets.randbits(32)
    session = Session.open(config, seed=seed, trap_mode=trap_mode(trap))
    # A family (`fam.x` or `x`) gives its instance SEED: `coach attempt FAMILY --seed N`.
    exercise = family_instance(session.catalog, exercise_id, seed) or session.exercise(exercise_id)
    if exercise is None:
        _fail(f"no exercise {exercise_id!r}", "`coach exercises list` shows the ids.")
    if exercise.kind == Kind.FIT:
        _fail(f"{exercise.id} is a fit exercise: it runs in the app (`coach`), step by step")

    prompt = prompt_file.read_text(encoding="utf-8") if prompt_file else prompt_text
    if exercise.kind == Kind.REVIEW and prompt:
        click.echo("note: review exercises take no prompt; --prompt is ignored", err=True)
        prompt = None
    elif exercise.kind != Kind.REVIEW and not (prompt and prompt.strip()):
        what = LEARNER_INPUT.get(exercise.kind, "your prompt")
        _fail(
            f"this is a {exercise.kind} exercise: give {what}",
            "Use --prompt TEXT or --prompt-file F.",
        )
    if error_kind and error_kind not in exercise.judgment.error_kinds:
        kinds = ", ".join(exercise.judgment.error_kinds) or "none listed"
        _fail(f"unknown error kind {error_kind!r}", f"This exercise's error kinds: {kinds}.")
    judgment = None
    if verdict is not None:
        judgment = Judgment(
            verdict="wrong" if verdict == "wrong" else "ok",
            confidence=confidence / 100,
            line=line,
            error_kind=error_kind,
        )

    with session:
        attempt = session.start(exercise, placement=placement, model=model_name, api_base=api_base)
        if attempt.needs_model:
            assert prompt is not None
            try:
                asyncio.run(attempt.produce(prompt, on_progress=_progress))
            except ValueError as error:  # the steps, plan or cases did not parse: nothing ran
                _fail(str(error), "Fix your input; nothing was sent to the model.")
            except llm.StreamCutOff as error:
                _fail(error.message, "Your prompt is kept: run the same command again.")
            except llm.ModelError as error:
                _fail(error.message, error.fix)
        attempt.present()
        recorded = attempt.finish(judgment)
        outcome = attempt.outcome
        assert outcome is not None
    report = _report(outcome, recorded, seed, coaching_notes(exercise, outcome))
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        _print(report)


def _progress(what: str, done: int, total: int) -> None:
    _say(f"  {what} ({done}/{total})", err=True)


def _report(outcome: Any, recorded: Any, seed: int, notes: list[CoachNote]) -> dict[str, Any]:
    from coach.coaching.model_fit import too_small_note

    grade, verdict = outcome.output_grade, outcome.judgment_grade
    mutation = outcome.shown.mutation
    return {
        "exercise": outcome.exercise_id,
        "kind": outcome.kind,
        "attempt_id": recorded.record.id,
        "seed": seed,
        "model": outcome.model,
        "output_shown": outcome.shown.text,
        "output_passed": grade.passed if grade else None,
        # The model, not the prompt, decided this output: it does not count (None otherwise).
        "model_too_small": too_small_note(outcome),
        "output_score": grade.score if grade else None,
        "checks": [
            {
                "grader": check.grader,
                "label": check.label,
                "passed": check.passed,
                "score": check.score,
                "unscored": check.unscored,
                "reason": check.reason,
            }
            for check in (grade.checks if grade else [])
        ],
        "trap": (
            {"mutation": mutation.name, "description": mutation.description, "note": mutation.note}
            if mutation
            else None
        ),
        "judgment_correct": verdict.correct if verdict else None,
        "pinpoint_hit": verdict.pinpoint_hit if verdict else None,
        "brier": verdict.brier if verdict else None,
        "judgment_feedback": verdict.reason if verdict else None,
        "coaching": [note.model_dump() for note in notes],
        "cost_usd": outcome.call.cost_usd if outcome.call else None,
        "details": outcome.details,
        "level_before": recorded.level_before,
        "level_after": recorded.level_after,
        "level_reason": recorded.reason,
    }


def _print(report: dict[str, Any]) -> None:
    _say(f"Output shown:\n{report['output_shown']}\n")
    if report["trap"]:
        _say(f"Planted flaw (disclosed): {report['trap']['description']}")
    for check in report["checks"]:
        mark = "?" if check["unscored"] else ("✓" if check["passed"] else "✗")
        _say(f"  {mark} {check['label'] or check['grader']}: {check['reason']}")
    if report["output_score"] is not None:
        _say(f"Output score: {report['output_score']:.2f}")
    if report["model_too_small"]:
        _say(report["model_too_small"])
    if report["judgment_feedback"]:
        _say(f"Judgment: {report['judgment_feedback']}")
    if report["coaching"]:
        _say("What to change:")
        for note in report["coaching"]:
            _say(f"  • {note['topic']}: {note['text']}")
    if report["level_after"] != report["level_before"]:
        _say(f"Level {report['level_before']} → {report['level_after']}: {report['level_reason']}")
