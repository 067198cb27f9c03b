"""Measure grading fairness on the held-out corpus (issue #16): no model, like `coach check`.

Each row of tests/holdout/*.jsonl is an output a careful reviewer wrote from an
exercise's brief and materials alone, with the verdict they would sign
(`expect`: pass or fail). This grades every row with the exercise's
deterministic checks (for the row's hidden input, if any) and prints the share
of correct outputs failed and of wrong outputs passed. The checks must never be
tuned on this corpus: it is the measure, not the target.

    .venv/bin/python tests/bench/fairness.py             # the working tree's exercises
    .venv/bin/python tests/bench/fairness.py --rev bc25212   # the exercises of a commit
    .venv/bin/python tests/bench/fairness.py -v          # list every unfair verdict
    .venv/bin/python tests/bench/fairness.py tests/holdout/level-1.jsonl   # one file
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from io import BytesIO
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from coach.content import load_catalog
from coach.content.sources import builtin_source
from coach.runtime.prove import Case, cases
from graders.registry import grade_output

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT = ROOT / "tests" / "holdout"


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise: str
    input: str | None = None
    output: str
    expect: str
    why: str


def read_rows(paths: list[Path]) -> list[Row]:
    """The rows of every JSONL file given, or of every one in a folder given."""
    files = [f for p in paths for f in (sorted(p.glob("*.jsonl")) if p.is_dir() else [p])]
    rows = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(Row.model_validate(json.loads(line)))
    return rows


def content_root(rev: str | None, into: Path) -> Path:
    """The repository root, or the `exercises` and `levels` of commit `rev` unpacked in `into`."""
    if rev is None:
        return ROOT
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "exercises", "levels"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def case_for(exercise: object, input_id: str | None) -> Case | None:
    wanted = "reference" if input_id is None else f"inputs.{input_id}"
    return next((case for case in cases(exercise, True) if case.where == wanted), None)


def measure(rows: list[Row], root: Path, verbose: bool) -> dict[str, float]:
    catalog = load_catalog([builtin_source(root)])
    tally: Counter[str] = Counter()
    for row in rows:
        exercise = catalog.exercise(row.exercise)
        case = None if exercise is None else case_for(exercise, row.input)
        if case is None:
            print(f"skipped: no case {row.exercise} {row.input or ''}", file=sys.stderr)
            continue
        grade = grade_output(row.output, case.checks, case.ctx)
        passed = grade.deterministic_verdict is True
        tally[row.expect] += 1
        unfair = passed != (row.expect == "pass")
        if unfair:
            tally[f"unfair-{row.expect}"] += 1
        if unfair and verbose:
            failed = "; ".join(f"{c.name}: {c.reason}" for c in grade.failed) or "every check"
            verdict = "FAILED" if row.expect == "pass" else "PASSED"
            where = f"{row.exercise}{'/' + row.input if row.input else ''}"
            print(f"{verdict} {where} ({row.why}): {failed[:300]}")
    good, bad = tally["pass"], tally["fail"]
    return {
        "correct": good,
        "wrong": bad,
        "correct_failed_pct": 100 * tally["unfair-pass"] / good if good else 0.0,
        "wrong_passed_pct": 100 * tally["unfair-fail"] / bad if bad else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="grade with the exercises of this commit")
    parser.add_argument(
        "holdout", type=Path, nargs="*", default=[HOLDOUT], help="JSONL files or folders"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every unfair verdict")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = read_rows(args.holdout)
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(rows, content_root(args.rev, Path(tmp)), args.verbose)
    exercises = len({row.exercise for row in rows})
    if args.json:
        print(json.dumps({"exercises": exercises, **result}))
        return
    print(
        f"{exercises} exercises, {result['correct']} correct and {result['wrong']} wrong outputs\n"
        f"correct outputs failed: {result['correct_failed_pct']:.1f} %\n"
        f"wrong outputs passed:   {result['wrong_passed_pct']:.1f} %"
    )


if __name__ == "__main__":
    main()
