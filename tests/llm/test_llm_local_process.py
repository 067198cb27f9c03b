"""The offline model runs in a child process: a native crash there leaves coach running."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_helpers import needs_llama

from coach import llm
from coach.llm import LocalModelCrashed, StreamCutOff
from coach.llm import _local_process as process_module
from coach.llm import local as local_module
from coach.llm.readiness import check_ready

FAKE_WORKER = Path(__file__).with_name("fake_worker.py")


@pytest.fixture
def fresh_model() -> Iterator[local_module.LocalModel]:
    """local/smollm2 with no process running, before and after the test."""
    model = local_module.get_local_model("smollm2")
    model.close()
    yield model
    model.close()


@pytest.fixture
def fake_worker(monkeypatch: pytest.MonkeyPatch, fresh_model: local_module.LocalModel) -> None:
    """The child is tests/llm/fake_worker.py: the protocol without llama.cpp."""
    monkeypatch.setattr(process_module, "WORKER_SCRIPT", FAKE_WORKER)
    monkeypatch.setattr(local_module, "llama_importable", lambda: True)
    monkeypatch.setattr(local_module, "find_gguf", lambda package="": Path("/no/such.gguf"))


def test_the_child_environment_makes_openmp_sleep_when_idle(monkeypatch) -> None:
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert process_module.worker_env()["OMP_WAIT_POLICY"] == "PASSIVE"


async def test_a_segfault_in_the_model_process_is_an_error_and_coach_runs_on(
    fake_worker: None, fresh_model: local_module.LocalModel
) -> None:
    first = await llm.complete("local/smollm2", "hi")
    assert first.text == "Hello there"
    pid = fresh_model.pid
    pieces: list[str] = []
    with pytest.raises(StreamCutOff) as caught:
        async with llm.stream("local/smollm2", "please crash") as answer:
            async for piece in answer:
                pieces.append(piece)
    error = caught.value
    assert pieces == ["Hello", " there"]
    assert error.partial.text == "Hello there"
    assert "crashed with SIGSEGV" in error.message
    assert "coach is still running" in error.fix
    assert fresh_model.pid is None  # the dead process is gone …
    again = await llm.complete("local/smollm2", "hi")  # … and the next call starts a new one
    assert again.text == "Hello there"
    assert fresh_model.pid not in (None, pid)


async def test_a_crash_in_a_whole_call_is_local_model_crashed(
    fake_worker: None, fresh_model: local_module.LocalModel
) -> None:
    with pytest.raises(LocalModelCrashed) as caught:
        await llm.complete("local/smollm2", "crash now")
    assert "SIGSEGV" in caught.value.message
    assert "about to read address 0" in (caught.value.detail or "")


async def test_a_model_process_that_died_while_idle_is_restarted_quietly(
    fake_worker: None, fresh_model: local_module.LocalModel
) -> None:
    await llm.complete("local/smollm2", "hi")
    pid = fresh_model.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(0.2)
    result = await llm.complete("local/smollm2", "hi")
    assert result.text == "Hello there"
    assert fresh_model.pid != pid


def test_worker_stdout_chatter_never_reaches_the_protocol(
    fake_worker: None, fresh_model: local_module.LocalModel
) -> None:
    fresh_model.load()  # the fake prints a line to stdout while loading
    pieces = list(fresh_model.stream_chat([{"role": "user", "content": "hi"}]))
    assert [p.text for p in pieces] == ["Hello", " there", ""]
    assert pieces[-1].finish_reason == "stop"


# --- the real model -----------------------------------------------------------------


@needs_llama
async def test_real_model_killed_with_sigsegv_mid_answer(
    fresh_model: local_module.LocalModel,
) -> None:
    pieces: list[str] = []
    with pytest.raises(StreamCutOff) as caught:
        async with llm.stream(
            "local/smollm2", "Write a long story about a cat.", max_tokens=400, temperature=0
        ) as answer:
            async for piece in answer:
                pieces.append(piece)
                if len(pieces) == 3:
                    assert fresh_model.pid is not None
                    os.kill(fresh_model.pid, signal.SIGSEGV)
    assert len(pieces) >= 3
    assert "crashed with SIGSEGV" in caught.value.message
    result = await llm.complete("local/smollm2", "Name one colour.", max_tokens=8)
    assert result.text.strip()


@needs_llama
def test_real_model_process_environment_and_threads(fresh_model: local_module.LocalModel) -> None:
    fresh_model.load()
    pid = fresh_model.pid
    assert pid is not None
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert b"OMP_WAIT_POLICY=PASSIVE" in environ
    worker = fresh_model._worker
    assert worker is not None
    assert worker.n_threads == len(os.sched_getaffinity(0))
    assert sys.modules.get("llama_cpp") is None  # the parent never loads llama.cpp


@needs_llama
def test_readiness_decodes_a_few_tokens_in_a_throwaway_process() -> None:
    ready = check_ready(llm.ModelSpec.of("local/smollm2"), decode=True)
    assert ready.ready, ready.detail
    assert "decoded" in ready.detail


def test_readiness_says_what_to_do_when_the_model_process_crashes(
    fake_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_module, "DECODE_PROMPT", [{"role": "user", "content": "crash"}])
    ready = check_ready(llm.ModelSpec.of("local/smollm2"), decode=True)
    assert not ready.ready
    assert "SIGSEGV" in ready.detail
    assert "make clean && make run" in ready.fix
