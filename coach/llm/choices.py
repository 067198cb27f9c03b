"""The models a learner can choose: the built-in offline model plus the configured ones."""

from __future__ import annotations

from coach.config import Config
from coach.llm.spec import DEFAULT_LOCAL_MODEL, ModelSpec


def configured_models(config: Config) -> list[ModelSpec]:
    """`local/smollm2` first (unless configured under that name), then `[[models]]` in order."""
    specs = [
        ModelSpec(name=e.name, model=e.model, api_base=e.api_base, tier=e.tier)
        for e in config.models
    ]
    if not any(DEFAULT_LOCAL_MODEL in (spec.name, spec.model) for spec in specs):
        specs.insert(0, ModelSpec.of(DEFAULT_LOCAL_MODEL))
    return specs


def spec_for(
    config: Config, name_or_model: str | None = None, api_base: str | None = None
) -> ModelSpec:
    """The spec for a configured name or a bare litellm model string (default: `model`).

    Raises InvalidApiBase for a bad URL, before any call.
    """
    wanted = (name_or_model or config.model).strip()
    entry = config.model_entry(wanted)
    if entry is not None:
        return ModelSpec.of(
            entry.model,
            api_base=api_base or entry.api_base,
            name=entry.name,
            tier=entry.tier,
        )
    return ModelSpec.of(wanted, api_base=api_base or config.api_base_for(wanted))
