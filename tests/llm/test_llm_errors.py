"""Every failure becomes one of a few typed errors with a plain message and a fix."""

from __future__ import annotations

import httpx
import openai
import pytest

from coach import llm
from coach.llm import (
    AuthFailed,
    BadRequest,
    CannotConnect,
    ContentRefused,
    ContextTooLong,
    ModelError,
    ModelNotFound,
    ModelSpec,
    RateLimited,
    ServerError,
    TimedOut,
)
from coach.llm.mapping import clean_detail, to_model_error

HOSTED = ModelSpec.of("openai/gpt-4o-mini")


@pytest.fixture(scope="module")
def lx():  # litellm's exception module, loaded through the boundary
    return llm.get_litellm().exceptions


def _mocked(lx, kind: str):
    common = {"model": "gpt-4o-mini", "llm_provider": "openai"}
    return {
        "context": lx.ContextWindowExceededError(message="too many tokens", **common),
        "policy": lx.ContentPolicyViolationError(message="flagged", **common),
        "not_found": lx.NotFoundError(message="no such model", **common),
        "bad_request": lx.BadRequestError(message="max_tokens is too large", **common),
        "rate": lx.RateLimitError(message="slow down", **common),
        "auth": lx.AuthenticationError(message="bad key", **common),
        "permission": lx.PermissionDeniedError(
            message="no access",
            response=httpx.Response(403, request=httpx.Request("POST", "http://x")),
            **common,
        ),
        "server": lx.InternalServerError(message="boom", **common),
        "unavailable": lx.ServiceUnavailableError(message="overloaded", **common),
    }[kind]


@pytest.mark.parametrize(
    ("kind", "error_type", "words"),
    [
        ("context", ContextTooLong, "too long"),
        ("policy", ContentRefused, "refused"),
        ("not_found", ModelNotFound, "no model"),
        ("bad_request", BadRequest, "max_tokens is too large"),
        ("rate", RateLimited, "rate limiting"),
        ("auth", AuthFailed, "refused the API key"),
        ("permission", AuthFailed, "may not use"),
        ("server", ServerError, "had an error"),
        ("unavailable", ServerError, "had an error"),
    ],
)
async def test_litellm_errors_map_to_plain_typed_errors(
    lx, kind: str, error_type: type[ModelError], words: str
) -> None:
    """Raised by litellm itself (mock_response), through the whole call path."""
    with pytest.raises(error_type) as caught:
        await llm.complete(
            HOSTED,
            "hi",
            api_key="sk-test-0123456789",
            retry=llm.NO_RETRY,
            extra={"mock_response": _mocked(lx, kind)},
        )
    error = caught.value
    assert words in error.message
    assert error.fix
    assert "litellm" not in error.message.lower()
    assert "Traceback" not in error.describe()


async def test_streaming_calls_map_errors_the_same_way(lx) -> None:
    with pytest.raises(ContextTooLong):
        await llm.stream(
            HOSTED,
            "hi",
            api_key="sk-test-0123456789",
            retry=llm.NO_RETRY,
            extra={"mock_response": _mocked(lx, "context")},
        ).collect()


def _raised(outer: BaseException, cause: BaseException) -> BaseException:
    """`outer` raised while handling `cause`, the way libraries chain them."""
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except BaseException as exc:
        return exc


def test_connection_refused_behind_internal_server_error_is_cannot_connect(lx) -> None:
    """The openai provider reports a refused connection as a 500 "Connection error."."""
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    connect = _raised(
        openai.APIConnectionError(request=request), httpx.ConnectError("refused", request=request)
    )
    outer = _raised(
        lx.InternalServerError(message="Connection error.", llm_provider="openai", model="m"),
        connect,
    )
    spec = ModelSpec.of("openai/m", api_base="http://127.0.0.1:9/v1")
    error = to_model_error(outer, spec)
    assert isinstance(error, CannotConnect)
    assert "http://127.0.0.1:9/v1" in error.message
    hosted = to_model_error(outer, HOSTED)
    assert isinstance(hosted, CannotConnect) and "internet" in hosted.fix


def test_timeout_wins_over_connection_error(lx) -> None:
    request = httpx.Request("POST", "http://x")
    error = to_model_error(
        _raised(
            lx.Timeout(message="timed out", model="m", llm_provider="openai"),
            httpx.ReadTimeout("slow", request=request),
        ),
        HOSTED,
    )
    assert isinstance(error, TimedOut)


def test_missing_model_reported_as_another_error_type_is_model_not_found(lx) -> None:
    """Ollama says "model 'x' not found, try pulling it first" in a connection-type error."""
    exc = lx.APIConnectionError(
        message="OllamaException - model 'llama9' not found, try pulling it first",
        llm_provider="ollama",
        model="llama9",
    )
    error = to_model_error(exc, ModelSpec.of("ollama/llama9"))
    assert isinstance(error, ModelNotFound)
    assert "llama9" in error.message and "ollama pull" in error.fix


def test_a_coach_error_inside_a_litellm_wrapper_is_kept(lx) -> None:
    inner = llm.LocalModelUnavailable("The offline model cannot run.", "pip install ...")
    outer = _raised(
        lx.APIConnectionError(message="wrapped", llm_provider="local", model="smollm2"), inner
    )
    assert to_model_error(outer, ModelSpec.of("local/smollm2")) is inner


def test_unknown_errors_still_become_model_errors() -> None:
    error = to_model_error(RuntimeError("something odd"), HOSTED)
    assert type(error) is ModelError
    assert "something odd" in error.message and error.fix


def test_detail_drops_litellm_prefixes_and_never_shows_the_key() -> None:
    exc = RuntimeError(
        "litellm.AuthenticationError: AuthenticationError: OpenAIException - "
        "Incorrect API key provided: sk-secret-0123456789. LiteLLM Retried: 2 times"
    )
    detail = clean_detail(exc, secret="sk-secret-0123456789")
    assert detail == "Incorrect API key provided: ***."
