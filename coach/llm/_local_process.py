"""The parent's end of the offline model's pipe: start the child, stream, cancel, notice a crash.

The child is `_local_worker.py`, started with `OMP_WAIT_POLICY=PASSIVE` in its
environment (llama.cpp's OpenMP threads spin-wait by default, which made
generation several times slower on a busy two-core machine). Its events
arrive on stdout, read by a thread into a queue so every wait has a timeout
and a cancel can be sent while a token is being computed. Its stderr is kept
(the last lines) for the crash message's detail, never shown on the terminal.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from coach.llm.errors import ContextTooLong, LocalModelCrashed, ModelError, local_unavailable

WORKER_SCRIPT = Path(__file__).with_name("_local_worker.py")
LOAD_TIMEOUT_S = 120.0  # a cold start on a busy machine: Python, llama_cpp, the weights
DRAIN_TIMEOUT_S = 10.0  # after a cancel, how long the current token may take
_POLL_S = 0.1  # how often a wait looks at the caller's cancel flag
_EOF = object()

CRASH_FIX = (
    "coach is still running, and the model restarts on the next try. If it keeps "
    "happening, rebuild llama-cpp-python portably (`make clean && make run` in a source "
    "checkout), or connect a model server (see `coach models`)."
)


@dataclass(frozen=True)
class Piece:
    """One streamed piece: text, and on the last piece why it stopped and the token counts."""

    text: str
    finish_reason: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None


def worker_env() -> dict[str, str]:
    """The child's environment: OpenMP threads sleep when idle instead of spinning."""
    env = dict(os.environ)
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _how_it_ended(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name in ("SIGSEGV", "SIGILL", "SIGBUS", "SIGFPE", "SIGABRT"):
            return f"it crashed with {name} inside llama.cpp"
        return f"it was stopped by {name}"
    return f"it exited with status {code}"


class WorkerProcess:
    """One running model process. Not thread-safe: `LocalModel` serialises use."""

    def __init__(self, process: subprocess.Popen[str], model: str, n_ctx: int) -> None:
        self.process = process
        self.model = model
        self.n_ctx = n_ctx
        self._events: queue.Queue[Any] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=20)
        self.n_threads: int | None = None
        threading.Thread(target=self._read_events, name="coach-local-out", daemon=True).start()
        threading.Thread(target=self._read_stderr, name="coach-local-err", daemon=True).start()

    @classmethod
    def start(
        cls, model_path: Path, *, model: str, n_ctx: int, script: Path | None = None
    ) -> WorkerProcess:
        try:
            process = subprocess.Popen(
                [sys.executable, str(script or WORKER_SCRIPT), str(model_path), str(n_ctx)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                env=worker_env(),
                close_fds=True,
            )
        except OSError as exc:
            raise local_unavailable(f"its process could not start ({exc})") from None
        worker = cls(process, model, n_ctx)
        worker.send({"op": "load"})
        return worker

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    # --- pipe ----------------------------------------------------------------

    def _read_events(self) -> None:
        out: IO[str] = self.process.stdout  # type: ignore[assignment]
        for line in out:
            with contextlib.suppress(json.JSONDecodeError):
                self._events.put(json.loads(line))
        self._events.put(_EOF)

    def _read_stderr(self) -> None:
        err: IO[str] = self.process.stderr  # type: ignore[assignment]
        for line in err:
            self._stderr.append(line.rstrip())

    def send(self, request: dict[str, Any]) -> None:
        try:
            stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # it died; the next read reports how

    def _next(self, timeout: float) -> dict[str, Any] | None:
        """The next event, None if none came in time; raises LocalModelCrashed at EOF."""
        try:
            event = self._events.get(timeout=timeout)
        except queue.Empty:
            return None
        if event is _EOF:
            raise self.crashed()
        return event

    def crashed(self) -> LocalModelCrashed:
        try:
            code: int | None = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        tail = "\n".join(self._stderr)
        return LocalModelCrashed(
            f"The offline model stopped unexpectedly: {_how_it_ended(code)}.",
            CRASH_FIX,
            model=self.model,
            detail=tail[-2000:] or None,
        )

    def _error(self, event: dict[str, Any]) -> ModelError:
        message = str(event.get("message") or "unknown error")
        if event.get("kind") == "context":
            return ContextTooLong(
                f"The prompt is longer than the offline model's context ({self.n_ctx} tokens).",
                "Shorten the prompt or the materials, or choose a model with a larger "
                "context window.",
                model=self.model,
                detail=message,
            )
        if event.get("kind") == "load":
            return local_unavailable(f"llama.cpp could not load the model ({message[:200]})")
        return ModelError(
            f"The offline model failed: {message[:300]}",
            "Try again; if it keeps failing, choose another model.",
            model=self.model,
            detail=message,
        )

    # --- requests ------------------------------------------------------------

    def wait_loaded(self, timeout: float) -> None:
        waited = 0.0
        while waited < timeout:
            event = self._next(_POLL_S * 5)
            waited += _POLL_S * 5
            if event is None:
                continue
            if event.get("event") == "loaded":
                self.n_threads = event.get("n_threads")
                return
            if event.get("event") == "error":
                raise self._error(event)
        self.stop()
        raise local_unavailable(f"it did not load within {timeout:.0f} s")

    def chat(
        self,
        messages: list[dict[str, Any]],
        params: dict[str, Any],
        cancel: threading.Event | None,
    ) -> Iterator[Piece]:
        """Pieces as the child sends them; leaving early cancels and waits for its `done`."""
        self.send({"op": "chat", "messages": messages, "params": params})
        finished = False
        cancel_sent = False
        try:
            while True:
                if not cancel_sent and cancel is not None and cancel.is_set():
                    self.send({"op": "cancel"})
                    cancel_sent = True
                event = self._next(_POLL_S)
                if event is None:
                    continue
                kind = event.get("event")
                if kind == "piece":
                    yield Piece(str(event.get("text") or ""))
                elif kind == "done":
                    finished = True
                    yield Piece(
                        "",
                        finish_reason=str(event.get("finish_reason") or "stop"),
                        tokens_in=event.get("tokens_in"),
                        tokens_out=event.get("tokens_out"),
                    )
                    return
                elif kind == "error":
                    finished = True
                    raise self._error(event)
        finally:
            if not finished and self.alive:
                self._abandon(cancel_sent)

    def _abandon(self, cancel_sent: bool) -> None:
        """The caller left mid-answer: stop the child's generation and drop its events."""
        if not cancel_sent:
            self.send({"op": "cancel"})
        waited = 0.0
        with contextlib.suppress(LocalModelCrashed):
            while waited < DRAIN_TIMEOUT_S:
                event = self._next(_POLL_S)
                waited += _POLL_S
                if event is not None and event.get("event") in ("done", "error"):
                    return
        self.stop()  # it would not stop: the next request gets a fresh process

    def stop(self) -> None:
        """End the process: close its stdin (it exits), then terminate, then kill."""
        with contextlib.suppress(OSError, ValueError):
            self.process.stdin.close()  # type: ignore[union-attr]
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
