"""A coaching note: one mistake and what to do about it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CoachNote(BaseModel):
    """One mistake and what to do about it, in plain sentences."""

    model_config = ConfigDict(frozen=True)

    topic: str  # "format", "missing content", "judgment", …
    text: str
