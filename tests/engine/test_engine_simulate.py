"""The simulation: deterministic for a seed, reported by `coach simulate`."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from coach.cli.simulate_cmd import simulate as simulate_command
from coach.engine.ability import Scale
from coach.engine.simulate import (
    SimConfig,
    make_bank,
    self_report_answer,
    simulate,
    simulate_learner,
)

KEYS = {
    "exact",
    "within_one",
    "mean_items",
    "p90_items",
    "two_level_errors",
    "reversals_per_100",
    "promotion_lag",
}
SMALL = SimConfig(learners=6, practice=25, gain_at=8, seed=11)


def test_the_same_seed_gives_the_same_report() -> None:
    first = simulate(SMALL)
    assert json.dumps(first, sort_keys=True) == json.dumps(simulate(SMALL), sort_keys=True)
    assert set(first) >= KEYS
    assert set(first["baselines"]) == {"fixed18", "staircase"}
    for baseline in first["baselines"].values():
        assert set(baseline) >= KEYS


def test_a_learner_does_not_depend_on_the_others() -> None:
    bank = make_bank(SMALL)
    alone = simulate_learner(4, SMALL, bank)
    again = simulate_learner(4, SMALL, make_bank(SMALL))
    assert alone == again


def test_placement_figures_are_in_range() -> None:
    report = simulate(SMALL)
    assert 4 <= report["mean_items"] <= 15
    assert report["baselines"]["fixed18"]["mean_items"] == 18
    assert 0 <= report["exact"] <= report["within_one"] <= 1


def run_cli(*args: str, behaviours: bool = False):
    extra = [] if behaviours else ["--behaviours", "0"]
    return CliRunner().invoke(simulate_command, [*args, *extra])


def test_cli_json_is_deterministic() -> None:
    first = run_cli("--learners", "4", "--seed", "3", "--json")
    second = run_cli("--learners", "4", "--seed", "3", "--json")
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert set(report) >= KEYS and set(report["baselines"]) == {"fixed18", "staircase"}
    other = run_cli("--learners", "4", "--seed", "4", "--json")
    assert json.loads(other.stdout) != report


def test_cli_prints_a_table() -> None:
    result = run_cli("--learners", "3", "--seed", "2")
    assert result.exit_code == 0, result.output
    words = ("engine", "self-report", "fixed18", "staircase", "placed at the exact level", "target")
    for word in words:
        assert word in result.stdout


def test_a_self_report_shortens_the_placement_of_the_same_learners() -> None:
    config = SimConfig(learners=40, practice=0, gain_at=0, seed=5)
    report = simulate(config)
    with_answer = report["with_self_report"]
    assert with_answer["mean_items"] < report["mean_items"]
    assert with_answer["within_one"] >= 0.9
    assert with_answer["two_level_errors"] == 0


def test_the_simulated_self_report_is_mostly_honest() -> None:
    config = SimConfig(seed=1)
    rng = random.Random(1)
    scale = Scale(config.params)
    answers = [self_report_answer(scale.centre(4), config, rng) for _ in range(1000)]
    assert 0.6 < answers.count(3) / 1000 < 0.8  # "I build reusable assistants …"
    assert set(answers) == {2, 3, 4}
    assert self_report_answer(scale.centre(1), config, random.Random(2)) in {0, 1}


@pytest.mark.slow
def test_cli_reports_each_behaviour_on_the_shipped_bank() -> None:
    args = ["--learners", "2", "--seed", "3", "--json", "--behaviours", "3", "--practice", "6"]
    args += ["--behaviour", "mix", "--behaviour", "repeater"]
    result = run_cli(*args, behaviours=True)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["behaviours"]) == {"mix", "repeater"}
    for row in report["behaviours"].values():
        assert {"exact", "within_one", "mean_items", "two_level_errors", "gain"} <= set(row)
        assert row["learners"] == 3
    assert "gain_over_twin" in report["behaviours"]["repeater"]
    assert report["bank"]["source"] == "shipped" and report["bank"]["items"] >= 60
    eligible = report["bank"]["placement_eligible"]
    assert all(eligible["standard"][level] >= eligible["unknown"][level] for level in "123456")
    # The app's placement bank (review and fit with family instances): 8 a level at least.
    assert report["bank"]["placement_items"] > 0
    assert all(n >= 8 for counts in eligible.values() for n in counts.values())
    table = run_cli(*[a for a in args if a != "--json"], behaviours=True)
    assert "gain_over_twin" in table.stdout and "repeater" in table.stdout
    assert "placement bank:" in table.stdout


def test_people_are_deterministic_and_twins_are_the_same_person() -> None:
    from coach.engine.people import PeopleConfig, make_person, simulate_people

    bank = [item.info for item in make_bank(SimConfig(items_per_level=4, seed=2))]
    config = PeopleConfig(learners=2, practice=4, seed=3)
    first = simulate_people(bank, config, ("repeater", "always_wrong"))
    assert first == simulate_people(bank, config, ("repeater", "always_wrong"))
    gamer = make_person(1, "own_task_farmer", config)
    twin = make_person(1, "own_task_farmer", config, twin=True)
    assert (gamer.theta, gamer.tier, gamer.bias) == (twin.theta, twin.tier, twin.bias)
    assert gamer.behaviour.farm_share > 0 and twin.behaviour.farm_share == 0
    zero = make_person(0, "always_wrong", config)
    assert Scale().level_of(zero.theta) == 1
