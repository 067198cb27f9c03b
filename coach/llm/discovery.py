"""Model servers already running on this machine: found, listed, and a model checked.

`discover()` asks the usual ports on 127.0.0.1 (Ollama 11434, LM Studio 1234,
llama.cpp's server 8080, vLLM 8000) at once, with a short timeout each, for
their models (`GET /v1/models`; Ollama also `GET /api/tags`). Loopback only:
nothing here reaches another host. `COACH_DISCOVERY_PORTS` replaces the
usual ports (`9000,9001=LM Studio`; empty: look nowhere), for a server on an
unusual port and for tests. Headless and blocking (standard library
HTTP, no litellm): call it from a worker thread. `try_model()` validates a
model string + api_base + key with a one-token completion.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, ConfigDict

from coach.llm.errors import ModelError
from coach.llm.readiness import Readiness
from coach.llm.spec import ModelSpec

HOST = "127.0.0.1"
DISCOVERY_TIMEOUT_S = 0.8
# (port, what usually listens there). Ollama first: it also answers /api/tags.
KNOWN_PORTS: tuple[tuple[int, str], ...] = (
    (11434, "Ollama"),
    (1234, "LM Studio"),
    (8080, "llama.cpp server"),
    (8000, "vLLM"),
)
PORTS_ENV = "COACH_DISCOVERY_PORTS"
_MAX_BODY = 2_000_000  # a model list is small; never read an unbounded body


class FoundServer(BaseModel):
    """An OpenAI-compatible server answering on a loopback port, with its models."""

    model_config = ConfigDict(frozen=True)

    port: int
    kind: str  # what usually listens on that port ("Ollama", …); a guess, not a check
    api_base: str  # ends in /v1, ready for ModelSpec.api_base
    models: list[str]  # the server's model ids

    def model_strings(self) -> list[str]:
        """litellm model strings for its models (OpenAI-compatible: `openai/ID`)."""
        return [f"openai/{model}" for model in self.models]

    def specs(self) -> list[ModelSpec]:
        return [
            ModelSpec.of(model, api_base=self.api_base, name=f"{name} ({self.kind})")
            for model, name in zip(self.model_strings(), self.models, strict=True)
        ]


def _get_json(url: str, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read(_MAX_BODY))


def _openai_models(payload: Any) -> list[str]:
    data = payload.get("data") if isinstance(payload, dict) else None
    return [str(m["id"]) for m in data or [] if isinstance(m, dict) and m.get("id")]


def _ollama_models(payload: Any) -> list[str]:
    tags = payload.get("models") if isinstance(payload, dict) else None
    names = (m.get("model") or m.get("name") for m in tags or [] if isinstance(m, dict))
    return [str(name) for name in names if name]


def probe_port(
    port: int, kind: str = "server", *, timeout: float = DISCOVERY_TIMEOUT_S
) -> FoundServer | None:
    """The server on this loopback port and its models, or None if nothing usable answers."""
    base = f"http://{HOST}:{port}"
    models: list[str] | None = None
    try:
        models = _openai_models(_get_json(f"{base}/v1/models", timeout))
    except (urllib.error.URLError, OSError, ValueError):
        models = None
    if not models:
        # Ollama lists pulled models under /api/tags (older versions: only there).
        try:
            tags = _ollama_models(_get_json(f"{base}/api/tags", timeout))
        except (urllib.error.URLError, OSError, ValueError):
            tags = []
        if tags:
            models, kind = tags, "Ollama"
    if models is None:
        return None
    return FoundServer(port=port, kind=kind, api_base=f"{base}/v1", models=models)


def ports_to_look_at() -> tuple[tuple[int, str], ...]:
    """KNOWN_PORTS, or the ports `COACH_DISCOVERY_PORTS` names (bad entries are skipped)."""
    text = os.environ.get(PORTS_ENV)
    if text is None:
        return KNOWN_PORTS
    known = dict(KNOWN_PORTS)
    ports: list[tuple[int, str]] = []
    for item in text.split(","):
        number, _, kind = item.partition("=")
        try:
            port = int(number.strip())
        except ValueError:
            continue
        if 0 < port < 65536:
            ports.append((port, kind.strip() or known.get(port, "server")))
    return tuple(ports)


def discover(
    ports: Sequence[tuple[int, str]] | None = None, *, timeout: float = DISCOVERY_TIMEOUT_S
) -> list[FoundServer]:
    """Every server answering on `ports` (default: `ports_to_look_at()`; all asked at
    once), in order."""
    ports = ports_to_look_at() if ports is None else ports
    if not ports:
        return []
    with ThreadPoolExecutor(max_workers=len(ports), thread_name_prefix="coach-discover") as pool:
        found = pool.map(lambda pk: probe_port(pk[0], pk[1], timeout=timeout), ports)
        return [server for server in found if server is not None]


async def try_model(
    model: str | ModelSpec,
    api_base: str | None = None,
    api_key: str | None = None,
    *,
    timeout: float = 20.0,
) -> Readiness:
    """A one-token completion: does this model string, address and key work right now?

    Never raises for a model problem: the answer says what failed and the fix.
    """
    from coach import llm

    try:
        spec = model if isinstance(model, ModelSpec) else ModelSpec.of(model, api_base=api_base)
    except ModelError as error:  # a bad address
        return Readiness(ModelSpec.of(str(model)), False, error.message, error.fix)
    try:
        await llm.complete(
            spec,
            "Reply with the word OK.",
            max_tokens=1,
            temperature=0,
            timeout=timeout,
            retry=llm.NO_RETRY,
            api_key=api_key,
        )
    except llm.BadResponse as error:
        # One token that is not text (a reasoning model thinking first) still is an answer.
        if error.detail == "finish_reason='length'":
            return Readiness(spec, True, "answered a one-token test call")
        return Readiness(spec, False, error.message, error.fix)
    except ModelError as error:
        return Readiness(spec, False, error.message, error.fix)
    return Readiness(spec, True, "answered a one-token test call")
