"""`local/…` as a litellm custom provider, so the offline model goes through the same boundary.

litellm routes `local/smollm2` here (see `_litellm._configure`). Streaming
yields litellm's `GenericStreamingChunk` dicts: `text`, `is_finished`,
`finish_reason`, `usage` (on the last one), `tool_use`, `index`. The async
stream runs llama.cpp on a thread of its own and hands pieces to the event
loop, so the UI stays responsive while the model generates; closing the
stream (cancel, break) tells that thread to stop after the current token.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import litellm
from litellm.types.utils import GenericStreamingChunk

from coach.llm.local import Piece, get_local_model

_END = object()


def _model_name(model: str) -> str:
    # litellm passes the part after the provider prefix; be tolerant of either form.
    return model.split("/", 1)[1] if model.startswith("local/") else model


def _chunk(piece: Piece) -> GenericStreamingChunk:
    chunk: GenericStreamingChunk = {
        "text": piece.text,
        "is_finished": piece.finish_reason is not None,
        "finish_reason": piece.finish_reason or "",
        "usage": None,
        "tool_use": None,
        "index": 0,
    }
    if piece.finish_reason is not None:
        tokens_in, tokens_out = piece.tokens_in or 0, piece.tokens_out or 0
        chunk["usage"] = {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        }
    return chunk


class LocalLLM(litellm.CustomLLM):
    """litellm's custom-provider interface over `coach.llm.local`."""

    def _pieces(
        self, model: str, messages: list, optional_params: dict, cancel: threading.Event | None
    ) -> Iterator[Piece]:
        return get_local_model(_model_name(model)).stream_chat(
            messages, cancel=cancel, **optional_params
        )

    def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Any:
        return self._complete(model, messages, kwargs, None)

    def _complete(
        self, model: str, messages: list, kwargs: dict, cancel: threading.Event | None
    ) -> Any:
        model_response = kwargs["model_response"]
        text: list[str] = []
        last = Piece("")
        for piece in self._pieces(model, messages, kwargs.get("optional_params") or {}, cancel):
            text.append(piece.text)
            last = piece
        model_response.choices[0].message.content = "".join(text)
        model_response.choices[0].finish_reason = last.finish_reason or "stop"
        model_response.model = f"local/{_model_name(model)}"
        tokens_in, tokens_out = last.tokens_in or 0, last.tokens_out or 0
        model_response.usage = litellm.Usage(
            prompt_tokens=tokens_in,
            completion_tokens=tokens_out,
            total_tokens=tokens_in + tokens_out,
        )
        return model_response

    def streaming(
        self, model: str, messages: list, *args: Any, **kwargs: Any
    ) -> Iterator[GenericStreamingChunk]:
        cancel = threading.Event()
        pieces = self._pieces(model, messages, kwargs.get("optional_params") or {}, cancel)
        try:
            for piece in pieces:
                yield _chunk(piece)
        finally:
            cancel.set()
            pieces.close()  # type: ignore[attr-defined]

    async def acompletion(self, model: str, messages: list[Any], *args: Any, **kwargs: Any) -> Any:
        cancel = threading.Event()
        try:
            return await asyncio.to_thread(self._complete, model, messages, kwargs, cancel)
        finally:
            cancel.set()  # cancelled or timed out: the thread stops after the current token

    async def _stream(
        self, model: str, messages: list[Any], *args: Any, **kwargs: Any
    ) -> AsyncIterator[GenericStreamingChunk]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()
        optional_params = kwargs.get("optional_params") or {}

        def hand_over(item: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
                loop.call_soon_threadsafe(queue.put_nowait, item)

        def produce() -> None:
            try:
                for piece in self._pieces(model, messages, optional_params, cancel):
                    hand_over(piece)
                    if cancel.is_set():
                        break
            except BaseException as exc:  # handed to the consumer, which raises it
                hand_over(exc)
            finally:
                hand_over(_END)

        # A thread of its own, not the default executor: asyncio.run() waits for that.
        threading.Thread(target=produce, name="coach-local-model", daemon=True).start()
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield _chunk(item)
        finally:
            cancel.set()

    # litellm iterates astreaming as an async generator, though its stub declares a
    # coroutine: bind it by name so the stub's signature does not apply.
    astreaming: Any = _stream
