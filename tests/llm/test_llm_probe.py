"""`coach models --probe`: a short fixed probe earns a tier, recorded in the config."""

from __future__ import annotations

import json

import pytest
import tomli_w
from click.testing import CliRunner
from fake_openai import FakeOpenAI, Reply

from coach.cli import main
from coach.config import config_path, load_config
from coach.llm import ModelSpec
from coach.llm.probe import TASKS, probe, tier_for


def write_config(table: dict) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(tomli_w.dumps(table))


def answer_well(fake: FakeOpenAI) -> None:
    for task in TASKS:
        fake.reply_when(task.prompt, behaviour=Reply(text=task.reference))


@pytest.mark.parametrize("task", TASKS, ids=[t.id for t in TASKS])
def test_each_task_accepts_its_reference_and_refuses_nonsense(task) -> None:
    assert task.check(task.reference)
    for wrong in ("", "I cannot help with that.", task.prompt, "Paris is the capital of France."):
        assert not task.check(wrong), wrong


def test_checks_forgive_harmless_differences() -> None:
    by_id = {t.id: t for t in TASKS}
    assert by_id["arithmetic"].check(" 60.\n")
    assert by_id["json"].check('```json\n{"total": 1595.75, "customer": "northgate ltd"}\n```')
    assert not by_id["json"].check('{"customer": "Northgate Ltd", "total": 1280}')
    assert by_id["sort-lines"].check("1. Apple\n2. Banana\n3. Cherry")
    assert not by_id["sort-lines"].check("apple, banana, cherry")


def test_tier_thresholds() -> None:
    assert tier_for(7, 7) == "standard"
    assert tier_for(6, 7) == "standard"
    assert tier_for(5, 7) == "small"
    assert tier_for(0, 0) == "unknown"


async def test_a_model_that_answers_correctly_earns_standard(fake: FakeOpenAI) -> None:
    answer_well(fake)
    result = await probe(ModelSpec.of("openai/good", api_base=fake.base_url))
    assert (result.passed, result.total, result.tier) == (len(TASKS), len(TASKS), "standard")
    assert all(r.body["temperature"] == 0 for r in fake.chat_requests)


async def test_a_model_that_answers_badly_earns_small(fake: FakeOpenAI) -> None:
    result = await probe(ModelSpec.of("openai/parrot", api_base=fake.base_url))
    assert result.tier == "small"
    assert result.passed == 0
    assert all(t.answer.startswith("Paris") for t in result.tasks)


def test_cli_probe_records_the_tier_on_the_models_entry(fake: FakeOpenAI) -> None:
    answer_well(fake)
    write_config(
        {
            "model": "house",
            "models": [{"name": "house", "model": "openai/house", "api_base": fake.base_url}],
        }
    )
    result = CliRunner().invoke(main, ["models", "--probe"])
    assert result.exit_code == 0, result.output
    assert "tier standard" in result.stdout
    (entry,) = load_config().models
    assert (entry.name, entry.tier) == ("house", "standard")


def test_cli_probe_of_a_bare_model_string_adds_an_entry(fake: FakeOpenAI) -> None:
    write_config({"api_base": {"openai/parrot": fake.base_url}})
    result = CliRunner().invoke(main, ["models", "--probe", "openai/parrot", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tier"] == "small"
    (entry,) = load_config().models
    assert (entry.model, entry.api_base, entry.tier) == ("openai/parrot", fake.base_url, "small")


def test_cli_probe_of_a_discovered_server_model_with_its_address(fake: FakeOpenAI) -> None:
    answer_well(fake)
    result = CliRunner().invoke(
        main, ["models", "--probe", "openai/found", "--api-base", fake.base_url]
    )
    assert result.exit_code == 0, result.output
    (entry,) = load_config().models
    assert (entry.model, entry.api_base, entry.tier) == ("openai/found", fake.base_url, "standard")


def test_cli_probe_of_an_unreachable_model_says_why_and_records_nothing(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/v1"
    write_config({"models": [{"name": "gone", "model": "openai/x", "api_base": url}]})
    result = CliRunner().invoke(main, ["models", "--probe", "gone"])
    assert result.exit_code == 1
    assert "Cannot reach" in result.stderr
    assert load_config().models[0].tier == "unknown"


def test_cli_probe_of_the_offline_model_needs_no_measuring() -> None:
    result = CliRunner().invoke(main, ["models", "--probe", "local/smollm2"])
    assert result.exit_code == 1
    assert "small" in result.stderr
