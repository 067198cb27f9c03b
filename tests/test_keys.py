"""API keys: stored in the keyring, environment first, never shown or written to config."""

from __future__ import annotations

import json

import keyring
import pytest
from click.testing import CliRunner
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail
from keyring.errors import KeyringError

from coach.cli import keys_cmd, main
from coach.config import config_path
from coach.keys import (
    PROVIDERS,
    SERVICE,
    InvalidKey,
    KeyringUnavailable,
    UnknownProvider,
    clean_secret,
    delete_key,
    get_key,
    key_status,
    keyring_available,
    mask,
    provider_for_model,
    provider_name,
    set_key,
)

SECRET = "sk-test-4f9c2b7e1d0a8c6b5e3f2a1d9c8b7a6e5f4d3c2b"
OTHER = "sk-env-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"


@pytest.fixture(autouse=True)
def no_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys in the developer's shell must not leak into these tests."""
    for variable in PROVIDERS.values():
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


# --- keys set ---------------------------------------------------------------


def test_set_from_piped_stdin_stores_in_keyring(memory_keyring) -> None:
    result = run("keys", "set", "openai", input=f"  {SECRET}\n")
    assert result.exit_code == 0, result.output
    assert memory_keyring.secrets == {(SERVICE, "openai"): SECRET}
    assert SECRET not in result.output
    assert "sk-…7c2b" not in result.output  # hint shows the real last four only
    assert mask(SECRET) in result.stdout


def test_set_with_stdin_flag(memory_keyring) -> None:
    result = run("keys", "set", "anthropic", "--stdin", input=SECRET)
    assert result.exit_code == 0, result.output
    assert memory_keyring.secrets[(SERVICE, "anthropic")] == SECRET


def test_set_prompts_with_hidden_input_on_a_terminal(memory_keyring, monkeypatch) -> None:
    monkeypatch.setattr(keys_cmd, "_stdin_is_tty", lambda: True)
    result = run("keys", "set", "groq", input=f"{SECRET}\n")
    assert result.exit_code == 0, result.output
    assert "input hidden" in result.output
    assert SECRET not in result.output  # hidden input is not echoed
    assert memory_keyring.secrets[(SERVICE, "groq")] == SECRET


def test_the_key_is_not_a_command_line_argument(memory_keyring) -> None:
    result = run("keys", "set", "openai", SECRET)
    assert result.exit_code == 2
    assert memory_keyring.secrets == {}


def test_alias_is_stored_under_the_canonical_provider(memory_keyring) -> None:
    assert run("keys", "set", "google", input=SECRET).exit_code == 0
    assert (SERVICE, "gemini") in memory_keyring.secrets


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("sk-abc def", "spaces or line breaks"),
        ("sk-abc\nsk-def", "spaces or line breaks"),
        ("OPENAI_API_KEY=sk-abcdef", "without the `NAME=`"),
        ("“sk-abcdef”", "characters API keys do not have"),
    ],
)
def test_bad_secret_is_refused_without_echo(memory_keyring, pasted: str, message: str) -> None:
    result = run("keys", "set", "openai", input=pasted)
    assert result.exit_code == 1
    assert message in result.stderr
    assert memory_keyring.secrets == {}
    if pasted.strip():
        assert pasted.strip() not in result.output
    with pytest.raises(InvalidKey):
        clean_secret(pasted)


def test_clean_secret_strips_surrounding_whitespace() -> None:
    assert clean_secret(f"\t{SECRET} \r\n") == SECRET


# --- unknown provider -------------------------------------------------------


def test_unknown_provider_lists_the_known_ones(memory_keyring) -> None:
    result = run("keys", "set", "opneai", input=SECRET)
    assert result.exit_code == 2
    assert "Unknown provider 'opneai'" in result.stderr
    assert "Did you mean openai?" in result.stderr
    for provider in ("anthropic", "gemini", "together_ai"):
        assert provider in result.stderr
    assert memory_keyring.secrets == {}
    with pytest.raises(UnknownProvider, match="Known providers: anthropic"):
        set_key("nope", SECRET)
    with pytest.raises(ValueError):
        get_key("nope")


# --- status -----------------------------------------------------------------


def test_status_shows_source_and_hint_never_the_key(memory_keyring) -> None:
    set_key("openai", SECRET)
    result = run("keys", "status")
    assert result.exit_code == 0
    assert SECRET not in result.output
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:] if line}
    assert lines["openai"][1:3] == ["OPENAI_API_KEY", "keyring"]
    assert lines["openai"][3] == mask(SECRET)
    assert lines["anthropic"][1:] == ["ANTHROPIC_API_KEY", "missing"]
    assert lines["together_ai"][1] == "TOGETHERAI_API_KEY"


def test_status_json(memory_keyring) -> None:
    set_key("mistral", SECRET)
    result = run("keys", "status", "--json")
    assert result.exit_code == 0
    assert SECRET not in result.output
    report = json.loads(result.stdout)
    assert report["keyring_available"] is True
    rows = {row["provider"]: row for row in report["keys"]}
    assert rows["mistral"]["source"] == "keyring"
    assert rows["mistral"]["env_var"] == "MISTRAL_API_KEY"
    assert rows["openai"]["source"] == "missing" and rows["openai"]["hint"] is None


def test_status_for_named_providers() -> None:
    result = run("keys", "status", "openai", "claude", "--json")
    assert [row["provider"] for row in json.loads(result.stdout)["keys"]] == [
        "openai",
        "anthropic",
    ]


def test_environment_wins_over_keyring(memory_keyring, monkeypatch) -> None:
    set_key("openai", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", OTHER)
    assert get_key("openai") == OTHER
    [row] = key_status(["openai"])
    assert row.source == "environment"
    assert "keyring also holds one" in row.note
    result = run("keys", "status")
    assert SECRET not in result.output and OTHER not in result.output
    assert "environment" in result.stdout
    monkeypatch.delenv("OPENAI_API_KEY")
    assert get_key("openai") == SECRET
    assert get_key("anthropic") is None


def test_set_warns_when_the_environment_wins(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OTHER)
    result = run("keys", "set", "openai", input=SECRET)
    assert result.exit_code == 0
    assert "OPENAI_API_KEY is set in this environment" in result.stdout
    assert OTHER not in result.output and SECRET not in result.output


# --- delete -----------------------------------------------------------------


def test_delete(memory_keyring) -> None:
    set_key("deepseek", SECRET)
    result = run("keys", "delete", "deepseek")
    assert result.exit_code == 0
    assert "Deleted" in result.stdout
    assert memory_keyring.secrets == {}
    again = run("keys", "delete", "deepseek")
    assert again.exit_code == 0
    assert "holds no deepseek key" in again.stdout
    assert delete_key("deepseek") is False
    set_key("deepseek", SECRET)
    assert delete_key("deepseek") is True
    assert get_key("deepseek") is None


# --- no keyring -------------------------------------------------------------


@pytest.mark.usefixtures("no_keyring")
def test_no_keyring_set_says_so_and_names_the_variable() -> None:
    assert keyring_available() is False
    result = run("keys", "set", "openai", input=SECRET)
    assert result.exit_code == 1
    assert "no system keyring is available" in result.stderr
    assert "OPENAI_API_KEY" in result.stderr
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    with pytest.raises(KeyringUnavailable, match="OPENAI_API_KEY"):
        set_key("openai", SECRET)


@pytest.mark.usefixtures("no_keyring")
def test_no_keyring_status_and_delete_still_work(monkeypatch) -> None:
    monkeypatch.setenv("GROQ_API_KEY", SECRET)
    status = run("keys", "status")
    assert status.exit_code == 0
    assert "No system keyring is available here" in status.stdout
    assert SECRET not in status.output
    assert get_key("groq") == SECRET
    assert get_key("openai") is None
    delete = run("keys", "delete", "groq")
    assert delete.exit_code == 1
    assert "GROQ_API_KEY" in delete.stderr


def test_empty_chainer_counts_as_no_keyring(monkeypatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    previous = keyring.get_keyring()
    keyring.set_keyring(chainer.ChainerBackend())
    try:
        assert keyring_available() is False
    finally:
        keyring.set_keyring(previous)


class RefusingKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"locked; could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("locked")


def test_keyring_error_is_plain_and_hides_the_key() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(RefusingKeyring())
    try:
        result = run("keys", "set", "openai", input=SECRET)
    finally:
        keyring.set_keyring(previous)
    assert result.exit_code == 1
    assert "the system keyring refused" in result.stderr
    assert "OPENAI_API_KEY" in result.stderr
    assert SECRET not in result.output


# --- keys and the config file -----------------------------------------------


def test_the_key_never_reaches_the_config_file(memory_keyring, monkeypatch) -> None:
    run("keys", "set", "openai", input=SECRET)
    run("config", "set", "model", "openai/gpt-4o-mini")
    run("config", "set", "learner.name", "Ana")
    monkeypatch.setenv("ANTHROPIC_API_KEY", OTHER)
    shown = run("config", "show")
    run("keys", "status")
    run("keys", "delete", "openai")
    text = config_path().read_text()
    for secret in (SECRET, OTHER):
        assert secret not in text
        assert secret not in shown.output
    settings = [line for line in text.splitlines() if not line.startswith("#")]
    assert not any("key" in line.lower() for line in settings)


# --- helpers ----------------------------------------------------------------


def test_provider_helpers() -> None:
    assert provider_name(" Together-AI ") == "together_ai"
    assert provider_name("hf") == "huggingface"
    assert provider_for_model("anthropic/claude-3-5-haiku-latest") == "anthropic"
    assert provider_for_model("openrouter/meta-llama/llama-3-8b") == "openrouter"
    assert provider_for_model("local/smollm2") is None
    assert provider_for_model("gpt-4o") is None


def test_mask_reveals_little() -> None:
    assert mask("sk-abcdefghijkl1234") == "sk-…1234"
    assert mask("short") == "…"
