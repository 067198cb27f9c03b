"""A small OpenAI-compatible server on 127.0.0.1 for tests and benchmarks.

It serves `POST /v1/chat/completions` (and `/chat/completions`) as JSON or as
server-sent events, and `GET /v1/models`. What it does for a request is
scripted: behaviours queued with `queue()` are used first, one per request;
otherwise the model name picks one (`fake-401`, `fake-429`, `fake-500`,
`fake-slow`, `fake-cut`, `fake-malformed`, `fake-tools`, `fake-endless`), and
any other model gets a plain `Reply`. Every request is recorded (path,
headers, JSON body) so tests can assert what was sent.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_TEXT = "Paris is the capital of France."


# --- behaviours ---------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A normal answer, streamed word by word when the client asks for a stream."""

    text: str = DEFAULT_TEXT
    finish_reason: str = "stop"
    prompt_tokens: int = 12
    completion_tokens: int = 7
    chunk_delay: float = 0.0  # seconds between streamed chunks
    send_usage: bool = True  # False: no usage, streamed or whole (some servers count nothing)


@dataclass(frozen=True)
class Status:
    """An HTTP error with an OpenAI-shaped error body."""

    code: int
    message: str = "scripted error"
    error_type: str = "server_error"
    error_code: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class Slow:
    """Wait before answering at all (for timeouts)."""

    seconds: float
    then: Reply = field(default_factory=Reply)


@dataclass(frozen=True)
class CutOff:
    """Stream some chunks, then drop the connection without finishing the body."""

    text: str = "This answer will be cut off right in the middle of"
    after_chunks: int = 3


@dataclass(frozen=True)
class Malformed:
    """Send an SSE event whose data is not JSON, after `after_chunks` good ones."""

    after_chunks: int = 0


@dataclass(frozen=True)
class ToolCalls:
    """Answer with a tool call instead of text."""

    name: str = "get_weather"
    arguments: dict[str, Any] = field(default_factory=lambda: {"city": "Paris"})
    call_id: str = "call_fake_1"


@dataclass(frozen=True)
class Endless:
    """Stream a chunk every `chunk_delay` seconds until the client goes away."""

    chunk_delay: float = 0.05
    limit: int = 2000


Behaviour = Reply | Status | Slow | CutOff | Malformed | ToolCalls | Endless

BY_MODEL: dict[str, Behaviour] = {
    "fake-401": Status(
        401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
    ),
    "fake-429": Status(429, "Rate limit reached.", "rate_limit_exceeded", retry_after=0),
    "fake-500": Status(500, "The server had an error."),
    "fake-slow": Slow(30.0),
    "fake-cut": CutOff(),
    "fake-malformed": Malformed(after_chunks=1),
    "fake-tools": ToolCalls(),
    "fake-endless": Endless(),
}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None

    @property
    def model(self) -> str | None:
        return (self.body or {}).get("model")

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


# --- the server ---------------------------------------------------------------


class FakeOpenAI:
    """Start with `start()` (or as a context manager); `base_url` ends in /v1."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.models: list[str] | None = None  # what /v1/models lists (None: BY_MODEL's names)
        self.disconnects = 0  # clients that went away mid-stream
        self._script: deque[Behaviour] = deque()
        self._matches: list[tuple[tuple[str, ...], Behaviour]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # scripting

    def queue(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def reply_when(self, *needles: str, behaviour: Behaviour) -> None:
        """Answer every request whose message texts contain all `needles` with `behaviour`.

        Not used up: it applies to each matching request, after the queue is
        empty; the first added rule that matches wins.
        """
        with self._lock:
            self._matches.append((needles, behaviour))

    def _next(self, model: str | None, body: dict[str, Any] | None = None) -> Behaviour:
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self._matches:
                text = _message_text(body)
                for needles, behaviour in self._matches:
                    if all(needle in text for needle in needles):
                        return behaviour
        return BY_MODEL.get(model or "", Reply())

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)

    def _count_disconnect(self) -> None:
        with self._lock:
            self.disconnects += 1

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # lifecycle

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up (cut-off and cancel tests do it on purpose) is not news.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, like real providers

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    # routing

    def do_GET(self) -> None:
        self.fake._record(Recorded("GET", self.path, self._headers(), None))
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            names = list(BY_MODEL) if self.fake.models is None else self.fake.models
            self._json(200, {"object": "list", "data": [_model_entry(m) for m in names]})
        else:
            self._json(404, _error_body("Not found.", "invalid_request_error", None))

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = None
        self.fake._record(Recorded("POST", self.path, self._headers(), body))
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._json(404, _error_body("Not found.", "invalid_request_error", None))
            return
        if body is None:
            self._json(400, _error_body("Body is not JSON.", "invalid_request_error", None))
            return
        model = body.get("model")
        behaviour = self.fake._next(model, body)
        stream = bool(body.get("stream"))
        try:
            self._serve(behaviour, body, stream)
        except (BrokenPipeError, ConnectionResetError):
            self.fake._count_disconnect()
            self.close_connection = True

    def _serve(self, behaviour: Behaviour, body: dict[str, Any], stream: bool) -> None:
        model = str(body.get("model"))
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        if isinstance(behaviour, Status):
            extra = {}
            if behaviour.retry_after is not None:
                extra["retry-after"] = str(behaviour.retry_after)
            error = _error_body(behaviour.message, behaviour.error_type, behaviour.error_code)
            self._json(behaviour.code, error, extra)
            return
        if isinstance(behaviour, Slow):
            time.sleep(behaviour.seconds)
            behaviour = behaviour.then
        if isinstance(behaviour, Reply):
            if stream:
                self._stream_reply(model, behaviour, include_usage)
            else:
                self._json(200, _completion(model, behaviour))
            return
        if isinstance(behaviour, ToolCalls):
            if stream:
                self._stream_tool_call(model, behaviour, include_usage)
            else:
                self._json(200, _tool_completion(model, behaviour))
            return
        if isinstance(behaviour, CutOff):
            self._start_stream()
            for piece in _words(behaviour.text)[: behaviour.after_chunks]:
                self._event(_chunk(model, {"content": piece}))
            self.wfile.flush()
            # Drop the connection without the terminating zero-length chunk.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if isinstance(behaviour, Malformed):
            self._start_stream()
            for piece in _words(DEFAULT_TEXT)[: behaviour.after_chunks]:
                self._event(_chunk(model, {"content": piece}))
            self._write_chunk(b'data: {"id": "broken", "choices": [\n\n')
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")
            return
        if isinstance(behaviour, Endless):
            self._start_stream()
            for i in range(behaviour.limit):
                self._event(_chunk(model, {"content": f"tick{i} "}))
                time.sleep(behaviour.chunk_delay)
            self._event(_chunk(model, {}, finish_reason="length"))
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")
            return
        raise AssertionError(f"unknown behaviour {behaviour!r}")

    # streaming replies

    def _stream_reply(self, model: str, reply: Reply, include_usage: bool) -> None:
        self._start_stream()
        self._event(_chunk(model, {"role": "assistant", "content": ""}))
        for piece in _words(reply.text):
            self._event(_chunk(model, {"content": piece}))
            if reply.chunk_delay:
                time.sleep(reply.chunk_delay)
        usage = _usage(reply) if reply.send_usage else None
        final = _chunk(model, {}, finish_reason=reply.finish_reason)
        if usage and not include_usage:
            final["usage"] = usage  # some servers put usage on the last chunk regardless
        self._event(final)
        if usage and include_usage:
            self._event({**_chunk(model, {}), "choices": [], "usage": usage})
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")

    def _stream_tool_call(self, model: str, call: ToolCalls, include_usage: bool) -> None:
        self._start_stream()
        arguments = json.dumps(call.arguments)
        half = len(arguments) // 2
        first = {
            "index": 0,
            "id": call.call_id,
            "type": "function",
            "function": {"name": call.name, "arguments": arguments[:half]},
        }
        self._event(_chunk(model, {"role": "assistant", "content": None, "tool_calls": [first]}))
        rest = {"index": 0, "function": {"arguments": arguments[half:]}}
        self._event(_chunk(model, {"tool_calls": [rest]}))
        self._event(_chunk(model, {}, finish_reason="tool_calls"))
        usage = {"prompt_tokens": 20, "completion_tokens": 9, "total_tokens": 29}
        if include_usage:
            self._event({**_chunk(model, {}), "choices": [], "usage": usage})
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")

    # wire helpers

    def _headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    def _json(
        self, code: int, payload: dict[str, Any], extra: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, payload: dict[str, Any]) -> None:
        self._write_chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")


# --- payloads -------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Split text into chunks that join back to it exactly (each word keeps its space)."""
    parts = text.split(" ")
    return [p + " " for p in parts[:-1]] + [parts[-1]]


def _message_text(body: dict[str, Any] | None) -> str:
    """Every message's text in a chat request, joined (for `reply_when`)."""
    parts: list[str] = []
    for message in (body or {}).get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "\n".join(parts)


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _completion(model: str, reply: Reply) -> dict[str, Any]:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": _usage(reply),
    }
    if not reply.send_usage:
        del body["usage"]
    return body


def _tool_completion(model: str, call: ToolCalls) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": call.call_id,
                            "type": "function",
                            "function": {
                                "name": call.name,
                                "arguments": json.dumps(call.arguments),
                            },
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 20, "completion_tokens": 9, "total_tokens": 29},
    }


def _error_body(message: str, error_type: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def _model_entry(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "fake"}


if __name__ == "__main__":  # handy for poking at it by hand
    with FakeOpenAI() as fake:
        print(fake.base_url, flush=True)
        threading.Event().wait()
