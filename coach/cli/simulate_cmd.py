"""`coach simulate`: run synthetic learners through placement and practice."""

from __future__ import annotations

import json
from typing import Any

import click

from coach.engine.evidence import ItemInfo
from coach.engine.params import DEFAULT_PARAMS
from coach.engine.people import BEHAVIOURS, PeopleConfig, eligible_counts, simulate_people
from coach.engine.simulate import SimConfig, make_bank, with_params
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


BEHAVIOUR_KEYS = ("exact", "within_one", "mean_items", "two_level_errors", "gain")


def shipped_bank() -> list[ItemInfo]:
    """The engine's view of the exercises the app ships (no packs, no own exercises)."""
    from coach.content import load_catalog

    return [
        ItemInfo(
            exercise_id=e.id,
            level=e.level,
            difficulty=e.difficulty,
            kind=str(e.kind),
            skills=tuple(e.skills),
            needs_model=str(e.needs_model),
        )
        for e in (loaded.exercise for loaded in load_catalog().exercises)
    ]


def app_placement_bank(seed: int) -> list[ItemInfo]:
    """The placement bank as the app builds it (`coach.runtime.placement_bank`, the
    function the placement screen calls): review and fit, with fresh family
    instances drawn from the seed, and the authored difficulties."""
    import random

    from coach.content import load_catalog
    from coach.runtime.placement_bank import placement_bank, placement_kinds

    rng = random.Random(f"{seed}-placement-bank")
    return placement_bank(load_catalog(), placement_kinds(), rng, calibrated=False)


def format_bank(bank: dict[str, Any]) -> str:
    """The placement bank's eligible items per level, one line per model tier."""
    lines = [f"placement bank: {bank['placement_items']} items; eligible per level 1..6:"]
    for tier, counts in bank["placement_eligible"].items():
        cells = " ".join(f"{counts[level]:>3}" for level in sorted(counts))
        lines.append(f"  {tier:<9} {cells}")
    return "\n".join(lines)


def format_behaviours(behaviours: dict[str, Any], practice: int) -> str:
    width = max(len(name) for name in behaviours)
    cols = (*BEHAVIOUR_KEYS, "gain_over_twin", "demotions_per_learner")
    head = f"{'behaviour':<{width}}  " + "".join(f"{c[:14]:>15}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, row in behaviours.items():
        cells = "".join(f"{_cell(row.get(c)):>15}" for c in cols)
        lines.append(f"{name:<{width}}  {cells}")
    lines.append("")
    lines.append(
        f"gain: final level minus true level after {practice} practice exercises; "
        "gain_over_twin: the same minus the same person's honest conduct. Targets on "
        "'mix' (every behaviour at once): exact >= 0.80, within one >= 0.98, no two-level "
        "errors, mean <= 12 items; gaming at most 0.3 over its twin."
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
@click.option(
    "--behaviours",
    "behaviour_learners",
    default=40,
    show_default=True,
    type=click.IntRange(min=0),
    help="Learners per realistic behaviour (0: skip the behaviours).",
)
@click.option(
    "--behaviour",
    "only",
    multiple=True,
    type=click.Choice(sorted(BEHAVIOURS)),
    help="Run only these behaviours (repeatable).",
)
@click.option(
    "--practice",
    default=200,
    show_default=True,
    type=click.IntRange(min=0),
    help="Practice exercises per behaviour learner (the gain is read after them).",
)
@click.option(
    "--bank",
    type=click.Choice(["shipped", "synthetic"]),
    default="shipped",
    show_default=True,
    help="The behaviours' bank: the exercises the app ships, or a synthetic one.",
)
def simulate(
    learners: int,
    seed: int,
    as_json: bool,
    spacing: float | None,
    true_spacing: float | None,
    behaviour_learners: int,
    only: tuple[str, ...],
    practice: int,
    bank: str,
) -> None:
    """Run synthetic learners with a known level through placement and practice.

    Compares the engine with two baselines (a fixed 18-exercise test and a
    2-down/1-up staircase) on the same learners; then runs learners who behave
    as people do (guessing, partial credit, bias, over-confidence, repeaters,
    own-task farmers, always-"wrong", weak models of unknown tier, …) through
    the engine on the shipped bank, each behaviour reported separately.
    Deterministic for a seed.
    """
    config = SimConfig(learners=learners, seed=seed, true_spacing=true_spacing)
    if spacing is not None:
        config = with_params(config, spacing=spacing)
    step = max(1, learners // 10)

    def progress(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            click.echo(f"simulated {done}/{total} learners", err=True)

    report = run_simulation(config, progress=progress if learners >= 50 else None)
    behaviours: dict[str, Any] = {}
    items: list[ItemInfo] = []
    placing: list[ItemInfo] | None = None
    if behaviour_learners:
        if bank == "shipped":
            items, placing = shipped_bank(), app_placement_bank(seed)
        else:
            items = [i.info for i in make_bank(config)]
        people = PeopleConfig(
            learners=behaviour_learners, seed=seed, practice=practice, params=config.params
        )

        def people_progress(name: str, done: int, total: int) -> None:
            if done == total:
                click.echo(f"behaviour {name}: {total} learners", err=True)

        behaviours = simulate_people(
            items, people, tuple(only) or tuple(BEHAVIOURS), people_progress, placing
        )
        report["behaviours"] = behaviours
        placement_items = items if placing is None else placing
        report["bank"] = {
            "source": bank,
            "items": len(items),
            "placement_items": len(placement_items),
            "placement_eligible": {
                tier: eligible_counts(placement_items, tier, config.params)
                for tier in ("frontier", "standard", "small", "unknown")
            },
        }
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
    else:
        click.echo(format_table(report))
        if behaviours:
            click.echo("")
            click.echo(format_behaviours(behaviours, practice))
            click.echo(format_bank(report["bank"]))
