"""Faults are faults: an empty reply, an HTML page or garbage is a ModelError, never graded.

And a paid answer is never lost: a lone surrogate or an emoji split across
stream chunks is made storable before anything else touches it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from fake_openai import FakeOpenAI, Reply

from coach import llm
from coach.cli import main
from coach.store import open_store

HTML = b"<!DOCTYPE html><html><head><title>Login</title></head><body>Sign in</body></html>"


class Raw(BaseHTTPRequestHandler):
    """Answers every POST with the server's (status, content type, body)."""

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        self.rfile.read(length)
        status, kind, body = self.server.reply  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def raw_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Raw)
    server.reply = (200, "text/html", HTML)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/v1"


FAULTS = {
    "HTML page": (200, "text/html", HTML),
    "garbage": (200, "text/plain", b"\x00\xff\xfe garbage \x9b not an API"),
    "another API's JSON": (200, "application/json", json.dumps({"result": "ok"}).encode()),
    "empty JSON choices": (
        200,
        "application/json",
        json.dumps({"id": "x", "object": "chat.completion", "choices": []}).encode(),
    ),
    "empty content": (
        200,
        "application/json",
        json.dumps(
            {
                "id": "x",
                "object": "chat.completion",
                "created": 1,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": ""},
                        "finish_reason": "stop",
                    }
                ],
            }
        ).encode(),
    ),
    "empty body": (200, "application/json", b""),
}


def spec_on(server: ThreadingHTTPServer) -> llm.ModelSpec:
    return llm.ModelSpec.of("openai/fake-model", api_base=url(server))


@pytest.mark.parametrize("reply", FAULTS.values(), ids=FAULTS.keys())
def test_complete_raises_a_model_error(raw_server: ThreadingHTTPServer, reply: tuple) -> None:
    raw_server.reply = reply  # type: ignore[attr-defined]
    with pytest.raises(llm.ModelError) as caught:
        asyncio.run(llm.complete(spec_on(raw_server), "hi", retry=llm.NO_RETRY))
    assert caught.value.message


@pytest.mark.parametrize("reply", FAULTS.values(), ids=FAULTS.keys())
def test_stream_raises_a_model_error(raw_server: ThreadingHTTPServer, reply: tuple) -> None:
    raw_server.reply = reply  # type: ignore[attr-defined]

    async def run() -> None:
        async with llm.stream(spec_on(raw_server), "hi", retry=llm.NO_RETRY) as answer:
            async for _ in answer:
                pass

    with pytest.raises(llm.ModelError) as caught:
        asyncio.run(run())
    assert caught.value.message


def test_an_empty_streamed_reply_is_an_error(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=""))
    spec = llm.ModelSpec.of("openai/fake-model", api_base=fake.base_url)

    async def run() -> None:
        async with llm.stream(spec, "hi", retry=llm.NO_RETRY) as answer:
            async for _ in answer:
                pass

    with pytest.raises(llm.ModelError, match="empty reply"):
        asyncio.run(run())


@pytest.mark.parametrize("reply", list(FAULTS.values())[:3], ids=list(FAULTS)[:3])
def test_attempt_fails_cleanly_and_records_nothing(
    raw_server: ThreadingHTTPServer, reply: tuple
) -> None:
    raw_server.reply = reply  # type: ignore[attr-defined]
    result = CliRunner().invoke(
        main,
        [
            "attempt",
            "l1-renewal-dates-to-json",
            "--prompt",
            "List the dates.",
            "--model",
            "openai/fake-model",
            "--api-base",
            url(raw_server),
            "--verdict",
            "ok",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output and "Traceback" not in result.output
    with open_store() as store:
        for learner in store.list_learners():
            assert store.attempts(learner.id) == []


# --- never lose a paid answer -----------------------------------------------------------------


def sse(*pieces: str) -> bytes:
    """An OpenAI-style event stream with exactly these content pieces."""

    def event(delta: dict, finish: str | None) -> bytes:
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "fake-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return b"data: " + json.dumps(chunk).encode() + b"\n\n"

    body = b"".join(event({"role": "assistant", "content": p}, None) for p in pieces)
    return body + event({}, "stop") + b"data: [DONE]\n\n"


# A lone high surrogate, then an emoji whose two halves arrive in two chunks.
PIECES = ('["2026-03-31"] lone \ud83d here, smile \ud83d', "\ude00 done")


def test_stream_joins_a_split_pair_and_replaces_a_lone_surrogate(
    raw_server: ThreadingHTTPServer,
) -> None:
    raw_server.reply = (200, "text/event-stream", sse(*PIECES))  # type: ignore[attr-defined]

    async def run() -> tuple[str, str]:
        shown = []
        cleaner = llm.StreamCleaner()
        async with llm.stream(spec_on(raw_server), "hi", retry=llm.NO_RETRY) as answer:
            async for piece in answer:
                shown.append(cleaner.feed(piece))
        shown.append(cleaner.flush())
        assert answer.result is not None
        return "".join(shown), answer.result.text

    shown, stored = asyncio.run(run())
    expected = '["2026-03-31"] lone \ufffd here, smile 😀 done'
    assert stored == expected
    assert shown == expected


def test_an_attempt_with_a_lone_surrogate_and_a_split_emoji_is_recorded(
    raw_server: ThreadingHTTPServer,
) -> None:
    raw_server.reply = (200, "text/event-stream", sse(*PIECES))  # type: ignore[attr-defined]
    result = CliRunner().invoke(
        main,
        [
            "attempt",
            "l1-renewal-dates-to-json",
            "--prompt",
            "List the dates.",
            "--model",
            "openai/fake-model",
            "--api-base",
            url(raw_server),
            "--verdict",
            "wrong",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "\ufffd" in report["output_shown"] and "😀" in report["output_shown"]
    with open_store() as store:
        (learner,) = store.list_learners()
        (stored,) = store.attempts(learner.id)
        assert stored.real_output == '["2026-03-31"] lone \ufffd here, smile 😀 done'
