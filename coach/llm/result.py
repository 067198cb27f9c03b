"""What a model call returns: the text and everything an attempt record needs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True)

    tokens_in: int = 0
    tokens_out: int = 0
    estimated: bool = False  # counted by coach, not reported by the provider


class ToolCall(BaseModel):
    """One tool call the model asked for; `arguments` is the raw JSON text it sent."""

    model_config = ConfigDict(frozen=True)

    id: str | None
    name: str
    arguments: str


class CallResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    model: str  # the model string that was called
    finish_reason: str | None  # "stop", "length", "tool_calls", … or "cancelled"
    usage: Usage | None
    cost_usd: float | None  # None when litellm has no price for the model
    latency_s: float  # from the call to the last piece
    first_token_s: float | None = None  # from the call to the first text or tool call
    complete: bool = True  # False: cut off, cancelled or broken midway
    tool_calls: list[ToolCall] = []
    attempts: int = 1  # 1 + retries
