"""ModelSpec, api_base checks and the spend cap: plain Python, no calls."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from coach.llm import (
    InvalidApiBase,
    ModelError,
    ModelSpec,
    SpendCapReached,
    SpendTracker,
    check_api_base,
)


@pytest.mark.parametrize(
    ("model", "provider", "tier"),
    [
        ("openai/gpt-4o-mini", "openai", "unknown"),
        ("anthropic/claude-3-5-haiku-latest", "anthropic", "unknown"),
        ("gemini/gemini-2.0-flash", "gemini", "unknown"),
        ("local/smollm2", None, "small"),
        ("ollama/llama3.2", None, "unknown"),
        ("gpt-4o-mini", None, "unknown"),
    ],
)
def test_provider_and_tier_come_from_the_model_string(
    model: str, provider: str | None, tier: str
) -> None:
    spec = ModelSpec.of(model)
    assert spec.provider == provider
    assert spec.tier == tier
    assert spec.name == model


def test_explicit_fields_win() -> None:
    spec = ModelSpec(
        name="Judge", model="openai/gpt-4o", tier="frontier", provider="azure", api_base=None
    )
    assert (spec.name, spec.tier, spec.provider) == ("Judge", "frontier", "azure")


def test_spec_is_frozen_and_strict() -> None:
    spec = ModelSpec.of("openai/gpt-4o-mini")
    with pytest.raises(ValidationError):
        spec.model = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        ModelSpec(name="x", model="openai/gpt-4o", tier="huge")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ModelSpec(name="x", model="openai/gpt 4o")


@pytest.mark.parametrize(
    "url",
    ["http://localhost:11434", "http://127.0.0.1:8080/v1", "https://proxy.example.com/v1"],
)
def test_valid_api_base(url: str) -> None:
    assert check_api_base(f"  {url} ") == url
    assert ModelSpec.of("openai/x", api_base=url).api_base == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "localhost:11434",
        "ftp://example.com",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        "http://exa mple.com",
        "http://host:99999/v1",
        "http://host:0/v1",
        "http://user:secret@host/v1",
        "http://host/\x1b[2J",
    ],
)
def test_invalid_api_base_is_refused_in_plain_words(url: str) -> None:
    with pytest.raises(InvalidApiBase) as caught:
        ModelSpec.of("openai/x", api_base=url)
    assert isinstance(caught.value, ModelError)
    assert caught.value.fix
    assert "secret" not in caught.value.message
    with pytest.raises(ValidationError):
        ModelSpec(name="x", model="openai/x", api_base=url)


@pytest.mark.parametrize(
    ("model", "api_base", "on_machine"),
    [
        ("local/smollm2", None, True),
        ("ollama/llama3.2", None, True),
        ("openai/whatever", "http://127.0.0.1:8080/v1", True),
        ("openai/whatever", "http://localhost:1234/v1", True),
        ("openai/gpt-4o-mini", None, False),
        ("openai/gpt-4o-mini", "https://proxy.example.com/v1", False),
    ],
)
def test_on_machine(model: str, api_base: str | None, on_machine: bool) -> None:
    assert ModelSpec.of(model, api_base=api_base).on_machine is on_machine


def test_spend_tracker_refuses_paid_calls_at_the_cap() -> None:
    paid = ModelSpec.of("openai/gpt-4o-mini")
    tracker = SpendTracker(0.10)
    tracker.check(paid)
    tracker.record(0.06)
    tracker.check(paid)
    tracker.record(0.05)
    assert tracker.spent_usd == pytest.approx(0.11)
    assert tracker.remaining_usd == 0
    with pytest.raises(SpendCapReached) as caught:
        tracker.check(paid)
    error = caught.value
    assert "$0.11" in error.message and "$0.10" in error.message
    assert "spend_cap_usd" in error.fix
    assert (error.spent_usd, error.cap_usd) == (pytest.approx(0.11), 0.10)


def test_spend_tracker_never_blocks_models_on_this_machine() -> None:
    tracker = SpendTracker(0)
    tracker.check(ModelSpec.of("local/smollm2"))
    tracker.check(ModelSpec.of("openai/x", api_base="http://127.0.0.1:9/v1"))
    with pytest.raises(SpendCapReached):
        tracker.check(ModelSpec.of("openai/gpt-4o-mini"))


def test_spend_tracker_counts_unpriced_calls() -> None:
    tracker = SpendTracker(1.0)
    tracker.record(None)
    tracker.record(0.0)
    assert (tracker.calls, tracker.unpriced_calls, tracker.spent_usd) == (2, 1, 0.0)
    with pytest.raises(ValueError):
        SpendTracker(-1)
