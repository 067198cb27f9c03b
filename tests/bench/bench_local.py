"""Tokens per second of local/smollm2 through coach.llm vs raw llama-cpp-python.

Same GGUF, same Llama settings (n_ctx=2048, defaults otherwise), same prompt,
greedy sampling and max_tokens; runs alternate. Tokens/s is streamed content
tokens over wall time from the call to the last token (prompt evaluation
included on both sides). Prints medians and the ratio (goal: boundary / raw
>= 0.9).

    .venv/bin/python tests/bench/bench_local.py [--runs 7] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from coach import llm
from coach.llm.local import N_CTX, find_gguf

GOAL = 0.9
PROMPT = "Write a short story about a lighthouse keeper who finds a message in a bottle."


def raw_run(llama: object, max_tokens: int) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = 0
    for chunk in llama.create_chat_completion(  # type: ignore[attr-defined]
        messages=[{"role": "user", "content": PROMPT}],
        stream=True,
        max_tokens=max_tokens,
        temperature=0,
    ):
        if chunk["choices"][0]["delta"].get("content"):
            tokens += 1
    return tokens, time.perf_counter() - start


async def boundary_run(max_tokens: int) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = 0
    async with llm.stream(
        "local/smollm2", PROMPT, max_tokens=max_tokens, temperature=0, retry=llm.NO_RETRY
    ) as answer:
        async for _ in answer:
            tokens += 1
    return tokens, time.perf_counter() - start


async def main(runs: int, max_tokens: int) -> None:
    from llama_cpp import Llama

    raw_llama = Llama(model_path=str(find_gguf()), n_ctx=N_CTX, verbose=False)
    await asyncio.to_thread(llm.warm_up, local_model=True)
    raw_run(raw_llama, 16)  # warm both: first-call setup is not throughput
    await boundary_run(16)
    raw_rates: list[float] = []
    boundary_rates: list[float] = []
    counts: set[tuple[str, int]] = set()
    for i in range(runs):
        for name in ("raw", "boundary") if i % 2 == 0 else ("boundary", "raw"):
            if name == "raw":
                tokens, seconds = raw_run(raw_llama, max_tokens)
                raw_rates.append(tokens / seconds)
            else:
                tokens, seconds = await boundary_run(max_tokens)
                boundary_rates.append(tokens / seconds)
            counts.add((name, tokens))
    raw_llama.close()
    raw_median = statistics.median(raw_rates)
    boundary_median = statistics.median(boundary_rates)
    ratio = boundary_median / raw_median
    print(f"runs per path         {runs}, max_tokens {max_tokens}, tokens seen {sorted(counts)}")
    print(f"raw llama-cpp median  {raw_median:8.1f} tokens/s")
    print(f"coach.llm median      {boundary_median:8.1f} tokens/s")
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"ratio boundary/raw    {ratio:8.3f}   (goal >= {GOAL:.2f}: {verdict})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.max_tokens))
