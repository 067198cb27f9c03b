"""Calling a model: streaming and whole, with retries, timeouts, keys, spend and errors.

    async with llm.stream(spec, "Say hi") as answer:
        async for text in answer:
            show(text)
    answer.result  # CallResult: text, finish reason, usage, cost, latency, complete

    result = await llm.complete(spec, messages)

Retries are coach's own (litellm gets num_retries=0 and max_retries=0 so the
count is predictable): rate limits and 5xx, before the first piece of an
answer arrives, with exponential backoff. Once text has been shown, a failure
is not retried: it raises `StreamCutOff` carrying the partial text.
`timeout` is how long to wait for the model to start answering, and then for
each next piece; `complete()` waits up to `timeout` for the whole reply.
Unset, `timeout` and `max_tokens` come from the spec (the config's settings),
else the defaults here: no call goes out without an answer-length cap.
With tools, `tool_choice` defaults to "auto" (llama.cpp's server ignores
tools unless asked), and a model known not to call tools is refused before
the call (`ToolsUnsupported`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any

from coach import keys
from coach.llm import _litellm
from coach.llm.errors import BadResponse, LocalModelCrashed, ModelError, StreamCutOff
from coach.llm.local import DEFAULT_MAX_TOKENS as LOCAL_MAX_TOKENS
from coach.llm.local import check_available
from coach.llm.mapping import NO_KEY_NEEDED, bad_response, key_missing, to_model_error
from coach.llm.providers import check_model_string
from coach.llm.result import CallResult, ToolCall, Usage
from coach.llm.spec import ModelSpec
from coach.llm.spend import SpendTracker
from coach.llm.tools import check_tool_support
from coach.sanitise import storable

Messages = str | Sequence[Mapping[str, Any]]
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_TOKENS = 1024  # server and hosted models; the offline model has its own


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all; waits base_delay·2^n (capped, with jitter) between them."""

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry: int, error: ModelError) -> float:
        wait = self.base_delay * (2**retry)
        hinted = getattr(error, "retry_after", None)
        if hinted is not None:
            wait = max(wait, hinted)  # the server knows better when it will take us back
        wait = min(wait, self.max_delay)
        return wait * (1 + random.uniform(0, 0.1))  # jitter: parallel callers do not collide


NO_RETRY = RetryPolicy(attempts=1)


def as_spec(model: ModelSpec | str) -> ModelSpec:
    return model if isinstance(model, ModelSpec) else ModelSpec.of(model)


def as_messages(messages: Messages) -> list[dict[str, Any]]:
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    return [dict(m) for m in messages]


async def _ensure_litellm() -> ModuleType:
    """litellm, importing it on a thread the first time so the event loop keeps running."""
    if _litellm.is_loaded():
        return _litellm.get_litellm()
    return await asyncio.to_thread(_litellm.get_litellm)


def resolve_key(spec: ModelSpec, api_key: str | None = None) -> str | None:
    """The key to send: given > this server's key > env var / keyring > a dummy for a
    self-hosted server.

    Raises AuthFailed (naming the variable) for a provider that needs a key and has none.
    None lets litellm find credentials its own way (Bedrock, Vertex, Ollama, …).
    """
    if api_key:
        return api_key
    if spec.is_builtin_local:
        return None
    if spec.api_base and (for_server := keys.get_server_key(spec.api_base)):
        return for_server  # typed for this very server: it wins over the provider's key
    if spec.provider:
        found = keys.get_key(spec.provider)
        if found:
            return found
    if spec.api_base:
        return NO_KEY_NEEDED
    if spec.provider:
        raise key_missing(spec)
    return None


@functools.lru_cache(maxsize=256)
def _reports_stream_usage(model: str, api_base: str | None) -> bool:
    """Whether to ask for usage in the stream (`stream_options`); not every provider takes it."""
    if model.startswith("local/"):
        return True  # our own handler sends usage on its last chunk
    lib = _litellm.get_litellm()
    try:
        _, provider, _, _ = lib.get_llm_provider(model=model, api_base=api_base)
        supported = lib.get_supported_openai_params(model=model, custom_llm_provider=provider)
    except Exception:
        return False
    return "stream_options" in (supported or [])


_unpriced: set[str] = set()  # models litellm has no price for: do not ask again


def _cost(lib: ModuleType, spec: ModelSpec, usage: Usage | None, known: Any = None) -> float | None:
    """USD for this usage, 0.0 for models that run here, None where litellm has no price.

    `known` is a cost litellm already worked out for the response, if any.
    """
    if spec.on_machine:
        return 0.0  # local/…, Ollama, or any server on a loopback address
    if known is not None:
        return float(known)
    if usage is None or spec.model in _unpriced:
        return None
    response = lib.ModelResponse(
        model=spec.model,
        usage=lib.Usage(
            prompt_tokens=usage.tokens_in,
            completion_tokens=usage.tokens_out,
            total_tokens=usage.tokens_in + usage.tokens_out,
        ),
    )
    try:
        return float(lib.completion_cost(completion_response=response, model=spec.model))
    except Exception:
        _unpriced.add(spec.model)
        return None


def _estimate_usage(
    lib: ModuleType, spec: ModelSpec, messages: list[dict[str, Any]], text: str
) -> Usage | None:
    """Token counts for a reply the provider did not count (cut off, cancelled)."""
    try:
        return Usage(
            tokens_in=int(lib.token_counter(model=spec.model, messages=messages)),
            tokens_out=int(lib.token_counter(model=spec.model, text=text)) if text else 0,
            estimated=True,
        )
    except Exception:
        return None


def _server_counted(stream: Any) -> bool:
    """Whether the server sent usage in the stream; litellm makes up counts when it did not."""
    chunks = getattr(stream, "chunks", None)
    if not isinstance(chunks, list):
        return True  # cannot tell: take the counts as the server's
    return any(getattr(chunk, "usage", None) for chunk in chunks)


def _usage_of(raw: Any) -> Usage | None:
    if raw is None:
        return None
    return Usage(
        tokens_in=int(getattr(raw, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(raw, "completion_tokens", 0) or 0),
    )


class _ToolCallParts:
    """Tool calls arrive in pieces (id and name first, arguments in slices), keyed by index."""

    def __init__(self) -> None:
        self._calls: dict[int, dict[str, Any]] = {}

    def add(self, deltas: Sequence[Any]) -> None:
        for position, delta in enumerate(deltas):
            index = getattr(delta, "index", None)
            index = position if index is None else index
            call = self._calls.setdefault(index, {"id": None, "name": "", "arguments": ""})
            if getattr(delta, "id", None):
                call["id"] = delta.id
            function = getattr(delta, "function", None)
            if function is not None:
                if getattr(function, "name", None):
                    call["name"] = function.name
                if getattr(function, "arguments", None):
                    call["arguments"] += function.arguments

    def __bool__(self) -> bool:
        return bool(self._calls)

    def calls(self) -> list[ToolCall]:
        return [ToolCall(**self._calls[i]) for i in sorted(self._calls)]


class _Call:
    """One request's settings, shared by `stream` and `complete`."""

    def __init__(
        self,
        model: ModelSpec | str,
        messages: Messages,
        *,
        max_tokens: int | None,
        temperature: float | None,
        tools: Sequence[Mapping[str, Any]] | None,
        tool_choice: str | Mapping[str, Any] | None,
        timeout: float | None,
        retry: RetryPolicy,
        spend: SpendTracker | None,
        api_key: str | None,
        extra: Mapping[str, Any] | None,
    ) -> None:
        self.spec = as_spec(model)
        self.messages = as_messages(messages)
        self.max_tokens = _max_tokens(self.spec, max_tokens)
        self.temperature = temperature
        self.tools = [dict(t) for t in tools] if tools else None
        self.tool_choice = tool_choice if tool_choice is not None else "auto"
        self.timeout = timeout or self.spec.timeout or DEFAULT_TIMEOUT
        self.retry = retry
        self.spend = spend
        self.api_key = api_key
        self.extra = dict(extra or {})
        self.key: str | None = None

    def preflight(self) -> None:
        """Everything that can fail before a call is made, failing in plain words."""
        # Before litellm's slow import: typos fail at once.
        check_model_string(self.spec.model, self.spec.api_base)
        if self.spend is not None:
            self.spend.check(self.spec)
        if self.tools and self.spec.is_builtin_local:
            check_tool_support(self.spec)  # needs no litellm; says more than "not installed"
        if self.spec.is_builtin_local:
            check_available(self.spec.model.partition("/")[2])
        self.key = resolve_key(self.spec, self.api_key)

    def check_tools(self) -> None:
        """Once litellm is loaded (it knows which hosted models call tools)."""
        if self.tools:
            check_tool_support(self.spec)

    def kwargs(self, stream: bool) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "model": self.spec.model,
            "messages": self.messages,
            "stream": stream,
            "timeout": self.timeout,
            "num_retries": 0,  # coach retries itself: counts stay predictable
            "max_retries": 0,
        }
        if self.spec.api_base:
            kw["api_base"] = self.spec.api_base
        if self.key:
            kw["api_key"] = self.key
        if self.max_tokens is not None:
            kw["max_tokens"] = self.max_tokens
        if self.temperature is not None:
            kw["temperature"] = self.temperature
        if self.tools:
            kw["tools"] = self.tools
            kw["tool_choice"] = self.tool_choice
        if stream and _reports_stream_usage(self.spec.model, self.spec.api_base):
            kw["stream_options"] = {"include_usage": True}
        kw.update(self.extra)
        return kw

    def error(self, exc: BaseException) -> ModelError:
        return to_model_error(exc, self.spec, api_key=self.key, tools=bool(self.tools))

    async def with_retries(self, lib: ModuleType, kwargs: dict[str, Any]) -> tuple[Any, int]:
        """The first response (or the stream object) and how many attempts it took."""
        attempt = 0
        while True:
            attempt += 1
            try:
                async with asyncio.timeout(self.timeout):
                    return await lib.acompletion(**kwargs), attempt
            except Exception as exc:
                error = self.error(exc)
                if not error.retryable or attempt >= self.retry.attempts:
                    raise error from exc
                await asyncio.sleep(self.retry.delay(attempt - 1, error))

    def record(self, result: CallResult) -> None:
        if self.spend is not None:
            self.spend.record(result.cost_usd)


class ModelStream:
    """An answer arriving piece by piece: `async for text in stream`, then `.result`.

    Use it as `async with` (or call `aclose()`) so that leaving the loop early
    closes the connection. Cancelling the task that iterates stops the stream
    cleanly; `.result` then holds what had arrived, with complete=False.
    Iterate it once.
    """

    def __init__(self, call: _Call) -> None:
        self._call = call
        self.result: CallResult | None = None
        self._iterator: AsyncIterator[str] | None = None

    @property
    def spec(self) -> ModelSpec:
        return self._call.spec

    def __aiter__(self) -> AsyncIterator[str]:
        if self._iterator is not None:
            raise RuntimeError("a ModelStream can be iterated only once")
        self._iterator = self._run()
        return self._iterator

    async def __aenter__(self) -> ModelStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._iterator is not None:
            await self._iterator.aclose()  # type: ignore[attr-defined]

    async def collect(self) -> CallResult:
        """Read the whole stream and return its result."""
        async for _ in self:
            pass
        assert self.result is not None
        return self.result

    async def _run(self) -> AsyncIterator[str]:
        call = self._call
        call.preflight()
        lib = await _ensure_litellm()
        call.check_tools()
        started = time.perf_counter()
        response, attempts = await call.with_retries(lib, call.kwargs(stream=True))
        parts: list[str] = []
        tools = _ToolCallParts()
        finish: str | None = None
        usage: Usage | None = None
        first: float | None = None

        def result(complete: bool, finish_reason: str | None) -> CallResult:
            text = storable("".join(parts))  # a pair split across chunks is joined here
            used = usage
            if used is None:  # cut off, or a server that counts nothing: coach counts
                used = _estimate_usage(lib, call.spec, call.messages, text)
            elif not _server_counted(response):  # litellm counted in the server's place
                used = used.model_copy(update={"estimated": True})
            return CallResult(
                text=text,
                model=call.spec.model,
                finish_reason=finish_reason,
                usage=used,
                cost_usd=_cost(lib, call.spec, used),
                latency_s=time.perf_counter() - started,
                first_token_s=None if first is None else first - started,
                complete=complete,
                tool_calls=tools.calls(),
                attempts=attempts,
            )

        exhausted = False
        try:
            iterator = response.__aiter__()
            while True:
                try:
                    async with asyncio.timeout(call.timeout):
                        chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    exhausted = True
                    break
                raw_usage = getattr(chunk, "usage", None)
                if raw_usage is not None:
                    usage = _usage_of(raw_usage)
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                if choice.finish_reason:
                    finish = choice.finish_reason
                delta = choice.delta
                if delta is None:
                    continue
                if delta.tool_calls:
                    tools.add(delta.tool_calls)
                    if first is None:
                        first = time.perf_counter()
                text = delta.content
                if text:
                    if first is None:
                        first = time.perf_counter()
                    parts.append(text)
                    yield text
        except (asyncio.CancelledError, GeneratorExit):
            # The consumer went away (task cancelled, loop left): keep what arrived.
            self.result = result(False, "cancelled")
            call.record(self.result)
            raise
        except Exception as exc:
            error = call.error(exc)
            if not parts and not tools:
                raise error from exc
            self.result = result(False, finish)
            call.record(self.result)
            crashed = isinstance(error, LocalModelCrashed)
            raise StreamCutOff(
                f"The answer from {call.spec.model} stopped before it was finished"
                + (f": {error.message[0].lower()}{error.message[1:]}" if crashed else "."),
                error.fix
                if crashed
                else "The part that arrived is kept. Try again; if it keeps happening, check "
                "the server or your network.",
                partial=self.result,
                model=call.spec.model,
                detail=error.message,
            ) from exc
        finally:
            if not exhausted:
                with contextlib.suppress(Exception):
                    await response.aclose()
        # Ended without a finish reason: the server closed the stream early but politely.
        self.result = result(finish is not None, finish)
        call.record(self.result)
        if not parts and not tools:
            raise empty_reply(call.spec, finish)


def stream(
    model: ModelSpec | str,
    messages: Messages,
    *,
    max_tokens: int | None = None,
    temperature: float | None = None,
    tools: Sequence[Mapping[str, Any]] | None = None,
    tool_choice: str | Mapping[str, Any] | None = None,
    timeout: float | None = None,
    retry: RetryPolicy = RetryPolicy(),
    spend: SpendTracker | None = None,
    api_key: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> ModelStream:
    """Stream an answer. Nothing happens until it is iterated; errors are `ModelError`s."""
    return ModelStream(
        _Call(
            model,
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            tools=tools,
            tool_choice=tool_choice,
            timeout=timeout,
            retry=retry,
            spend=spend,
            api_key=api_key,
            extra=extra,
        )
    )


async def complete(
    model: ModelSpec | str,
    messages: Messages,
    *,
    max_tokens: int | None = None,
    temperature: float | None = None,
    tools: Sequence[Mapping[str, Any]] | None = None,
    tool_choice: str | Mapping[str, Any] | None = None,
    timeout: float | None = None,
    retry: RetryPolicy = RetryPolicy(),
    spend: SpendTracker | None = None,
    api_key: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> CallResult:
    """The whole answer at once (no streaming). Errors are `ModelError`s."""
    call = _Call(
        model,
        messages,
        max_tokens=max_tokens,
        temperature=temperature,
        tools=tools,
        tool_choice=tool_choice,
        timeout=timeout,
        retry=retry,
        spend=spend,
        api_key=api_key,
        extra=extra,
    )
    call.preflight()
    lib = await _ensure_litellm()
    call.check_tools()
    started = time.perf_counter()
    response, attempts = await call.with_retries(lib, call.kwargs(stream=False))
    latency = time.perf_counter() - started
    try:
        choice = response.choices[0]
        message = choice.message
        usage = _usage_of(getattr(response, "usage", None))
        if usage is None or (usage.tokens_in == 0 and usage.tokens_out == 0):
            usage = _estimate_usage(lib, call.spec, call.messages, message.content or "")
        tool_calls = [
            ToolCall(id=tc.id, name=tc.function.name or "", arguments=tc.function.arguments or "")
            for tc in (message.tool_calls or [])
        ]
        text = storable(message.content or "")
        finish = choice.finish_reason
    except (AttributeError, IndexError, TypeError) as exc:
        raise bad_response(call.spec, f"unexpected reply shape: {exc}") from exc
    hidden = getattr(response, "_hidden_params", None) or {}
    result = CallResult(
        text=text,
        model=call.spec.model,
        finish_reason=finish,
        usage=usage,
        cost_usd=_cost(lib, call.spec, usage, known=hidden.get("response_cost")),
        latency_s=latency,
        first_token_s=latency,
        complete=True,
        tool_calls=tool_calls,
        attempts=attempts,
    )
    call.record(result)
    if not text and not tool_calls:
        raise empty_reply(call.spec, finish)
    return result


def empty_reply(spec: ModelSpec, finish: str | None) -> BadResponse:
    """A reply with no text and no tool call: a fault to report, never an output to grade.

    An HTML page or a server that speaks another API than the model string
    claims usually ends here too: its body holds no chat completion.
    """
    where = f"the server at {spec.api_base}" if spec.api_base else spec.model
    return BadResponse(
        f"{where} sent an empty reply (no text; finish reason {finish or 'none'}).",
        "Nothing was graded. Try again; if it keeps happening, check that the model string "
        "and the address match the server (an OpenAI-compatible API usually ends in /v1).",
        model=spec.model,
        detail=f"finish_reason={finish!r}",
    )


def _max_tokens(spec: ModelSpec, asked: int | None) -> int:
    """The answer-length cap: the call's, else the spec's (config), else the default."""
    if asked is not None:
        return asked
    if spec.max_tokens is not None:
        return spec.max_tokens
    return LOCAL_MAX_TOKENS if spec.is_builtin_local else DEFAULT_MAX_TOKENS
