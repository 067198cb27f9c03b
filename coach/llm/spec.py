"""Which model to call, and how: a litellm model string plus what coach knows about it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coach.keys import provider_for_model
from coach.llm.errors import InvalidApiBase
from coach.llm.urls import check_api_base, is_loopback

# "unknown" until measured (`coach models --probe`) or stated in the config.
Tier = Literal["unknown", "small", "standard", "frontier"]

LOCAL_PREFIX = "local"
DEFAULT_LOCAL_MODEL = "local/smollm2"
# Prefixes of providers that run on the learner's own machine: no key, no spend.
_ON_MACHINE = frozenset({LOCAL_PREFIX, "ollama", "ollama_chat", "lm_studio", "llamafile"})


class ModelSpec(BaseModel):
    """A model as coach uses it. `provider` (for the key lookup) comes from the prefix."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, description="What the learner sees.")
    model: str = Field(min_length=1, description="litellm model string, like openai/gpt-4o-mini.")
    api_base: str | None = Field(default=None, description="Server URL for self-hosted models.")
    tier: Tier = "unknown"
    max_tokens: int | None = Field(
        default=None, ge=1, description="Longest answer asked for when a call sets none."
    )
    timeout: float | None = Field(
        default=None, gt=0, description="Seconds to wait for an answer when a call sets none."
    )
    provider: str | None = Field(
        default=None, description="Key provider (coach.keys name); derived from the prefix."
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("model"), str):
            data = dict(data)
            model = data["model"].strip()
            data.setdefault("name", model)
            if data.get("provider") is None:
                data["provider"] = provider_for_model(model)
            if model.startswith(f"{LOCAL_PREFIX}/"):
                data["tier"] = "small"  # the built-in model is what it is, whatever is stated
        return data

    @field_validator("model")
    @classmethod
    def _one_word(cls, value: str) -> str:
        if any(ch.isspace() for ch in value):
            raise ValueError("a model string has no spaces, like openai/gpt-4o-mini")
        return value

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_api_base(value)
        except InvalidApiBase as exc:  # pydantic reports ValueErrors, not other exceptions
            raise ValueError(exc.message) from None

    @classmethod
    def of(
        cls,
        model: str,
        *,
        api_base: str | None = None,
        name: str | None = None,
        tier: Tier | None = None,
        max_tokens: int | None = None,
        timeout: float | None = None,
    ) -> ModelSpec:
        """A spec from a model string. Local models are small; others unknown until measured.

        Raises InvalidApiBase (a ModelError) for a bad URL, before any call.
        """
        if api_base is not None:
            api_base = check_api_base(api_base)  # the plain error, not pydantic's wrapper
        model = model.strip()
        return cls(
            name=name or model,
            model=model,
            api_base=api_base,
            tier=tier or "unknown",
            max_tokens=max_tokens,
            timeout=timeout,
        )

    @property
    def prefix(self) -> str:
        """The part before the first slash (`openai` in openai/gpt-4o), or ''."""
        head, slash, _ = self.model.partition("/")
        return head.lower() if slash else ""

    @property
    def is_builtin_local(self) -> bool:
        """Runs in-process through llama-cpp-python (`local/…`)."""
        return self.prefix == LOCAL_PREFIX

    @property
    def on_machine(self) -> bool:
        """Runs on this computer: never charged, never blocked by the spend cap."""
        return self.prefix in _ON_MACHINE or is_loopback(self.api_base)
