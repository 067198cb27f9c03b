"""The settings as pydantic models, with the checks on each value.

Every model forbids unknown fields, so a typo is reported instead of being
silently ignored. Absent settings take the defaults defined here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coach import paths
from coach.config.location import config_path

DATABASE_VARIABLE = "COACH_DATABASE_URL"
DEFAULT_MODEL = "local/smollm2"
DEFAULT_THEME = "textual-dark"

# Settings whose keys are the user's own names (model strings, binding ids),
# not field names: they are neither split on dots nor checked for key-like names.
MAP_FIELDS = frozenset({"api_base", "keymap"})


class _Settings(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )


def _one_word(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not value:
        raise ValueError(f"must not be empty ({what})")
    if any(ch.isspace() for ch in value):
        raise ValueError(f"must not contain spaces ({what})")
    return value


class Learner(_Settings):
    """Who is practising. All optional: the first-run screen fills them in."""

    name: str | None = Field(default=None, min_length=1)
    email: str | None = None
    role: str | None = Field(
        default=None,
        description="A role id from roles.toml; it sets the target level.",
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
            raise ValueError("must be an email address like ana@example.com")
        return value

    @field_validator("role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise ValueError(
                "must be a role id: lower-case letters, digits and dashes, like `analyst`"
            )
        return value


# "unknown" until `coach models --probe` measures it (or the entry states one).
Tier = Literal["unknown", "small", "standard", "frontier"]
DEFAULT_TIMEOUT_S = 60.0


class ModelEntry(_Settings):
    """A named model the learner can pick. The tier weighs its output as evidence."""

    name: str = Field(min_length=1, description="What the learner sees, like `GPT-4o mini`.")
    model: str = Field(min_length=1, description="litellm model string, like openai/gpt-4o-mini.")
    api_base: str | None = Field(default=None, description="Server URL for self-hosted models.")
    tier: Tier = "unknown"
    max_tokens: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Longest answer; overrides `max_tokens`."
    )

    @field_validator("model")
    @classmethod
    def _model_string(cls, value: str) -> str:
        return _one_word(value, "a model string like openai/gpt-4o-mini") or value

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None:
            _check_url(value, "this model")
        return value


def _check_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"the URL for {what} must start with http:// or https://, like http://localhost:11434"
        )
    if parts.password is not None:
        raise ValueError(
            f"the URL for {what} must not contain a password; "
            "store keys with `coach keys set PROVIDER`"
        )


class Config(_Settings):
    """Everything a user can set. Absent settings take the defaults below."""

    learner: Learner = Field(default_factory=Learner)
    model: str = Field(
        default=DEFAULT_MODEL,
        description="The practice model: a name from `models` or a litellm model string.",
    )
    models: list[ModelEntry] = Field(
        default_factory=list, description="Named models with their tier and server."
    )
    coach_model: str | None = Field(default=None, description="Model that writes critiques.")
    judge_model: str | None = Field(default=None, description="Model for model-graded checks.")
    api_base: dict[str, str] = Field(
        default_factory=dict, description="Base URL per model string (Ollama, proxies, …)."
    )
    spend_cap_usd: float = Field(default=1.0, ge=0, description="Spend cap per session, in USD.")
    timeout: float = Field(
        default=DEFAULT_TIMEOUT_S,
        gt=0,
        le=3600,
        description="Seconds to wait for a model to start answering (and for each next piece).",
    )
    max_tokens: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Longest answer asked of any model (default: 1024; 512 for the offline one).",
    )
    trap_rate: float | None = Field(
        default=None, ge=0, le=1, description="Overrides each exercise's trap rate."
    )
    theme: str = Field(default=DEFAULT_THEME, min_length=1)
    keymap: dict[str, str] = Field(default_factory=dict, description="Binding id → key.")
    packs: list[Path] = Field(default_factory=list, description="Extra exercise folders.")
    trusted_packs: list[Path] = Field(
        default_factory=list,
        description=(
            "Old list of trusted pack folders: each is recorded once with its content hash; "
            "use `coach packs trust PATH` instead."
        ),
    )
    database_url: str | None = Field(
        default=None, description=f"SQLAlchemy URL; {DATABASE_VARIABLE} wins over it."
    )

    @field_validator("model", "coach_model", "judge_model")
    @classmethod
    def _model_string(cls, value: str | None) -> str | None:
        return _one_word(value, "a model string like openai/gpt-4o-mini")

    @field_validator("api_base")
    @classmethod
    def _urls(cls, value: dict[str, str]) -> dict[str, str]:
        for model, url in value.items():
            _one_word(model, "the model string")
            _check_url(url, model)
        return value

    @field_validator("keymap")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {}
        for binding, key in value.items():
            if not binding.strip() or not key.strip():
                raise ValueError("binding ids and keys must not be empty")
            cleaned[binding.strip()] = key.strip()
        return cleaned

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is not None and "://" not in value:
            raise ValueError(
                "must be a database URL like sqlite:///path/to/coach.db or postgresql://host/coach"
            )
        return value

    def pack_dirs(self, base: Path | None = None) -> list[Path]:
        """Pack folders with `~` expanded; relative ones are taken from the config folder."""
        base = base or config_path().parent
        return [base / p.expanduser() for p in self.packs]  # `/` keeps absolute paths as is

    def trusted_pack_dirs(self, base: Path | None = None) -> list[Path]:
        base = base or config_path().parent
        return [(base / p.expanduser()).resolve() for p in self.trusted_packs]

    def effective_database_url(self) -> str:
        """`COACH_DATABASE_URL`, else `database_url`, else SQLite in the data folder."""
        env = os.environ.get(DATABASE_VARIABLE)
        return env or self.database_url or paths.default_database_url()

    def model_entry(self, name_or_model: str) -> ModelEntry | None:
        """The configured model with this name (or, failing that, this model string)."""
        for entry in self.models:
            if entry.name == name_or_model:
                return entry
        return next((entry for entry in self.models if entry.model == name_or_model), None)

    def api_base_for(self, model: str) -> str | None:
        entry = self.model_entry(model)
        if entry is not None and entry.api_base:
            return entry.api_base
        return self.api_base.get(model)

    @model_validator(mode="after")
    def _unique_model_names(self) -> Config:
        names = [entry.name for entry in self.models]
        if duplicates := sorted({name for name in names if names.count(name) > 1}):
            raise ValueError(f"models: each name must be used once (repeated: {duplicates})")
        return self
