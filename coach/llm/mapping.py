"""litellm's (and the providers') exceptions → coach's few `ModelError`s.

Mapped by type along the whole `__cause__`/`__context__` chain, not by the
outermost type alone: with the openai provider a refused connection arrives
as `InternalServerError("Connection error.")` with an `APIConnectionError` /
`httpx.ConnectError` underneath, and the offline model's own `ModelError`
arrives wrapped in whatever litellm wraps custom-provider errors in.
Called only after litellm is loaded (an exception came out of it).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator

from coach import keys
from coach.llm.errors import (
    AuthFailed,
    BadRequest,
    BadResponse,
    CannotConnect,
    ContentRefused,
    ContextTooLong,
    ModelError,
    ModelNotFound,
    RateLimited,
    ServerError,
    TimedOut,
    ToolsUnsupported,
)
from coach.llm.spec import ModelSpec

NO_KEY_NEEDED = "not-needed"  # sent to self-hosted servers that take no key; the SDK wants one

# How servers say they cannot take `tools`: Ollama ("does not support tools"), llama.cpp
# ("tools param requires --jinja"), vLLM ("auto" tool choice requires --enable-auto-tool-choice).
_NO_TOOLS = re.compile(
    r"(?:not support|unsupported|requires|not enabled|not allowed)[^.]{0,80}\btools?\b"
    r"|\btools?\b[^.]{0,80}(?:not supported|unsupported|requires|not enabled|not allowed)"
    r"|function.?calling[^.]{0,40}(?:not supported|unsupported)",
    re.IGNORECASE,
)
_MODEL_NOT_FOUND = re.compile(r"\bmodel\b[^.]{0,120}\bnot (?:be )?found\b", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(?:(?:litellm\.)?[A-Za-z]*(?:Error|Exception|Timeout)\s*(?:[:\-]\s*|\s+-\s+))+"
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def clean_detail(exc: BaseException, secret: str | None = None) -> str:
    """The provider's words without litellm's stacked type prefixes (and never the key)."""
    text = str(getattr(exc, "message", None) or exc)
    text = text.split(" Original exception:", 1)[0]
    text = re.sub(r"\s*LiteLLM (?:Max )?Retried:.*$", "", text)
    text = _PREFIX.sub("", text.strip()).strip()
    if secret and len(secret) >= 8:
        text = text.replace(secret, "***")
    return text[:500]


def key_missing(spec: ModelSpec) -> AuthFailed:
    provider = spec.provider or spec.prefix or "the provider"
    variable = keys.PROVIDERS.get(spec.provider or "")
    fix = _key_fix(spec.provider, variable)
    return AuthFailed(
        f"No API key is set for {provider}, which {spec.model} needs.",
        fix,
        provider=spec.provider,
        env_var=variable,
        missing=True,
        model=spec.model,
    )


def _key_fix(provider: str | None, variable: str | None) -> str:
    if provider and variable:
        return f"Set {variable}, or store the key with `coach keys set {provider}`."
    return "Set the provider's API key variable, or store it with `coach keys set PROVIDER`."


def _auth_failed(spec: ModelSpec, api_key: str | None, detail: str, *, denied: bool) -> AuthFailed:
    variable = keys.PROVIDERS.get(spec.provider or "")
    who = _where(spec, start=True)
    if api_key in (None, NO_KEY_NEEDED):
        message = f"{who} asks for an API key for {spec.model}, and none is set."
    elif denied:
        message = f"{who} says this API key may not use {spec.model}."
    else:
        source = _key_source(spec, api_key, variable)
        message = f"{who} refused the API key{source} for {spec.model}."
    return AuthFailed(
        message,
        _key_fix(spec.provider, variable),
        provider=spec.provider,
        env_var=variable,
        missing=api_key in (None, NO_KEY_NEEDED),
        model=spec.model,
        detail=detail,
    )


def _key_source(spec: ModelSpec, api_key: str | None, variable: str | None) -> str:
    """Where the refused key came from, said only when known (a typed key says nothing)."""
    if spec.api_base and keys.get_server_key(spec.api_base) == api_key:
        return " saved for this server"
    if variable and spec.provider and keys.get_key(spec.provider) == api_key:
        return f" (from {variable} or the keyring)"
    return ""


def _where(spec: ModelSpec, *, start: bool = False) -> str:
    """Who answered: "the server at URL" for self-hosted models, else the provider."""
    where = (
        f"the server at {spec.api_base}"
        if spec.api_base
        else (spec.provider or spec.prefix or "the provider")
    )
    return where[:1].upper() + where[1:] if start else where


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name in ("retry-after-ms", "retry-after"):
        value = headers.get(name) if hasattr(headers, "get") else None
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        return seconds / 1000 if name.endswith("-ms") else seconds
    return None


def to_model_error(
    exc: BaseException, spec: ModelSpec, *, api_key: str | None = None, tools: bool = False
) -> ModelError:
    """The ModelError that says in plain words what went wrong with this call."""
    import httpx
    import openai
    from litellm import exceptions as lx

    chain = list(_chain(exc))
    for item in chain:
        if isinstance(item, ModelError):
            return item  # raised by coach itself (the offline model, a check)

    def has(*types: type[BaseException]) -> BaseException | None:
        return next((e for e in chain if isinstance(e, types)), None)

    detail = clean_detail(exc, api_key)
    model = spec.model

    if has(lx.ContextWindowExceededError):
        return ContextTooLong(
            f"The prompt and materials are too long for {model}.",
            "Shorten the prompt, or choose a model with a larger context window.",
            model=model,
            detail=detail,
        )
    if has(lx.ContentPolicyViolationError):
        return ContentRefused(
            f"{model} refused to answer this prompt (the provider's content policy).",
            "Rephrase the prompt; if the exercise needs this content, try another model.",
            model=model,
            detail=detail,
        )
    if auth := has(openai.AuthenticationError, openai.PermissionDeniedError):
        denied = isinstance(auth, openai.PermissionDeniedError)
        return _auth_failed(spec, api_key, detail, denied=denied)
    if limited := has(openai.RateLimitError):
        text = str(limited).lower()
        if "insufficient_quota" in text or "exceeded your current quota" in text:
            return RateLimited(
                f"Your {spec.provider or 'provider'} account has no credit left for {model}.",
                "Add credit or raise the limit on the provider's billing page, or use "
                "another model.",
                retryable=False,
                model=model,
                detail=detail,
            )
        return RateLimited(
            f"{_where(spec, start=True)} is rate limiting requests to {model}.",
            "Wait a minute and try again, or use another model.",
            retry_after=_retry_after(limited),
            model=model,
            detail=detail,
        )
    if has(lx.MidStreamFallbackError):
        if has(json.JSONDecodeError):
            return bad_response(spec, detail)
        return ServerError(
            f"The connection to {_where(spec)} broke before {model} answered.",
            "Try again; if it keeps happening, check the server or your network.",
            model=model,
            detail=detail,
        )
    # Timeouts first: openai's APITimeoutError is a subclass of APIConnectionError.
    if has(openai.APITimeoutError, httpx.TimeoutException, asyncio.TimeoutError, TimeoutError):
        return timed_out(spec, detail)
    # Some providers (Ollama) report a missing model in an error of another type.
    if has(openai.NotFoundError) or _MODEL_NOT_FOUND.search(detail):
        return _not_found(spec, detail)
    if has(openai.APIConnectionError, httpx.ConnectError, httpx.NetworkError, ConnectionError):
        if spec.api_base:
            return CannotConnect(
                f"Cannot reach the model server at {spec.api_base}.",
                "Check the address and port, and that the server is running "
                "(for Ollama: `ollama serve`).",
                model=model,
                detail=detail,
            )
        return CannotConnect(
            f"Cannot reach {spec.provider or spec.prefix or 'the provider'} for {model}.",
            "Check your internet connection (and any proxy settings), or use the offline "
            "model with `--model local/smollm2`.",
            model=model,
            detail=detail,
        )
    if has(lx.LiteLLMUnknownProvider) or "LLM Provider NOT provided" in detail:
        return ModelNotFound(
            f"coach cannot tell which provider serves {model!r}.",
            "Write the model as provider/name, like openai/gpt-4o-mini or ollama/llama3.2.",
            model=model,
            detail=detail,
        )
    if has(json.JSONDecodeError):
        return bad_response(spec, detail)
    if tools and _NO_TOOLS.search(detail):
        return tools_unsupported(spec, f"{_where(spec)} refused the tools", detail)
    status = getattr(exc, "status_code", None)
    if has(openai.InternalServerError) or (isinstance(status, int) and status >= 500):
        return ServerError(
            f"{_where(spec, start=True)} had an error answering {model}.",
            "Try again in a moment; if it keeps failing, use another model.",
            model=model,
            detail=detail,
        )
    if has(openai.BadRequestError, openai.UnprocessableEntityError):
        return BadRequest(
            f"{_where(spec, start=True)} rejected the request to {model}: {detail}",
            "Check the model's settings (max tokens, tools) and try again.",
            model=model,
            detail=detail,
        )
    return ModelError(
        f"The call to {model} failed: {detail or type(exc).__name__}",
        "Try again; if it keeps failing, use another model.",
        model=model,
        detail=detail,
    )


def _not_found(spec: ModelSpec, detail: str) -> ModelNotFound:
    name = spec.model.partition("/")[2] or spec.model
    return ModelNotFound(
        f"{_where(spec, start=True)} has no model called {name}.",
        "Check the model name (for Ollama: `ollama pull NAME` first) and the address.",
        model=spec.model,
        detail=detail,
    )


def bad_response(spec: ModelSpec, detail: str) -> BadResponse:
    return BadResponse(
        f"{_where(spec, start=True)} sent a reply coach cannot read.",
        "Check that the address is an OpenAI-compatible API (it usually ends in /v1).",
        model=spec.model,
        detail=detail,
    )


def timed_out(spec: ModelSpec, detail: str | None = None) -> TimedOut:
    return TimedOut(
        f"{spec.model} did not answer in time.",
        "Try again or ask for a shorter answer; to wait longer, raise the limit with "
        "`coach config set timeout 120` (seconds).",
        model=spec.model,
        detail=detail,
    )


def tools_unsupported(spec: ModelSpec, why: str, detail: str | None = None) -> ToolsUnsupported:
    """The model cannot call tools: agent exercises cannot run on it."""
    return ToolsUnsupported(
        f"{spec.name} cannot call tools ({why}), and agent exercises need them.",
        "Choose a model with tool calling (see `coach models`); for llama.cpp's server start "
        "it with --jinja, for vLLM with --enable-auto-tool-choice.",
        model=spec.model,
        detail=detail,
    )
