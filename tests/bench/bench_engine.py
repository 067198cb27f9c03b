"""How the engine's tuned parameters were chosen: simulation sweeps (engine only).

Each row runs the same synthetic learners as `coach simulate` (same seed)
through the engine with some parameters changed, and prints the headline
figures. Learners are split across processes; results do not depend on it.

    .venv/bin/python tests/bench/bench_engine.py [--learners 1000] [--jobs 2] [--sweep moves]

Sweeps: `moves` (promotion threshold × session widening × stretch share),
`placement` (split rule), `spacing` (engine spacing, and a world whose
spacing differs from the engine's).

`--people` runs realistic behaviours (`coach.engine.people`) on the shipped
bank instead, with the response-model choices of issue #17:

    .venv/bin/python tests/bench/bench_engine.py --people --sweep response \
        --learners 300 --behaviour mix --practice 0
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from coach.cli.simulate_cmd import shipped_bank
from coach.engine.params import DEFAULT_PARAMS
from coach.engine.people import (
    BEHAVIOURS,
    BehaviourReport,
    PeopleConfig,
    run_person,
    world,
)
from coach.engine.people import summarise as people_summarise
from coach.engine.simulate import SimConfig, make_bank, simulate_learner, summarise, with_params

SWEEPS: dict[str, list[dict[str, Any]]] = {
    "moves": [
        {"promote_p": p, "session_widen_var": v, "stretch_share": s}
        for p in (0.9, 0.8, 0.75)
        for v in (0.5, 2.0)
        for s in (0.0, 0.3)
    ],
    "placement": [{"placement_split_share": share} for share in (0.0, 0.2, 0.3, 0.4, 1.01)],
    "spacing": [
        {"spacing": 1.5},
        {"spacing": 1.75},
        {"spacing": 2.0},
        {"spacing": 2.0, "true_spacing": 1.5},
        {"spacing": 2.0, "true_spacing": 2.5},
        {"spacing": 1.5, "true_spacing": 2.0},
    ],
}
PEOPLE_SWEEPS: dict[str, list[dict[str, Any]]] = {
    "response": [
        {},
        {"output_model": "binary"},
        {"output_model": "fraction"},
        {"joint_judgment_weight": 1.0},
        {"fit_steps_weight": 1.0},
        {"use_confidence": True},
        {"prior_sd": 3.0},
    ],
    "farming": [{}, {"repeat_weight": 1.0, "private_weight": 0.5}],
}
SIM_FIELDS = set(SimConfig.__dataclass_fields__)


def config_for(changes: dict[str, Any], learners: int, seed: int) -> SimConfig:
    sim = {k: v for k, v in changes.items() if k in SIM_FIELDS}
    engine = {k: v for k, v in changes.items() if k not in SIM_FIELDS}
    return with_params(replace(SimConfig(learners=learners, seed=seed), **sim), **engine)


def chunk(args: tuple[SimConfig, int, int]) -> list:
    config, lo, hi = args
    bank = make_bank(config)
    return [simulate_learner(i, config, bank, ("engine",)) for i in range(lo, hi)]


def run(config: SimConfig, jobs: int) -> dict[str, Any]:
    parts = [(config, lo, min(config.learners, lo + 50)) for lo in range(0, config.learners, 50)]
    with ProcessPoolExecutor(jobs) as pool:
        outcomes = [o for part in pool.map(chunk, parts) for o in part]
    return summarise(outcomes, "engine", config)


def people_chunk(args: tuple[PeopleConfig, str, int, int]) -> list[Any]:
    config, name, lo, hi = args
    items = world(shipped_bank(), config.seed, config.params)
    rows = []
    for index in range(lo, hi):
        twin = None
        if BEHAVIOURS[name].gaming or BEHAVIOURS[name].actor_mix:
            twin = run_person(index, name, config, items, twin=True)
        rows.append((run_person(index, name, config, items), twin))
    return rows


def people_main(args: argparse.Namespace) -> None:
    columns = ("exact", "within_one", "mean_items", "two_level_errors", "gain")
    columns += ("gain_over_twin", "demotions_per_learner")
    print("changes".ljust(44) + "behaviour".ljust(24) + "".join(f"{c[:10]:>11}" for c in columns))
    for changes in PEOPLE_SWEEPS[args.sweep]:
        params = replace(DEFAULT_PARAMS, **changes)
        config = PeopleConfig(
            learners=args.learners, seed=args.seed, practice=args.practice, params=params
        )
        for name in args.behaviour or list(BEHAVIOURS):
            start = time.perf_counter()
            step = max(1, args.learners // (4 * args.jobs))
            parts = [
                (config, name, lo, min(args.learners, lo + step))
                for lo in range(0, args.learners, step)
            ]
            with ProcessPoolExecutor(args.jobs) as pool:
                rows = [row for part in pool.map(people_chunk, parts) for row in part]
            report = BehaviourReport([a for a, _ in rows], [t for _, t in rows if t is not None])
            summary = people_summarise(report)
            label = ", ".join(f"{k}={v}" for k, v in changes.items()) or "(defaults)"
            cells = "".join(f"{summary.get(c, '-')!s:>11}" for c in columns)
            print(f"{label[:43]:<44}{name:<24}{cells}   ({time.perf_counter() - start:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sweep", default="moves")
    parser.add_argument("--people", action="store_true", help="realistic behaviours")
    parser.add_argument("--behaviour", action="append", choices=sorted(BEHAVIOURS))
    parser.add_argument("--practice", type=int, default=200)
    args = parser.parse_args()
    if args.people:
        people_main(args)
        return
    columns = ("exact", "within_one", "mean_items", "two_level_errors")
    columns += ("reversals_per_100", "promotion_lag")
    extra = ("promoted_within_10", "flips_per_100")
    print("changes".ljust(58) + "".join(f"{c[:10]:>11}" for c in (*columns, *extra)))
    for changes in SWEEPS[args.sweep]:
        start = time.perf_counter()
        report = run(config_for(changes, args.learners, args.seed), args.jobs)
        cells = [report[c] for c in columns] + [report["detail"][c] for c in extra]
        label = ", ".join(f"{k}={v}" for k, v in changes.items())
        print(label.ljust(58) + "".join(f"{c!s:>11}" for c in cells), end="")
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
