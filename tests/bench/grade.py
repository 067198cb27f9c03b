"""How long `coach grade --cases` takes for N rows, against reading the same file.

Builds a JSONL file of N rows from the built-in exercises whose outputs
checks decide (prompt, instructions, pipeline): their reference outputs,
known-bad outputs and fairness corpora, cycled, so the rows exercise every
grader the packs use. Then times, in one run and the same way (a fresh
`python` process each, startup included):

- `coach grade --cases FILE --json` (the whole file in one process);
- the baseline: a process that imports json and parses every row of the file.

Prints both times, the ratio, and rows per second. Goal: 1,000 rows in under
10 s here. No timed assertion: it is a measurement, run by hand.

    .venv/bin/python tests/bench/grade.py [--rows 1000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coach.content import load_catalog

BASELINE = (
    "import json, sys\n"
    "rows = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8') if line.strip()]\n"
    "print(len(rows))\n"
)


# The `coach` console script, run the same way as the baseline.
ENTRY = "import sys; from coach.cli import main; sys.argv[0] = 'coach'; main()"


def outputs() -> Iterator[dict[str, Any]]:
    """Every known output of the built-in output-graded exercises, as rows."""
    for loaded in load_catalog().exercises:
        exercise = loaded.exercise
        kind = str(exercise.kind)
        fairness = getattr(exercise, "fairness", None)
        corpus = [
            (entry.input, entry.output)
            for side in ("good", "bad")
            for entry in (getattr(fairness, side, None) or [])
        ]
        if kind == "prompt":
            reference = exercise.reference
            texts = [reference.good_output, reference.bad_output, *reference.also_good]
            for text in texts:
                if text:
                    yield {"exercise": exercise.id, "output": text}
            for _input, text in corpus:
                yield {"exercise": exercise.id, "output": text}
        elif kind in {"instructions", "pipeline"}:
            for item in exercise.inputs:
                for side in ("good_outputs", "bad_outputs"):
                    text = getattr(exercise.reference, side).get(item.id)
                    if text:
                        yield {"exercise": exercise.id, "input": item.id, "output": text}
            for input_id, text in corpus:
                yield {"exercise": exercise.id, "input": input_id, "output": text}


def write_rows(path: Path, count: int) -> int:
    pool = list(outputs())
    with path.open("w", encoding="utf-8") as handle:
        for index in range(count):
            handle.write(json.dumps(pool[index % len(pool)]) + "\n")
    return len(pool)


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases.jsonl"
        distinct = write_rows(cases, args.rows)
        base_s, base = timed([sys.executable, "-c", BASELINE, str(cases)])
        grade_s, graded = timed(
            [sys.executable, "-c", ENTRY, "grade", "--cases", str(cases), "--json"]
        )
    if base.returncode != 0:
        sys.exit(f"the baseline failed: {base.stderr[-500:]}")
    reports = [json.loads(line) for line in graded.stdout.splitlines() if line.strip()]
    if len(reports) != args.rows:
        sys.exit(
            f"coach grade gave {len(reports)} verdicts for {args.rows}: {graded.stderr[-800:]}"
        )
    verdicts: dict[str, int] = {}
    for report in reports:
        verdicts[report["verdict"]] = verdicts.get(report["verdict"], 0) + 1
    print(f"rows: {args.rows} ({distinct} distinct outputs); verdicts: {verdicts}")
    print(f"baseline (parse the JSONL in a fresh python): {base_s:.2f} s")
    print(f"coach grade --cases (one process):           {grade_s:.2f} s")
    print(f"ratio grade / baseline: {grade_s / base_s:.1f}x; {args.rows / grade_s:.0f} rows/s")
    print(f"goal: under 10 s for 1,000 rows -> {'met' if grade_s < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
