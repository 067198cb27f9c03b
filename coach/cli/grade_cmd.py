"""`coach grade`: grade given outputs against an exercise's checks, without a model.

    coach grade EXERCISE --output-file answer.txt [--input ID] [--json]
    coach grade [EXERCISE] --cases cases.jsonl [--json]

A cases file holds one JSON object a line: {"exercise", "input", "output"}
(and optionally "expect": "pass", "fail" or "partial"). Every row is graded
in this one process and gets one verdict: pass, fail or partial (a required
rubric criterion was not graded: no judge model here), the score, and the
failed checks. `--checks-only` leaves the model-graded criteria out, as
`coach check` does. Pack authors run it in their CI; anyone can use it to
check the graders.

Exit status: 0 when every row passed (or, where rows say what they expect,
when every verdict is the expected one); 1 otherwise; 2 for bad usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from coach.content.trust import grade_trust
from coach.sanitise import sanitise
from graders.context import GradeContext
from graders.names import MODEL_GRADED
from graders.registry import grade_output
from graders.result import CheckResult, OutputGrade

# Kinds whose output a list of checks decides; the others (review, fit, evals) grade
# a judgment, a key or a set of cases instead.
_GRADABLE = {"prompt", "agent", "instructions", "pipeline"}
_PER_INPUT = {"instructions", "pipeline"}


def _plain(text: str) -> str:
    # Pack and output text reaches the terminal only through the one sanitiser.
    return sanitise(text)


class RowError(ValueError):
    """A row that cannot be graded (unknown exercise, missing input, not JSON)."""


@dataclass(frozen=True)
class Target:
    """What one (exercise, input) pair is graded with: its checks and context."""

    exercise_id: str
    input_id: str | None
    checks: list[Any]
    ctx: GradeContext


class Grader:
    """Finds each row's checks (cached per exercise and input) and grades the output."""

    def __init__(self, exercises: dict[str, Any], *, checks_only: bool = False) -> None:
        self._exercises = exercises
        self._checks_only = checks_only
        self._targets: dict[tuple[str, str | None], Target] = {}

    def target(self, exercise_id: str, input_id: str | None) -> Target:
        key = (exercise_id, input_id)
        if key not in self._targets:
            self._targets[key] = self._build(exercise_id, input_id)
        return self._targets[key]

    def _build(self, exercise_id: str, input_id: str | None) -> Target:
        loaded = self._exercises.get(exercise_id)
        if loaded is None:
            raise RowError(f"no exercise {exercise_id!r} (see `coach exercises list`)")
        exercise = loaded.exercise
        kind = str(exercise.kind)
        if kind not in _GRADABLE:
            raise RowError(f"{exercise_id} is a {kind} exercise: it has no output checks to run")
        # The pack's trust decides whether its python checks run (`coach packs trust`).
        trust = grade_trust(exercise, bool(loaded.trusted))
        ctx = GradeContext(
            materials=dict(exercise.materials),
            trusted=bool(trust["trusted"]),
            pack_dir=trust["pack_dir"],
        )
        if kind not in _PER_INPUT:
            if input_id is not None:
                raise RowError(f"{exercise_id} has no hidden inputs; leave out the input")
            return Target(exercise_id, None, list(exercise.checks), ctx)
        inputs = {item.id: item for item in exercise.inputs}
        if input_id not in inputs:
            known = ", ".join(sorted(inputs))
            raise RowError(f"{exercise_id} grades one hidden input at a time: give one of {known}")
        item = inputs[input_id]
        checks = [*exercise.checks, *item.checks]
        return Target(exercise_id, input_id, checks, replace(ctx, input_text=item.text))

    def grade(self, exercise_id: str, input_id: str | None, output: str) -> OutputGrade:
        target = self.target(exercise_id, input_id)
        checks = target.checks
        if self._checks_only:  # what `coach check` proves: the model-graded criteria left out
            checks = [check for check in checks if check.grader not in MODEL_GRADED]
        return grade_output(output, checks, target.ctx)


def verdict_word(grade: OutputGrade) -> str:
    """pass, fail or partial: `OutputGrade.verdict`, the one meaning of passed."""
    verdict = grade.verdict
    return "partial" if verdict is None else "pass" if verdict else "fail"


def row_report(
    row: int, exercise_id: str, input_id: str | None, grade: OutputGrade
) -> dict[str, Any]:
    """One row's verdict as JSON-ready data."""
    return {
        "row": row,
        "exercise": exercise_id,
        "input": input_id,
        "verdict": verdict_word(grade),
        "passed": grade.passed,
        "score": None if grade.score is None else round(grade.score, 4),
        "failed": [_check(c) for c in grade.failed],
        "not_graded": [_check(c) for c in grade.unscored],
    }


def _check(check: CheckResult) -> dict[str, str]:
    return {
        "check": _plain(check.name),
        "grader": check.grader,
        "code": check.code,
        "reason": _plain(check.reason),
    }


def row_line(report: dict[str, Any]) -> str:
    """One row's verdict as a line (and an indented line per failed check)."""
    where = report["exercise"] + (f" [{report['input']}]" if report["input"] else "")
    score = "-" if report["score"] is None else f"{report['score']:.2f}"
    lines = [f"row {report['row']}: {where}: {report['verdict'].upper()} (score {score})"]
    for failed in report["failed"]:
        lines.append(f"  failed {failed['check']}: {failed['reason']}")
    for skipped in report["not_graded"]:
        lines.append(f"  not graded {skipped['check']}: {skipped['reason']}")
    return _plain("\n".join(lines))


def read_cases(path: Path, default_exercise: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, row) for each non-empty line; a RowError row for a bad line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                yield number, {"error": f"not JSON: {error}"}
                continue
            if not isinstance(data, dict):
                yield number, {"error": "a row must be a JSON object"}
                continue
            data.setdefault("exercise", default_exercise)
            yield number, data


def _load_exercises(packs: tuple[Path, ...]) -> dict[str, Any]:
    from coach.cli.content_cmd import _catalog

    catalog = _catalog(packs)
    return {loaded.exercise.id: loaded for loaded in catalog.exercises}


def _grade_row(grader: Grader, number: int, row: dict[str, Any]) -> dict[str, Any]:
    if "error" in row:
        raise RowError(str(row["error"]))
    exercise_id, input_id, output = row.get("exercise"), row.get("input"), row.get("output")
    if not isinstance(exercise_id, str) or not exercise_id:
        raise RowError('the row names no "exercise" (and none was given on the command line)')
    if input_id is not None and not isinstance(input_id, str):
        raise RowError('"input" must be text')
    if not isinstance(output, str):
        raise RowError('the row has no "output" text')
    grade = grader.grade(exercise_id, input_id, output)
    report = row_report(number, exercise_id, input_id, grade)
    expect = row.get("expect")
    if expect is not None:
        report["expect"] = expect
    return report


@click.command()
@click.argument("exercise", required=False)
@click.option("--input", "input_id", help="The hidden input the output answers.")
@click.option(
    "--output-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding one output to grade ('-' is not accepted: use a file).",
)
@click.option(
    "--cases",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='A JSONL file: one {"exercise", "input", "output"} a line.',
)
@click.option(
    "--pack",
    "packs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An extra pack folder to load exercises from (repeatable).",
)
@click.option(
    "--checks-only",
    is_flag=True,
    help="Leave out model-graded (rubric) criteria, as `coach check` does, instead of "
    "reporting them as not graded (partial).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object a row for --cases).")
def grade(
    exercise: str | None,
    input_id: str | None,
    output_file: Path | None,
    cases: Path | None,
    packs: tuple[Path, ...],
    checks_only: bool,
    as_json: bool,
) -> None:
    """Grade outputs against an exercise's checks, without calling a model."""
    if (output_file is None) == (cases is None):
        raise click.UsageError("give exactly one of --output-file or --cases")
    if output_file is not None and exercise is None:
        raise click.UsageError("name the EXERCISE whose checks grade the output file")
    grader = Grader(_load_exercises(packs), checks_only=checks_only)
    if output_file is not None:
        text = output_file.read_text(encoding="utf-8", errors="replace")
        rows: Iterator[tuple[int, dict[str, Any]]] = iter(
            [(1, {"exercise": exercise, "input": input_id, "output": text})]
        )
    else:
        assert cases is not None
        rows = read_cases(cases, exercise)
    all_ok = True
    out = sys.stdout
    for number, row in rows:
        try:
            report = _grade_row(grader, number, row)
        except RowError as error:
            report = {"row": number, "verdict": "error", "error": _plain(str(error))}
        ok = _row_ok(report)
        all_ok = all_ok and ok
        if as_json:
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
        elif report["verdict"] == "error":
            out.write(_plain(f"row {number}: ERROR {report['error']}") + "\n")
        else:
            out.write(row_line(report) + "\n")
    out.flush()
    sys.exit(0 if all_ok else 1)


def _row_ok(report: dict[str, Any]) -> bool:
    """A row is fine when its verdict is the one it expects (pass when it names none)."""
    if report["verdict"] == "error":
        return False
    return bool(report["verdict"] == report.get("expect", "pass"))
