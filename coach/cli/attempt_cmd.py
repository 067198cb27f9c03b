"""`coach attempt ID`: one graded attempt without the TUI (scripts, packs' CI, tests)."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from coach.coaching.feedback import CoachNote


def _fail(message: str, fix: str = "") -> None:
    click.echo(f"Error: {message}", err=True)
    if fix:
        click.echo(fix, err=True)
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
    from coach.coaching.feedback import coaching_notes
    from coach.config import ConfigError, load_config
    from coach.content import all_sources, load_catalog
    from coach.content.models import Kind
    from coach.llm.choices import spec_for
    from coach.runtime import attempt as run
    from coach.runtime.judge import make_judge
    from coach.runtime.kinds import LEARNER_INPUT, MULTI_STEP, run_kind
    from coach.runtime.runs import conclude_run
    from graders.judgment import Judgment

    try:
        config = load_config()
    except ConfigError as error:
        _fail(str(error))
    catalog = load_catalog(all_sources(config.pack_dirs()))
    exercise = catalog.exercise(exercise_id)
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

    seed = seed if seed is not None else secrets.randbits(32)
    rng = random.Random(seed)
    started = datetime.now(UTC)
    spend = llm.SpendTracker(config.spend_cap_usd)
    judgment = None
    if verdict is not None:
        judgment = Judgment(
            verdict=verdict,  # type: ignore[arg-type]
            confidence=confidence / 100,
            line=line,
            error_kind=error_kind,
        )
    judge = None
    if config.judge_model:
        judge = make_judge(spec_for(config, config.judge_model), spend)
    spec = None
    if exercise.kind != Kind.REVIEW:
        try:
            spec = spec_for(config, model_name, api_base)
        except llm.ModelError as error:
            _fail(error.message, error.fix)

    if exercise.kind in MULTI_STEP:
        assert spec is not None and prompt is not None
        try:
            kind_run = asyncio.run(
                run_kind(
                    exercise,
                    prompt,
                    spec,
                    rng=rng,
                    trap_mode=trap,
                    trap_rate=config.trap_rate,  # type: ignore[arg-type]
                    on_progress=_progress,
                    spend=spend,
                    judge=judge,
                )
            )
        except ValueError as error:  # the steps, plan or cases did not parse: nothing ran
            _fail(str(error), "Fix your input; nothing was sent to the model.")
        except llm.ModelError as error:
            _fail(error.message, error.fix)
        outcome = conclude_run(
            exercise,
            kind_run,
            started_at=started,
            learner_input=prompt,
            judgment=judgment,
            model=spec.model,
            model_tier=spec.tier,
            placement=placement,
        )
    else:
        call = None
        if exercise.kind == Kind.PROMPT:
            assert spec is not None
            try:
                call = asyncio.run(run.produce(exercise, prompt or "", spec, spend=spend))
            except llm.StreamCutOff as error:
                _fail(error.message, "Your prompt is kept: run the same command again.")
            except llm.ModelError as error:
                _fail(error.message, error.fix)
        shown = run.present(exercise, call.text if call else None, trap, rng, config.trap_rate)  # type: ignore[arg-type]
        outcome = run.conclude(
            exercise,
            started_at=started,
            shown=shown,
            judgment=judgment,
            prompt=prompt,
            call=call,
            spec=spec,
            judge=judge,
            placement=placement,
        )

    from coach.runtime.progress import record_attempt
    from coach.store import open_store

    with open_store(config.effective_database_url()) as store:
        recorded = record_attempt(store, config, catalog, outcome)
    report = _report(outcome, recorded, seed, coaching_notes(exercise, outcome))
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        _print(report)


def _progress(what: str, done: int, total: int) -> None:
    click.echo(f"  {what} ({done}/{total})", err=True)


def _report(outcome: Any, recorded: Any, seed: int, notes: list[CoachNote]) -> dict[str, Any]:
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
    click.echo(f"Output shown:\n{report['output_shown']}\n")
    if report["trap"]:
        click.echo(f"Planted flaw (disclosed): {report['trap']['description']}")
    for check in report["checks"]:
        mark = "?" if check["unscored"] else ("✓" if check["passed"] else "✗")
        click.echo(f"  {mark} {check['label'] or check['grader']}: {check['reason']}")
    if report["output_score"] is not None:
        click.echo(f"Output score: {report['output_score']:.2f}")
    if report["judgment_feedback"]:
        click.echo(f"Judgment: {report['judgment_feedback']}")
    if report["coaching"]:
        click.echo("What to change:")
        for note in report["coaching"]:
            click.echo(f"  • {note['topic']}: {note['text']}")
    if report["level_after"] != report["level_before"]:
        click.echo(
            f"Level {report['level_before']} → {report['level_after']}: {report['level_reason']}"
        )
