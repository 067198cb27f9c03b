"""coach's model boundary: every model call goes through here.

This package is the only code that imports litellm, and importing it does
not: litellm is loaded on first use, or ahead of time by `warm_up()` from a
background worker (see `_litellm`). Everything a caller needs is re-exported
here:

- `ModelSpec` — which model (litellm model string, api_base, tier).
- `stream(...)` → `ModelStream` (async iterator of text, then `.result`);
  `complete(...)` → `CallResult`.
- `ModelError` and its subclasses — `.message` in plain words, `.fix`.
- `SpendTracker` — the per-session spend cap.
- `clean_output` / `StreamCleaner` — model output made safe for a terminal.
"""

from __future__ import annotations

from coach.llm._litellm import get_litellm, is_loaded, warm_up
from coach.llm.call import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_TIMEOUT,
    NO_RETRY,
    ModelStream,
    RetryPolicy,
    complete,
    resolve_key,
    stream,
)
from coach.llm.errors import (
    AuthFailed,
    BadRequest,
    BadResponse,
    CannotConnect,
    ContentRefused,
    ContextTooLong,
    InvalidApiBase,
    LocalModelCrashed,
    LocalModelUnavailable,
    ModelError,
    ModelNotFound,
    RateLimited,
    ServerError,
    SpendCapReached,
    StreamCutOff,
    TimedOut,
    ToolsUnsupported,
)
from coach.llm.result import CallResult, ToolCall, Usage
from coach.llm.spec import DEFAULT_LOCAL_MODEL, ModelSpec, Tier
from coach.llm.spend import SpendTracker
from coach.llm.text import StreamCleaner, clean_output
from coach.llm.urls import check_api_base

__all__ = [
    "DEFAULT_LOCAL_MODEL",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_TIMEOUT",
    "NO_RETRY",
    "AuthFailed",
    "BadRequest",
    "BadResponse",
    "CallResult",
    "CannotConnect",
    "ContentRefused",
    "ContextTooLong",
    "InvalidApiBase",
    "LocalModelCrashed",
    "LocalModelUnavailable",
    "ModelError",
    "ModelNotFound",
    "ModelSpec",
    "ModelStream",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "SpendCapReached",
    "SpendTracker",
    "StreamCleaner",
    "StreamCutOff",
    "Tier",
    "TimedOut",
    "ToolCall",
    "ToolsUnsupported",
    "Usage",
    "check_api_base",
    "clean_output",
    "complete",
    "get_litellm",
    "is_loaded",
    "resolve_key",
    "stream",
    "warm_up",
]
