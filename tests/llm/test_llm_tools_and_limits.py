"""Tool calls on real servers (tool_choice, models that cannot call tools) and sane limits."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fake_openai import FakeOpenAI, Reply, Slow, Status

from coach import llm
from coach.config import Config, ModelEntry
from coach.llm import ModelSpec, TimedOut, ToolsUnsupported
from coach.llm.choices import spec_for as config_spec_for

SpecFor = Callable[[str], ModelSpec]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "read_file",
            "description": "Read a file.",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}},
                "required": ["path"],
            },
        },
    }
]


# --- tool_choice ------------------------------------------------------------------


async def test_tools_are_sent_with_tool_choice_auto_unless_the_caller_says(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    await llm.complete(spec_for("fake-tools"), "Read notes.txt", tools=TOOLS)
    await llm.complete(
        spec_for("fake-tools"), "Read notes.txt", tools=TOOLS, tool_choice="required"
    )
    await llm.stream(spec_for("fake-tools"), "Read notes.txt", tools=TOOLS).collect()
    sent = [r.body["tool_choice"] for r in fake.chat_requests]
    assert sent == ["auto", "required", "auto"]
    assert all(r.body["tools"] == TOOLS for r in fake.chat_requests)


async def test_no_tool_choice_without_tools(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    await llm.complete(spec_for("fake-model"), "hi")
    assert "tool_choice" not in fake.chat_requests[0].body
    assert "tools" not in fake.chat_requests[0].body


async def test_the_offline_model_with_tools_is_refused_before_any_call() -> None:
    with pytest.raises(ToolsUnsupported) as caught:
        await llm.complete("local/smollm2", "Read notes.txt", tools=TOOLS)
    assert "cannot call tools" in caught.value.message
    assert "coach models" in caught.value.fix


async def test_a_hosted_model_listed_without_tool_calling_is_refused_before_any_call(
    fake: FakeOpenAI,
) -> None:
    lib = llm.get_litellm()
    no_tools = next(
        name
        for name, info in lib.model_cost.items()
        if info.get("litellm_provider") == "openai"
        and info.get("mode") == "chat"
        and info.get("supports_function_calling") is False
    )
    with pytest.raises(ToolsUnsupported) as caught:
        await llm.complete(f"openai/{no_tools}", "Read notes.txt", tools=TOOLS, api_key="sk-x")
    assert no_tools in caught.value.message
    assert fake.chat_requests == []


@pytest.mark.parametrize(
    "said",
    [
        "registry.ollama.ai/library/gemma:2b does not support tools",
        "tools param requires --jinja flag",
        '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
    ],
)
async def test_a_server_that_refuses_tools_says_the_model_cannot_call_tools(
    fake: FakeOpenAI, spec_for: SpecFor, said: str
) -> None:
    fake.queue(Status(400, said, "invalid_request_error"))
    with pytest.raises(ToolsUnsupported) as caught:
        await llm.complete(spec_for("fake-model"), "Read notes.txt", tools=TOOLS)
    assert "cannot call tools" in caught.value.message
    assert caught.value.detail and said.split()[0].strip('"') in caught.value.detail


async def test_a_bad_request_about_something_else_is_not_blamed_on_tools(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    fake.queue(Status(400, "max_tokens is too large", "invalid_request_error"))
    with pytest.raises(llm.BadRequest):
        await llm.complete(spec_for("fake-model"), "Read notes.txt", tools=TOOLS)


# --- max_tokens and timeout ---------------------------------------------------------


async def test_server_models_get_a_max_tokens_cap_by_default(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    await llm.complete(spec_for("fake-model"), "hi")
    await llm.stream(spec_for("fake-model"), "hi").collect()
    assert [r.body["max_tokens"] for r in fake.chat_requests] == [
        llm.DEFAULT_MAX_TOKENS,
        llm.DEFAULT_MAX_TOKENS,
    ]


async def test_max_tokens_from_config_per_model_and_per_call(fake: FakeOpenAI) -> None:
    config = Config(
        max_tokens=300,
        models=[
            ModelEntry(name="house", model="openai/house", api_base=fake.base_url),
            ModelEntry(name="short", model="openai/short", api_base=fake.base_url, max_tokens=40),
        ],
    )
    await llm.complete(config_spec_for(config, "house"), "hi")
    await llm.complete(config_spec_for(config, "short"), "hi")
    await llm.complete(config_spec_for(config, "short"), "hi", max_tokens=7)  # the exercise's
    assert [r.body["max_tokens"] for r in fake.chat_requests] == [300, 40, 7]


async def test_the_timeout_comes_from_the_config_and_its_message_names_the_setting(
    fake: FakeOpenAI,
) -> None:
    config = Config(
        timeout=0.3, models=[ModelEntry(name="slow", model="openai/x", api_base=fake.base_url)]
    )
    fake.queue(Slow(3.0))
    with pytest.raises(TimedOut) as caught:
        await llm.complete(config_spec_for(config, "slow"), "hi", retry=llm.NO_RETRY)
    assert "coach config set timeout" in caught.value.fix


def test_timeout_and_max_tokens_are_settings() -> None:
    assert Config().timeout == 60
    assert Config(timeout=5, max_tokens=64).max_tokens == 64
    with pytest.raises(ValueError):
        Config(timeout=0)
    with pytest.raises(ValueError):
        Config(max_tokens=0)


# --- usage and cost -------------------------------------------------------------------


async def test_usage_is_marked_estimated_when_the_server_sends_none(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    fake.queue(Reply(send_usage=False), Reply(send_usage=False))
    streamed = await llm.stream(spec_for("fake-model"), "Capital of France?").collect()
    whole = await llm.complete(spec_for("fake-model"), "Capital of France?")
    for result in (streamed, whole):
        assert result.usage is not None and result.usage.estimated is True
        assert result.usage.tokens_in > 0 and result.usage.tokens_out > 0
    counted = await llm.complete(spec_for("fake-model"), "Capital of France?")
    assert counted.usage is not None and counted.usage.estimated is False


async def test_a_model_on_this_machine_costs_nothing(fake: FakeOpenAI) -> None:
    # gpt-4o-mini has a price; on a loopback server it is someone's local copy: free.
    spec = ModelSpec.of(
        "openai/gpt-4o-mini", api_base=fake.base_url.replace("127.0.0.1", "localhost")
    )
    result = await llm.complete(spec, "hi")
    assert result.cost_usd == 0.0


def test_a_hosted_model_costs_its_price_or_unknown() -> None:
    from coach.llm.call import _cost
    from coach.llm.result import Usage

    lib = llm.get_litellm()
    usage = Usage(tokens_in=1000, tokens_out=1000)
    priced = _cost(lib, ModelSpec.of("openai/gpt-4o-mini"), usage)
    unpriced = _cost(lib, ModelSpec.of("openai/no-such-model-anywhere"), usage)
    assert priced is not None and priced > 0
    assert unpriced is None


# --- tiers ------------------------------------------------------------------------------


def test_tiers_are_unknown_until_stated_or_measured_and_local_is_small() -> None:
    assert ModelSpec.of("openai/gpt-4o-mini").tier == "unknown"
    assert ModelSpec.of("local/smollm2").tier == "small"
    assert ModelSpec(name="x", model="local/smollm2", tier="frontier").tier == "small"
    config = Config(
        models=[
            ModelEntry(name="a", model="openai/a"),
            ModelEntry(name="b", model="openai/b", tier="frontier"),
        ]
    )
    assert config_spec_for(config, "a").tier == "unknown"
    assert config_spec_for(config, "b").tier == "frontier"


# --- model strings, checked before litellm is imported -----------------------------------


def test_a_mistyped_model_fails_fast_without_importing_litellm() -> None:
    import json
    import subprocess
    import sys

    code = (
        "import json, sys, time\n"
        "from click.testing import CliRunner\n"
        "from coach.cli import main\n"
        "rows = []\n"
        "for model in ('opnai/gpt-4o-mini', 'gtp-4o-mini', 'nosuchthing/x'):\n"
        "    r = CliRunner().invoke(main, ['ask', '--model', model, 'hi'])\n"
        "    rows.append([r.exit_code, r.stderr])\n"
        "print(json.dumps([rows, 'litellm' in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    rows, imported = json.loads(out)
    assert imported is False
    assert all(code == 1 for code, _ in rows)
    assert "Did you mean openai/gpt-4o-mini?" in rows[0][1]
    assert "Did you mean gpt-4o-mini?" in rows[1][1]
    assert "'nosuchthing' is not a provider" in rows[2][1]


async def test_a_server_model_without_a_prefix_is_told_to_add_openai(fake: FakeOpenAI) -> None:
    with pytest.raises(llm.ModelNotFound) as caught:
        await llm.complete(ModelSpec.of("qwen2.5:7b", api_base=fake.base_url), "hi")
    assert "write it as openai/qwen2.5:7b" in caught.value.fix
    assert fake.chat_requests == []


@pytest.mark.parametrize(
    "model",
    ["openai/gpt-4o-mini", "ollama_chat/llama3.2", "local/smollm2", "gpt-4o", "claude-3-haiku"],
)
def test_good_model_strings_pass_the_check(model: str) -> None:
    from coach.llm.providers import check_model_string

    check_model_string(model)


def test_the_static_provider_list_names_only_real_providers() -> None:
    from coach.llm.providers import PROVIDERS

    lib = llm.get_litellm()
    known = {str(getattr(p, "value", p)) for p in lib.provider_list}
    assert PROVIDERS - {"local"} <= known | set(_openai_like(lib))
    assert {"openai", "anthropic", "gemini", "ollama", "ollama_chat", "groq"} <= PROVIDERS


def _openai_like(lib) -> list[str]:
    import json
    from pathlib import Path

    path = Path(lib.__file__).parent / "llms" / "openai_like" / "providers.json"
    return list(json.loads(path.read_text())) if path.exists() else []
