"""Streaming and whole calls through the boundary, over real HTTP to the loopback fake."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Callable

import pytest
from fake_openai import (
    DEFAULT_TEXT,
    CutOff,
    Endless,
    FakeOpenAI,
    Malformed,
    Reply,
    Slow,
    Status,
)

from coach import keys, llm
from coach.llm import (
    NO_RETRY,
    AuthFailed,
    BadResponse,
    CannotConnect,
    ModelNotFound,
    ModelSpec,
    RateLimited,
    RetryPolicy,
    ServerError,
    StreamCutOff,
    TimedOut,
)

FAST = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0)
SpecFor = Callable[[str], ModelSpec]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


async def _collect(stream: llm.ModelStream) -> tuple[list[str], llm.CallResult]:
    pieces = []
    async with stream:
        async for piece in stream:
            pieces.append(piece)
    assert stream.result is not None
    return pieces, stream.result


# --- the happy path -----------------------------------------------------------


async def test_stream_yields_the_answer_then_a_full_result(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    pieces, result = await _collect(llm.stream(spec_for("fake-model"), "Capital of France?"))
    assert len(pieces) > 1  # it really streamed
    assert "".join(pieces) == DEFAULT_TEXT == result.text
    assert result.complete is True
    assert result.finish_reason == "stop"
    assert result.usage == llm.Usage(tokens_in=12, tokens_out=7)
    assert result.cost_usd == 0.0  # a server on this machine costs nothing
    assert result.model == "openai/fake-model"
    assert result.attempts == 1
    assert result.tool_calls == []
    assert result.first_token_s is not None and result.latency_s >= result.first_token_s

    (request,) = fake.chat_requests
    assert request.path == "/v1/chat/completions"
    assert request.body is not None
    assert request.body["stream"] is True
    assert request.body["messages"] == [{"role": "user", "content": "Capital of France?"}]
    assert request.body["stream_options"] == {"include_usage": True}
    assert request.authorization == "Bearer not-needed"  # no key set, api_base given


async def test_complete_returns_the_same_result_type(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    messages = [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": "Capital of France?"},
    ]
    result = await llm.complete(spec_for("fake-model"), messages, max_tokens=20, temperature=0)
    assert result.text == DEFAULT_TEXT
    assert (result.complete, result.finish_reason) == (True, "stop")
    assert result.usage == llm.Usage(tokens_in=12, tokens_out=7)
    assert result.cost_usd == 0.0
    (request,) = fake.chat_requests
    assert request.body is not None
    assert request.body["messages"] == messages
    assert request.body["max_tokens"] == 20
    assert request.body["temperature"] == 0
    assert not request.body.get("stream")


async def test_cost_is_litellm_price_where_it_knows_one(fake: FakeOpenAI) -> None:
    lib = llm.get_litellm()
    hosted = ModelSpec.of("openai/gpt-4o-mini")  # litellm's mock answers: no network
    mocked = {"mock_response": "Mocked."}
    for result in (
        await llm.stream(hosted, "hi", api_key="sk-test", extra=mocked).collect(),
        await llm.complete(hosted, "hi", api_key="sk-test", extra=mocked),
    ):
        assert result.usage is not None
        expected = lib.completion_cost(
            completion_response=lib.ModelResponse(
                model="openai/gpt-4o-mini",
                usage=lib.Usage(
                    prompt_tokens=result.usage.tokens_in,
                    completion_tokens=result.usage.tokens_out,
                    total_tokens=result.usage.tokens_in + result.usage.tokens_out,
                ),
            ),
            model="openai/gpt-4o-mini",
        )
        assert expected > 0
        assert result.cost_usd == pytest.approx(expected)
    # The same model served from this machine costs nothing.
    on_machine = ModelSpec.of("openai/gpt-4o-mini", api_base=fake.base_url)
    assert (await llm.complete(on_machine, "hi")).cost_usd == 0.0


async def test_spend_tracker_records_costs_and_stops_paid_calls(fake: FakeOpenAI) -> None:
    tracker = llm.SpendTracker(cap_usd=1e-9)
    paid = ModelSpec.of("openai/gpt-4o-mini")  # hosted: subject to the cap
    result = await llm.complete(
        paid, "hi", spend=tracker, api_key="sk-test", extra={"mock_response": "Mocked."}
    )
    assert result.text == "Mocked."
    assert result.cost_usd is not None and result.cost_usd > 0
    assert tracker.spent_usd == pytest.approx(result.cost_usd)
    with pytest.raises(llm.SpendCapReached) as caught:
        await llm.stream(paid, "hi", spend=tracker, api_key="sk-test").collect()
    assert "spend_cap_usd" in caught.value.fix
    # A model on this machine is never blocked by the cap.
    local_server = await llm.complete(
        ModelSpec.of("openai/m", api_base=fake.base_url), "hi", spend=tracker
    )
    assert local_server.text == DEFAULT_TEXT
    assert local_server.cost_usd == 0.0
    assert tracker.calls == 2 and tracker.unpriced_calls == 0


async def test_api_base_without_v1_reaches_the_bare_route(fake: FakeOpenAI) -> None:
    spec = ModelSpec.of("openai/fake-model", api_base=f"http://127.0.0.1:{fake.port}")
    result = await llm.complete(spec, "hi")
    assert result.text == DEFAULT_TEXT
    assert fake.chat_requests[0].path == "/chat/completions"


def test_fake_server_lists_models(fake: FakeOpenAI) -> None:
    with urllib.request.urlopen(f"{fake.base_url}/models", timeout=10) as response:
        listing = json.load(response)
    assert listing["object"] == "list"
    assert "fake-429" in {m["id"] for m in listing["data"]}


# --- keys ---------------------------------------------------------------------


async def test_key_from_the_keyring_is_sent(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    keys.set_key("openai", "sk-from-keyring-0123456789")
    await llm.complete(spec_for("fake-model"), "hi")
    assert fake.chat_requests[-1].authorization == "Bearer sk-from-keyring-0123456789"


async def test_environment_key_wins_over_the_keyring(
    fake: FakeOpenAI, spec_for: SpecFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys.set_key("openai", "sk-from-keyring-0123456789")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-environment-0123")
    await llm.stream(spec_for("fake-model"), "hi").collect()
    assert fake.chat_requests[-1].authorization == "Bearer sk-from-environment-0123"


async def test_missing_key_for_a_hosted_model_fails_before_any_call() -> None:
    with pytest.raises(AuthFailed) as caught:
        await llm.stream("anthropic/claude-3-5-haiku-latest", "hi").collect()
    error = caught.value
    assert error.missing is True
    assert error.env_var == "ANTHROPIC_API_KEY"
    assert "ANTHROPIC_API_KEY" in error.fix and "coach keys set anthropic" in error.fix


async def test_refused_key_names_the_variable_and_is_not_retried(
    fake: FakeOpenAI, spec_for: SpecFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-key-0123456789")
    with pytest.raises(AuthFailed) as caught:
        await llm.stream(spec_for("fake-401"), "hi", retry=FAST).collect()
    error = caught.value
    assert "OPENAI_API_KEY" in error.message
    assert "coach keys set openai" in error.fix
    assert "sk-wrong-key-0123456789" not in error.describe() + (error.detail or "")
    assert len(fake.chat_requests) == 1


async def test_a_refused_typed_key_does_not_blame_the_variable(
    fake: FakeOpenAI, spec_for: SpecFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The key typed in first run or Settings is checked before it is kept anywhere.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-the-env-key-0123456789")
    with pytest.raises(AuthFailed) as caught:
        await llm.stream(
            spec_for("fake-401"), "hi", api_key="sk-typed-0123456789", retry=FAST
        ).collect()
    assert "refused the API key" in caught.value.message
    assert "OPENAI_API_KEY" not in caught.value.message


# --- retries ------------------------------------------------------------------


async def test_rate_limit_then_success_is_retried(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    fake.queue(Status(429, "Slow down.", "rate_limit_exceeded", retry_after=0), Reply())
    result = await llm.stream(spec_for("fake-model"), "hi", retry=FAST).collect()
    assert result.text == DEFAULT_TEXT
    assert result.attempts == 2
    assert len(fake.chat_requests) == 2


async def test_server_error_then_success_is_retried(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    fake.queue(Status(500), Status(503), Reply())
    result = await llm.complete(spec_for("fake-model"), "hi", retry=FAST)
    assert result.attempts == 3
    assert len(fake.chat_requests) == 3


async def test_retries_are_bounded_and_litellm_does_not_add_its_own(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    with pytest.raises(RateLimited) as caught:
        await llm.stream(spec_for("fake-429"), "hi", retry=FAST).collect()
    assert len(fake.chat_requests) == 3
    assert caught.value.retry_after == 0
    with pytest.raises(ServerError):
        await llm.complete(spec_for("fake-500"), "hi", retry=NO_RETRY)
    assert len(fake.chat_requests) == 4


async def test_out_of_credit_is_not_retried(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    fake.queue(
        Status(429, "You exceeded your current quota.", "insufficient_quota", "insufficient_quota")
    )
    with pytest.raises(RateLimited) as caught:
        await llm.complete(spec_for("fake-model"), "hi", retry=FAST)
    assert caught.value.retryable is False
    assert "credit" in caught.value.message
    assert len(fake.chat_requests) == 1


def test_backoff_grows_exponentially_and_honours_retry_after() -> None:
    policy = RetryPolicy(attempts=5, base_delay=0.5, max_delay=8.0)
    plain = ServerError("x")
    for retry, base in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (6, 8.0)]:
        assert base <= policy.delay(retry, plain) <= base * 1.1
    hinted = RateLimited("x", "y", retry_after=3.0)
    assert 3.0 <= policy.delay(0, hinted) <= 3.3
    assert policy.delay(0, RateLimited("x", "y", retry_after=600)) <= 8.8


# --- failures -----------------------------------------------------------------


async def test_refused_connection_is_cannot_connect(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/v1"
    spec = ModelSpec.of("openai/whatever", api_base=url)
    for call in (
        llm.stream(spec, "hi", retry=FAST).collect(),
        llm.complete(spec, "hi", retry=FAST),
    ):
        with pytest.raises(CannotConnect) as caught:
            await call
        assert url in caught.value.message
        assert "running" in caught.value.fix


async def test_slow_server_times_out(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    fake.queue(Slow(10.0), Slow(10.0))
    with pytest.raises(TimedOut):
        await llm.stream(spec_for("fake-model"), "hi", timeout=0.3, retry=FAST).collect()
    with pytest.raises(TimedOut):
        await llm.complete(spec_for("fake-model"), "hi", timeout=0.3, retry=FAST)
    assert len(fake.chat_requests) == 2  # a timeout is not retried


async def test_stalled_stream_times_out_keeping_the_partial_text(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    fake.queue(Reply(text="one two three", chunk_delay=60.0))
    stream = llm.stream(spec_for("fake-model"), "hi", timeout=2.0)
    with pytest.raises(StreamCutOff) as caught:
        await stream.collect()
    assert caught.value.partial.text.startswith("one")
    assert caught.value.partial.complete is False


async def test_stream_cut_off_midway_keeps_the_partial_text(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    pieces: list[str] = []
    stream = llm.stream(spec_for("fake-model"), "hi", retry=FAST)
    fake.queue(CutOff(text="This answer will be cut off right here", after_chunks=3))
    with pytest.raises(StreamCutOff) as caught:
        async for piece in stream:
            pieces.append(piece)
    partial = caught.value.partial
    assert partial.text == "".join(pieces) == "This answer will "
    assert partial.complete is False
    assert stream.result == partial
    assert partial.usage is not None and partial.usage.estimated
    assert len(fake.chat_requests) == 1  # text was shown: never retried


async def test_malformed_sse_midway_is_a_cut_off(fake: FakeOpenAI, spec_for: SpecFor) -> None:
    fake.queue(Malformed(after_chunks=1))
    with pytest.raises(StreamCutOff) as caught:
        await llm.stream(spec_for("fake-model"), "hi", retry=FAST).collect()
    assert caught.value.partial.text == "Paris "


async def test_malformed_sse_before_any_text_is_a_bad_response(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    fake.queue(Malformed(after_chunks=0))
    with pytest.raises(BadResponse) as caught:
        await llm.stream(spec_for("fake-model"), "hi", retry=FAST).collect()
    assert "/v1" in caught.value.fix


async def test_unknown_model_on_a_server_is_model_not_found(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    fake.queue(
        Status(404, "The model `nope` does not exist.", "invalid_request_error", "model_not_found")
    )
    with pytest.raises(ModelNotFound) as caught:
        await llm.complete(spec_for("nope"), "hi", retry=FAST)
    assert "nope" in caught.value.message


async def test_model_without_a_provider_is_model_not_found() -> None:
    with pytest.raises(ModelNotFound) as caught:
        await llm.complete("no-such-provider-model-xyz", "hi", retry=NO_RETRY)
    assert "provider/name" in caught.value.fix


# --- tools --------------------------------------------------------------------


async def test_tool_calls_pass_through_streaming_and_whole(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    for call in (
        llm.stream(
            spec_for("fake-tools"), "Weather in Paris?", tools=TOOLS, tool_choice="auto"
        ).collect(),
        llm.complete(spec_for("fake-tools"), "Weather in Paris?", tools=TOOLS, tool_choice="auto"),
    ):
        result = await call
        assert result.finish_reason == "tool_calls"
        assert result.text == ""
        (tool_call,) = result.tool_calls
        assert (tool_call.id, tool_call.name) == ("call_fake_1", "get_weather")
        assert json.loads(tool_call.arguments) == {"city": "Paris"}
    for request in fake.chat_requests:
        assert request.body is not None
        assert request.body["tools"] == TOOLS
        assert request.body["tool_choice"] == "auto"


# --- cancellation -------------------------------------------------------------


async def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def test_cancelling_the_task_stops_the_stream_cleanly(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    fake.queue(Endless(chunk_delay=0.02))
    stream = llm.stream(spec_for("fake-model"), "hi")
    first = asyncio.Event()
    seen: list[str] = []

    async def consume() -> None:
        async for piece in stream:
            seen.append(piece)
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stream.result is not None
    assert stream.result.complete is False
    assert stream.result.finish_reason == "cancelled"
    assert stream.result.text == "".join(seen) and seen[0] == "tick0 "
    assert await _wait_for(lambda: fake.disconnects >= 1), "the connection was left open"


async def test_leaving_the_loop_early_closes_the_connection(
    fake: FakeOpenAI, spec_for: SpecFor
) -> None:
    fake.queue(Endless(chunk_delay=0.02))
    async with llm.stream(spec_for("fake-model"), "hi") as stream:
        async for piece in stream:
            assert piece == "tick0 "
            break
    assert stream.result is not None and stream.result.complete is False
    assert await _wait_for(lambda: fake.disconnects >= 1), "the connection was left open"
