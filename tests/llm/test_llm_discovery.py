"""Finding model servers on loopback, listing their models, and the one-token test call."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import tomli_w
from click.testing import CliRunner
from fake_openai import BY_MODEL, FakeOpenAI

from coach.cli import main
from coach.config import config_path
from coach.llm import discovery
from coach.llm.discovery import FoundServer, discover, try_model

TAGS = {"models": [{"name": "llama3.2:1b", "model": "llama3.2:1b"}, {"name": "qwen2.5:7b"}]}


class _TagsOnly(BaseHTTPRequestHandler):
    """An old Ollama: /api/tags only, 404 for the OpenAI routes."""

    def do_GET(self) -> None:
        body = json.dumps(TAGS if self.path == "/api/tags" else {"error": "nope"}).encode()
        self.send_response(200 if self.path == "/api/tags" else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def tags_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TagsOnly)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_discovery_lists_each_answering_server_and_its_models(
    fake: FakeOpenAI, tags_server: int, closed_port: int, silent_port: int
) -> None:
    with FakeOpenAI() as other:
        other_port = other.port
        found = discover(
            [
                (closed_port, "Ollama"),
                (fake.port, "LM Studio"),
                (silent_port, "vLLM"),
                (tags_server, "llama.cpp server"),
                (other.port, "vLLM"),
            ],
            timeout=0.5,
        )
    assert [(s.port, s.kind) for s in found] == [
        (fake.port, "LM Studio"),
        (tags_server, "Ollama"),  # answered /api/tags: it is an Ollama, whatever the port
        (other_port, "vLLM"),
    ]
    assert found[0].api_base == fake.base_url
    assert found[0].models == list(BY_MODEL)
    assert found[1].models == ["llama3.2:1b", "qwen2.5:7b"]
    assert found[1].model_strings() == ["openai/llama3.2:1b", "openai/qwen2.5:7b"]
    spec = found[1].specs()[0]
    assert (spec.model, spec.api_base, spec.tier) == (
        "openai/llama3.2:1b",
        f"http://127.0.0.1:{tags_server}/v1",
        "unknown",
    )


def test_nothing_found_is_an_empty_list(closed_port: int) -> None:
    assert discover([(closed_port, "Ollama")], timeout=0.3) == []
    assert discover([]) == []


def test_the_default_ports_are_the_usual_servers() -> None:
    assert {port for port, _ in discovery.KNOWN_PORTS} == {11434, 1234, 8080, 8000}


async def test_a_one_token_call_validates_model_address_and_key(
    fake: FakeOpenAI, closed_port: int
) -> None:
    good = await try_model("openai/fake-model", fake.base_url, "sk-local-123456")
    assert good.ready, good.detail
    assert fake.chat_requests[-1].body["max_tokens"] == 1
    assert fake.chat_requests[-1].authorization == "Bearer sk-local-123456"
    refused = await try_model("openai/fake-401", fake.base_url, "sk-wrong-123456")
    assert not refused.ready and "refused the API key" in refused.detail
    nobody = await try_model("openai/x", f"http://127.0.0.1:{closed_port}/v1")
    assert not nobody.ready and "Cannot reach" in nobody.detail and nobody.fix
    bad_url = await try_model("openai/x", "localhost:1234")
    assert not bad_url.ready and "http://" in bad_url.fix


def test_coach_models_shows_the_servers_found(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    monkeypatch.setattr(discovery, "KNOWN_PORTS", ((closed_port, "Ollama"), (fake.port, "vLLM")))
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0, result.output
    assert f"Found vLLM at {fake.base_url}" in result.stdout
    assert "    openai/fake-tools" in result.stdout
    listed = CliRunner().invoke(main, ["models", "--json"])
    servers = json.loads(listed.stdout)["servers"]
    assert [FoundServer(**s).port for s in servers] == [fake.port]


def test_coach_models_says_when_no_server_is_found(
    monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    monkeypatch.setattr(discovery, "KNOWN_PORTS", ((closed_port, "Ollama"),))
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(tomli_w.dumps({"model": "local/smollm2"}))
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0, result.output
    assert "No model server found on this machine" in result.stdout
