"""The offline model's own process: it owns llama.cpp and speaks JSON lines on a pipe.

Run as a script (`python _local_worker.py MODEL.gguf N_CTX`) by `coach.llm.local`,
never imported by coach: a native crash in llama.cpp (a segfault on a CPU the
build does not suit) then kills this process only, and the parent turns it into
a plain error. Standard library and llama_cpp only, so it starts fast.

Requests (one JSON object a line on stdin):
    {"op": "chat", "messages": [...], "params": {...}}
    {"op": "cancel"}        stop the chat in progress after the current token
    {"op": "load"}          load the model now (answers {"event": "loaded", ...})
Events (one JSON object a line on the protocol pipe, which was stdout):
    {"event": "piece", "text": "..."}
    {"event": "done", "finish_reason": "...", "tokens_in": N, "tokens_out": N}
    {"event": "error", "kind": "context" | "load" | "other", "message": "..."}
End of stdin (the parent went away or closed us) ends the process.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
from typing import Any, TextIO


def _protocol_pipe() -> TextIO:
    """A private copy of stdout for events; fd 1 itself goes to stderr.

    llama.cpp (and anything native) may print to fd 1: it must never land in
    the middle of the protocol.
    """
    pipe = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return pipe


class Worker:
    def __init__(self, model_path: str, n_ctx: int, out: TextIO) -> None:
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.out = out
        self.llama: Any = None
        self.cancel = threading.Event()
        self.requests: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def send(self, event: dict[str, Any]) -> None:
        self.out.write(json.dumps(event) + "\n")
        self.out.flush()

    def read_stdin(self) -> None:
        """Reader thread: cancel takes effect at once; other requests queue for the main loop."""
        for line in sys.stdin:
            try:
                request = json.loads(line)
            except json.JSONDecodeError:
                continue
            if request.get("op") == "cancel":
                self.cancel.set()
            else:
                self.requests.put(request)
        self.cancel.set()  # the parent is gone: stop generating
        self.requests.put(None)

    def load(self) -> Any:
        if self.llama is None:
            from llama_cpp import Llama

            threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
            threads = threads or os.cpu_count() or 1
            self.llama = Llama(
                model_path=self.model_path,
                n_ctx=self.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                verbose=False,
            )
        return self.llama

    def serve(self) -> None:
        threading.Thread(target=self.read_stdin, name="stdin", daemon=True).start()
        while True:
            request = self.requests.get()
            if request is None:
                return
            op = request.get("op")
            try:
                if op == "load":
                    llama = self.load()
                    self.send({"event": "loaded", "n_threads": llama.n_threads})
                elif op == "chat":
                    self.chat(request.get("messages") or [], request.get("params") or {})
            except Exception as exc:  # reported to the parent, which raises a ModelError
                kind = "load" if self.llama is None else "other"
                if isinstance(exc, ValueError) and "exceed context window" in str(exc):
                    kind = "context"
                self.send({"event": "error", "kind": kind, "message": str(exc)[:2000]})

    def chat(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> None:
        llama = self.load()
        self.cancel.clear()
        chunks = llama.create_chat_completion(messages=messages, stream=True, **params)
        tokens_in: int | None = None
        tokens_out = 0
        finish: str | None = None
        try:
            for chunk in chunks:
                if tokens_in is None:
                    # The first chunk comes once the prompt is evaluated and the first
                    # token sampled: the context holds exactly the prompt.
                    tokens_in = int(llama.n_tokens)
                choice = chunk["choices"][0]
                text = choice["delta"].get("content") or ""
                finish = choice.get("finish_reason") or finish
                if text:
                    tokens_out += 1
                    self.send({"event": "piece", "text": text})
                if self.cancel.is_set():
                    finish = "cancelled"
                    break
        finally:
            chunks.close()  # stop llama.cpp generating if we left early
        self.send(
            {
                "event": "done",
                "finish_reason": finish or "stop",
                "tokens_in": tokens_in,
                "tokens_out": tokens_out,
            }
        )


def main(argv: list[str]) -> int:
    # Run as a script, sys.path[0] is coach/llm: its modules must not shadow anything.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    out = _protocol_pipe()
    Worker(argv[1], int(argv[2]), out).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
