"""Streaming overhead of coach.llm over raw `litellm.acompletion(stream=True)`.

Both stream the same reply from the same loopback fake OpenAI server, with the
same litellm arguments; calls alternate so drift hits both alike. Prints the
median wall time of a whole streamed call for each, and their ratio (goal:
boundary / raw <= 1.10).

    .venv/bin/python tests/bench/bench_streaming.py [--calls 200] [--words 60]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "support"))

from fake_openai import FakeOpenAI, Reply

from coach import llm

GOAL = 1.10


async def raw_call(lib: object, kwargs: dict) -> str:
    response = await lib.acompletion(**kwargs)  # type: ignore[attr-defined]
    parts = []
    async for chunk in response:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)


async def boundary_call(spec: llm.ModelSpec) -> str:
    parts = []
    async with llm.stream(spec, "Say something.", retry=llm.NO_RETRY) as answer:
        async for piece in answer:
            parts.append(piece)
    return "".join(parts)


async def main(calls: int, words: int) -> None:
    text = " ".join(f"word{i}" for i in range(words))
    with FakeOpenAI() as fake:
        fake.queue(*[Reply(text=text)] * (2 * calls + 20))
        spec = llm.ModelSpec.of("openai/fake-model", api_base=fake.base_url)
        lib = await asyncio.to_thread(llm.get_litellm)
        kwargs = {
            "model": "openai/fake-model",
            "messages": [{"role": "user", "content": "Say something."}],
            "api_base": fake.base_url,
            "api_key": "not-needed",
            "stream": True,
            "stream_options": {"include_usage": True},
            "timeout": 60.0,
            "num_retries": 0,
            "max_retries": 0,
        }
        for _ in range(10):  # warm both paths: clients, caches, lazy imports
            assert await raw_call(lib, kwargs) == text
            assert await boundary_call(spec) == text
        raw: list[float] = []
        boundary: list[float] = []
        for i in range(calls):
            order = (("raw", raw), ("boundary", boundary))
            for name, sink in order if i % 2 == 0 else order[::-1]:
                start = time.perf_counter()
                got = await (raw_call(lib, kwargs) if name == "raw" else boundary_call(spec))
                sink.append(time.perf_counter() - start)
                assert got == text
    raw_median = statistics.median(raw)
    boundary_median = statistics.median(boundary)
    ratio = boundary_median / raw_median
    print(f"calls per path        {calls} (each streams {words} chunks + final + usage)")
    print(f"raw litellm median    {raw_median * 1000:8.2f} ms")
    print(f"coach.llm median      {boundary_median * 1000:8.2f} ms")
    print(f"overhead per call     {(boundary_median - raw_median) * 1000:8.2f} ms")
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"ratio boundary/raw    {ratio:8.3f}   (goal <= {GOAL:.2f}: {verdict})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--words", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.words))
