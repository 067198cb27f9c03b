"""`coach models` and named models from the config: which are ready, and why not."""

from __future__ import annotations

import json

import tomli_w
from click.testing import CliRunner
from fake_openai import DEFAULT_TEXT, FakeOpenAI

from coach.cli import main
from coach.config import config_path
from coach.llm.local import llama_importable


def write_config(table: dict) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(table))


def listed() -> list[dict]:
    result = CliRunner().invoke(main, ["models", "--json", "--no-discover"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert listing["servers"] == []
    return listing["models"]


def test_default_lists_the_offline_model() -> None:
    (row,) = listed()
    assert (row["name"], row["model"], row["tier"], row["default"]) == (
        "local/smollm2",
        "local/smollm2",
        "small",
        True,
    )
    assert row["ready"] is llama_importable()
    if row["ready"]:
        assert "decoded" in row["detail"]  # ready means it really generated tokens
    else:
        assert "coach[local]" in row["fix"] or "make run" in row["fix"]


def test_configured_models_report_readiness(
    fake: FakeOpenAI, closed_port: int, memory_keyring
) -> None:
    write_config(
        {
            "model": "house",
            "models": [
                {"name": "house", "model": "openai/fake-model", "api_base": fake.base_url},
                {
                    "name": "laptop",
                    "model": "openai/llama",
                    "api_base": f"http://127.0.0.1:{closed_port}/v1",
                    "tier": "small",
                },
                {"name": "mini", "model": "openai/gpt-4o-mini"},
                {"name": "claude", "model": "anthropic/claude-sonnet-4-5", "tier": "frontier"},
            ],
        }
    )
    memory_keyring.set_password("coach", "anthropic", "sk-ant-test-0123456789")
    rows = {row["name"]: row for row in listed()}
    assert list(rows) == ["local/smollm2", "house", "laptop", "mini", "claude"]
    assert rows["house"]["ready"] and rows["house"]["default"]
    assert rows["house"]["tier"] == "unknown"  # not stated, not yet measured
    assert not rows["laptop"]["ready"]
    assert "no server answers" in rows["laptop"]["detail"]
    assert rows["laptop"]["tier"] == "small"
    assert not rows["mini"]["ready"]
    assert "OPENAI_API_KEY" in rows["mini"]["detail"]
    assert "coach keys set openai" in rows["mini"]["fix"]
    assert rows["claude"]["ready"], rows["claude"]
    assert "sk-ant-test" not in json.dumps(rows)


def test_text_listing_marks_the_default_and_the_fix() -> None:
    write_config({"models": [{"name": "mini", "model": "openai/gpt-4o-mini"}]})
    result = CliRunner().invoke(main, ["models", "--no-discover"])
    assert result.exit_code == 0
    assert "local/smollm2 (default)" in result.stdout
    assert "✗ mini" in result.stdout
    assert "fix: Set OPENAI_API_KEY" in result.stdout


def test_ask_uses_a_named_model_with_its_server(fake: FakeOpenAI) -> None:
    write_config(
        {"models": [{"name": "house", "model": "openai/house-model", "api_base": fake.base_url}]}
    )
    result = CliRunner().invoke(main, ["ask", "--model", "house", "hi"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == DEFAULT_TEXT + "\n"
    assert fake.chat_requests[0].model == "house-model"


def test_bad_model_url_in_config_is_refused_with_the_file() -> None:
    write_config({"models": [{"name": "x", "model": "openai/x", "api_base": "localhost:1234"}]})
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 1
    assert str(config_path()) in result.stderr or "config.toml" in result.stderr
    assert "must start with http:// or https://" in result.stderr
