"""Time to generate and prove one family instance, against loading and proving one TOML exercise.

    .venv/bin/python tests/bench/families.py [--seeds 30] [--family ID]

For each built-in family: the median time to generate a fresh instance (no
cache) and to generate and prove it (`prove` plus the family checks of
`coach check`). The baseline, measured the same way in the same run, loads
one shipped TOML exercise of the same kind from disk and proves it, so the
ratio says what a generated instance costs compared with a hand-written one.
Target: generate + prove under 50 ms, so the app never waits on generation
(the app itself only generates: a few ms).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from coach.content.families import Family, builtin_families
from coach.content.loader import LoadedExercise, load_exercise
from coach.content.sources import BUILTIN, builtin_root
from coach.runtime.prove import prove
from coach.runtime.prove_families import instance_problems

TARGET_MS = 50.0
BASELINE_FILES = {
    "prompt": "level-1/l1-renewal-dates-to-json.toml",
    "review": "level-1/l1-expense-totals-review.toml",
    "fit": "level-1/l1-offsite-planning-fit.toml",
    "instructions": "level-4/l4-leave-request-extraction.toml",
    "pipeline": "level-4/l4-refund-amount-pipeline.toml",
    "agent": "level-5/l5-supplier-payables-agent.toml",
    "evals": "level-6/l6-refund-decision-evals.toml",
}


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def baseline(kind: str, runs: int) -> float:
    """Median ms to load one shipped TOML exercise of this kind and prove it."""
    path = builtin_root() / "exercises" / BASELINE_FILES[kind]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        exercise, _problems = load_exercise(path, str(path))
        assert exercise is not None
        prove(LoadedExercise(exercise, path, BUILTIN, trusted=True), trusted=True)
        times.append(_ms(start))
    return statistics.median(times)


def measure(family: Family, seeds: int) -> tuple[float, float]:
    """Median ms to generate a fresh instance, and to generate and prove one."""
    generate, both = [], []
    for offset in range(seeds):
        seed = 1_000_000 + offset  # never generated before in this process: no cache
        start = time.perf_counter()
        instance = family.generate(seed)
        generate.append(_ms(start))
        loaded = LoadedExercise(instance.exercise, Path(family.id), BUILTIN, trusted=True)
        prove(loaded, trusted=True)
        instance_problems(instance, family)
        both.append(_ms(start))
    return statistics.median(generate), statistics.median(both)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--family", help="Only this family.")
    args = parser.parse_args()
    families = [f for f in builtin_families() if args.family in (None, f.id)]
    bases = {kind: baseline(kind, max(5, args.seeds // 3)) for kind in BASELINE_FILES}
    print(
        f"{'family':<28} {'kind':<12} {'generate':>9} {'gen+prove':>10} "
        f"{'baseline':>9} {'ratio':>6}"
    )
    worst = 0.0
    all_both = []
    for family in families:
        gen, both = measure(family, args.seeds)
        base = bases[str(family.kind)]
        worst = max(worst, both)
        all_both.append(both)
        flag = "" if both < TARGET_MS else "  over target"
        print(
            f"{family.id:<28} {family.kind!s:<12} {gen:>7.2f}ms {both:>8.2f}ms {base:>7.2f}ms "
            f"{both / base:>5.2f}x{flag}"
        )
    print(
        f"\nmedian over families: gen+prove {statistics.median(all_both):.2f} ms; "
        f"worst {worst:.2f} ms; target < {TARGET_MS:.0f} ms"
    )


if __name__ == "__main__":
    main()
