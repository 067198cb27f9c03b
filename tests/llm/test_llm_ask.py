"""`coach ask`: the answer streamed to stdout; problems in plain words on stderr, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner, Result
from fake_openai import DEFAULT_TEXT, CutOff, FakeOpenAI, Reply
from llm_helpers import needs_llama

from coach.cli.ask_cmd import ask
from coach.config import set_value


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(ask, list(args), input=stdin)


def on_fake(fake: FakeOpenAI, model: str = "fake-model") -> list[str]:
    return ["--model", f"openai/{model}", "--api-base", fake.base_url]


def assert_plain_failure(result: Result, *words: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr


def test_streams_the_answer_to_stdout(fake: FakeOpenAI) -> None:
    result = run("What", "is", "the", "capital?", *on_fake(fake), "--max-tokens", "50")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == DEFAULT_TEXT + "\n"
    assert result.stderr == ""
    (request,) = fake.chat_requests
    assert request.body is not None
    assert request.body["messages"] == [{"role": "user", "content": "What is the capital?"}]
    assert request.body["max_tokens"] == 50
    assert request.body["stream"] is True


def test_prompt_from_stdin(fake: FakeOpenAI) -> None:
    result = run("-", *on_fake(fake), stdin="Summarise this:\nline two\n")
    assert result.exit_code == 0, result.stderr
    body = fake.chat_requests[0].body
    assert body is not None
    assert body["messages"][0]["content"] == "Summarise this:\nline two\n"


def test_terminal_control_sequences_are_stripped(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text="safe \x1b]0;pwned\x07 text \x1b[2J\x1b[31mred\x1b[0m done\r"))
    result = run("hi", *on_fake(fake))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "safe  text red done\n"


def test_refused_key_is_explained_without_a_traceback(fake: FakeOpenAI) -> None:
    result = run("hi", *on_fake(fake, "fake-401"))
    assert_plain_failure(result, "API key", "OPENAI_API_KEY", "coach keys set openai")
    assert result.stdout == ""


def test_missing_key_for_a_hosted_model(fake: FakeOpenAI) -> None:
    result = run("hi", "--model", "anthropic/claude-3-5-haiku-latest")
    assert_plain_failure(result, "ANTHROPIC_API_KEY", "coach keys set anthropic")


def test_bad_address_is_refused_before_any_call(fake: FakeOpenAI) -> None:
    result = run("hi", "--model", "openai/fake-model", "--api-base", "localhost:8080")
    assert_plain_failure(result, "http://")
    assert fake.requests == []


def test_server_not_running(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/v1"
    result = run("hi", "--model", "openai/whatever", "--api-base", url)
    assert_plain_failure(result, url, "running")


def test_cut_off_answer_keeps_the_part_that_arrived(fake: FakeOpenAI) -> None:
    fake.queue(CutOff(text="The first part of the answer and more", after_chunks=4))
    result = run("hi", *on_fake(fake))
    assert_plain_failure(result, "stopped before it was finished")
    assert result.stdout == "The first part of \n"


def test_model_and_api_base_come_from_the_settings(fake: FakeOpenAI) -> None:
    set_value("model", "openai/fake-model")
    set_value("api_base.openai/fake-model", fake.base_url)
    result = run("hi")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == DEFAULT_TEXT + "\n"
    assert fake.chat_requests[0].model == "fake-model"


def test_spend_cap_stops_paid_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    set_value("spend_cap_usd", "0")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
    result = run("hi", "--model", "openai/gpt-4o-mini")
    assert_plain_failure(result, "spend cap", "spend_cap_usd")


def test_bad_model_string() -> None:
    result = run("hi", "--model", "openai/gpt 4o")
    assert_plain_failure(result, "not a model string")


def test_empty_prompt() -> None:
    assert_plain_failure(run("  "), "empty")


def test_litellm_writes_nothing_to_stdout_even_when_asked_to_debug(fake: FakeOpenAI) -> None:
    """A real process: litellm's own handlers would write DEBUG lines to stdout."""
    code = "from coach.cli.ask_cmd import ask; ask()"
    env = {**os.environ, "LITELLM_LOG": "DEBUG"}
    env.pop("OPENAI_API_KEY", None)
    for model, status in (("fake-model", 0), ("fake-500", 1)):
        done = subprocess.run(
            [sys.executable, "-c", code, "hi", *on_fake(fake, model)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == status, done.stderr
        assert done.stdout == (DEFAULT_TEXT + "\n" if status == 0 else "")
        assert "Traceback" not in done.stderr
        if not status:
            assert done.stderr == ""
        if status:
            assert done.stderr.startswith("Error: ")


@needs_llama
def test_default_model_is_the_offline_one() -> None:
    result = run("Say hello.", "--max-tokens", "8")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    assert result.stdout.endswith("\n")
    assert result.stderr == ""
