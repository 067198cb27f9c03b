"""The models a learner can choose: the built-in offline model plus the configured ones."""

from __future__ import annotations

from coach.config import Config, ModelEntry
from coach.llm.spec import DEFAULT_LOCAL_MODEL, ModelSpec


def configured_models(config: Config) -> list[ModelSpec]:
    """`local/smollm2` first (unless configured under that name), then `[[models]]` in order."""
    specs = [
        ModelSpec(
            name=e.name,
            model=e.model,
            api_base=e.api_base,
            tier=e.tier,
            max_tokens=e.max_tokens or config.max_tokens,
            timeout=config.timeout,
        )
        for e in config.models
    ]
    if not any(DEFAULT_LOCAL_MODEL in (spec.name, spec.model) for spec in specs):
        specs.insert(
            0,
            ModelSpec.of(DEFAULT_LOCAL_MODEL, max_tokens=config.max_tokens, timeout=config.timeout),
        )
    return specs


def spec_for(
    config: Config, name_or_model: str | None = None, api_base: str | None = None
) -> ModelSpec:
    """The spec for a configured name or a bare litellm model string (default: `model`).

    The config's `timeout` and `max_tokens` (the entry's own first) come with it.
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
            max_tokens=entry.max_tokens or config.max_tokens,
            timeout=config.timeout,
        )
    return ModelSpec.of(
        wanted,
        api_base=api_base or config.api_base_for(wanted),
        max_tokens=config.max_tokens,
        timeout=config.timeout,
    )


def with_tier(config: Config, spec: ModelSpec, tier: str) -> Config:
    """The config with `tier` recorded for this model: on its [[models]] entry, or a new one.

    The caller saves it (`coach.config.save_config`).
    """
    entries = list(config.models)
    for i, entry in enumerate(entries):
        if spec.name in (entry.name, entry.model) or (
            entry.model == spec.model and entry.api_base == spec.api_base
        ):
            entries[i] = entry.model_copy(update={"tier": tier})
            break
    else:
        entries.append(
            ModelEntry(name=spec.name, model=spec.model, api_base=spec.api_base, tier=tier)
        )
    config.models = entries
    return config


def with_practice_model(config: Config, spec: ModelSpec) -> tuple[Config, str]:
    """A copy of the config practising on `spec`, and the name it goes by.

    An entry with the same model string and address is reused; otherwise a new
    `[[models]]` entry is added, named after the model (numbered if that name is
    taken by another model). The caller saves it (`coach.config.save_config`).
    """
    new = config.model_copy(deep=True)
    for entry in new.models:
        if entry.model == spec.model and entry.api_base == spec.api_base:
            new.model = entry.name
            return new, entry.name
    taken = {entry.name for entry in new.models}
    # `model` names an entry by a single word: the model's own id, numbered if taken.
    base = "-".join(spec.model.removeprefix("openai/").split()) or spec.model
    name, number = base, 2
    while name in taken or name == DEFAULT_LOCAL_MODEL:
        name, number = f"{base}-{number}", number + 1
    entry = ModelEntry(name=name, model=spec.model, api_base=spec.api_base, tier=spec.tier)
    new.models = [*new.models, entry]
    new.model = name
    return new, name
