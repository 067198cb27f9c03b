"""Connecting a model: which ports are looked at, the config entry a pick becomes,
and the key typed for one server (kept for it alone, sent only to it)."""

from __future__ import annotations

import pytest
from fake_openai import FakeOpenAI

from coach import keys, llm
from coach.config import Config, ModelEntry
from coach.llm.choices import spec_for, with_practice_model
from coach.llm.discovery import KNOWN_PORTS, PORTS_ENV, discover, ports_to_look_at

KEY = "sk-server-0123456789abcdef"


def test_the_usual_ports_unless_the_environment_names_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(PORTS_ENV, raising=False)
    assert ports_to_look_at() == KNOWN_PORTS
    monkeypatch.setenv(PORTS_ENV, "9000, 11434, 9001=My box, nonsense, 70000")
    assert ports_to_look_at() == ((9000, "server"), (11434, "Ollama"), (9001, "My box"))
    monkeypatch.setenv(PORTS_ENV, "")
    assert ports_to_look_at() == ()
    assert discover() == []


def test_discover_looks_where_the_environment_says(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PORTS_ENV, f"{fake.port}=LM Studio")
    [found] = discover()
    assert (found.port, found.kind, found.api_base) == (fake.port, "LM Studio", fake.base_url)


def test_a_pick_becomes_a_named_entry_once() -> None:
    config = Config(models=[ModelEntry(name="qwen", model="openai/other")])
    spec = llm.ModelSpec.of("openai/qwen", api_base="http://127.0.0.1:1234/v1", name="qwen (x)")
    new, name = with_practice_model(config, spec)
    assert name == "qwen-2"  # "qwen" names another model already
    assert new.model == "qwen-2" and config.model != "qwen-2"  # a copy; the original is kept
    assert spec_for(new).model == "openai/qwen"
    assert spec_for(new).api_base == "http://127.0.0.1:1234/v1"
    again, same = with_practice_model(new, spec)
    assert same == "qwen-2" and len(again.models) == 2  # no duplicate entry


def test_a_key_for_one_server_is_sent_only_to_it(memory_keyring: object) -> None:
    mine = llm.ModelSpec.of("openai/m", api_base="http://127.0.0.1:8080/v1")
    other = llm.ModelSpec.of("openai/m", api_base="http://127.0.0.1:8000/v1")
    assert keys.set_server_key("http://127.0.0.1:8080/v1/", KEY) == "sk-…cdef"
    assert llm.resolve_key(mine) == KEY
    assert llm.resolve_key(other) != KEY
    assert keys.get_key("openai") is None  # the provider's own key is untouched
    with pytest.raises(llm.AuthFailed):
        llm.resolve_key(llm.ModelSpec.of("openai/gpt-4o-mini"))
    with pytest.raises(keys.InvalidKey):
        keys.set_server_key("http://127.0.0.1:8080/v1", "two words")
