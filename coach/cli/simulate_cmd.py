"""`coach simulate`: run synthetic learners through placement and practice."""

from __future__ import annotations

import json
from typing import Any

import click

from coach.engine.params import DEFAULT_PARAMS
from coach.engine.simulate import SimConfig, with_params
from coach.engine.simulate import simulate as run_simulation

TARGETS = {
    "exact": ">= 0.80",
    "within_one": ">= 0.98",
    "mean_items": "<= 12",
    "p90_items": "<= 15",
    "two_level_errors": "0",
    "reversals_per_100": "< 1",
    "promotion_lag": "~10",
}
LABELS = {
    "exact": "placed at the exact level",
    "within_one": "placed within one level",
    "mean_items": "exercises to placement, mean",
    "p90_items": "exercises to placement, 90th pct",
    "two_level_errors": "placements two+ levels off",
    "reversals_per_100": "wrong moves per 100 (stable)",
    "promotion_lag": "exercises from gain to promotion (median)",
}
DETAIL_LABELS = {
    "provisional_share": "placements marked provisional",
    "exact_if_not_provisional": "exact, when not provisional",
    "exact_if_provisional": "exact, when provisional",
    "exact_after_10_practice": "exact level after 10 practice",
    "flips_per_100": "direction flips per 100 (stable)",
    "moves_per_100": "all moves per 100 (stable)",
    "promotion_lag_p90": "gain to promotion, 90th pct",
    "promoted_within_10": "promoted within 10 of a gain",
    "promoted_by_end": "promoted before the run ended",
    "placed_low": "placed too low (learners)",
    "placed_high": "placed too high (learners)",
}


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    return str(value)


def format_table(report: dict[str, Any]) -> str:
    methods = [
        ("engine", report),
        ("self-report", report["with_self_report"]),
        *report["baselines"].items(),
    ]
    width = max(len(label) for label in [*LABELS.values(), *DETAIL_LABELS.values()])
    head = f"{'':<{width}}  " + "".join(f"{name:>12}" for name, _ in methods) + f"{'target':>10}"
    lines = [head, "-" * len(head)]
    for key, label in LABELS.items():
        cells = "".join(f"{_cell(m[key]):>12}" for _, m in methods)
        lines.append(f"{label:<{width}}  {cells}{TARGETS[key]:>10}")
    lines.append("")
    for key, label in DETAIL_LABELS.items():
        cells = "".join(f"{_cell(m['detail'][key]):>12}" for _, m in methods)
        lines.append(f"{label:<{width}}  {cells}")
    config = report["config"]
    lines.append("")
    lines.append(
        f"{config['learners']} learners, seed {config['seed']}, spacing {config['spacing']} "
        f"logits, {config['practice']} practice exercises each; "
        f"{config['improver_share']:.0%} of learners below level 6 gain a level "
        f"after {config['gain_at']}."
    )
    lines.append(
        "self-report: the engine from a first-run answer (one option off in 30 % of cases); "
        "fixed18: 3 exercises per level, then count rules alone; "
        "staircase: 2-down/1-up throughout. Wrong moves take a learner who is not "
        "changing away from their true level."
    )
    return "\n".join(lines)


@click.command()
@click.option("--learners", default=500, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--spacing",
    type=float,
    default=None,
    help=f"Logits between levels, for engine and world alike [default: {DEFAULT_PARAMS.spacing}].",
)
@click.option(
    "--true-spacing",
    type=float,
    default=None,
    help="The simulated world's spacing, if it should differ from the engine's.",
)
def simulate(
    learners: int, seed: int, as_json: bool, spacing: float | None, true_spacing: float | None
) -> None:
    """Run synthetic learners with a known level through placement and practice.

    Compares the engine with two baselines (a fixed 18-exercise test and a
    2-down/1-up staircase) on the same learners. Deterministic for a seed.
    """
    config = SimConfig(learners=learners, seed=seed, true_spacing=true_spacing)
    if spacing is not None:
        config = with_params(config, spacing=spacing)
    step = max(1, learners // 10)

    def progress(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            click.echo(f"simulated {done}/{total} learners", err=True)

    report = run_simulation(config, progress=progress if learners >= 50 else None)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
    else:
        click.echo(format_table(report))
