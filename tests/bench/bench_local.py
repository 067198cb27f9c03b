"""The offline model through coach (a child process behind a pipe) vs raw llama-cpp-python.

Same GGUF, same Llama settings (n_ctx=2048, n_threads = the cores available,
OMP_WAIT_POLICY=PASSIVE on both sides), same prompt, greedy sampling and
max_tokens; runs alternate. Prints, in one run:

- throughput: streamed content tokens over wall time from the call to the
  last token (prompt evaluation included on both sides), medians, and the
  ratio coach / raw (goal >= 0.9);
- the process boundary's cost: start-up (spawn the child and load the model
  vs loading it in-process) and per-call overhead (a 1-token answer through
  coach.llm, and through the pipe alone without litellm, vs raw).

No timed assertions: it reports.

    .venv/bin/python tests/bench/bench_local.py [--runs 7] [--max-tokens 128]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

# Both sides alike: set before llama.cpp's OpenMP runtime is loaded in this process.
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

from coach import llm
from coach.llm.local import N_CTX, find_gguf, get_local_model

GOAL = 0.9
PROMPT = "Write a short story about a lighthouse keeper who finds a message in a bottle."
MESSAGES = [{"role": "user", "content": PROMPT}]


def threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load_raw() -> Any:
    from llama_cpp import Llama

    n = threads()
    return Llama(
        model_path=str(find_gguf()), n_ctx=N_CTX, n_threads=n, n_threads_batch=n, verbose=False
    )


def raw_run(llama: Any, max_tokens: int) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = 0
    for chunk in llama.create_chat_completion(
        messages=MESSAGES, stream=True, max_tokens=max_tokens, temperature=0
    ):
        if chunk["choices"][0]["delta"].get("content"):
            tokens += 1
    return tokens, time.perf_counter() - start


async def coach_run(max_tokens: int) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = 0
    async with llm.stream(
        "local/smollm2", PROMPT, max_tokens=max_tokens, temperature=0, retry=llm.NO_RETRY
    ) as answer:
        async for _ in answer:
            tokens += 1
    return tokens, time.perf_counter() - start


def pipe_run(max_tokens: int) -> float:
    """The child process alone, without litellm: the pipe's share of the overhead."""
    start = time.perf_counter()
    for _ in get_local_model("smollm2").stream_chat(MESSAGES, max_tokens=max_tokens, temperature=0):
        pass
    return time.perf_counter() - start


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def main(runs: int, max_tokens: int) -> None:
    # Start-up: a fresh child (spawn + import llama_cpp + load) vs loading in-process.
    local = get_local_model("smollm2")
    started = time.perf_counter()
    await asyncio.to_thread(local.load)
    child_start = time.perf_counter() - started
    started = time.perf_counter()
    raw_llama = load_raw()
    raw_start = time.perf_counter() - started
    await asyncio.to_thread(llm.warm_up)  # litellm's import is not the model's cost

    raw_run(raw_llama, 16)  # warm both: first-call setup is not throughput
    await coach_run(16)

    raw_rates: list[float] = []
    coach_rates: list[float] = []
    counts: set[tuple[str, int]] = set()
    for i in range(runs):
        for name in ("raw", "coach") if i % 2 == 0 else ("coach", "raw"):
            if name == "raw":
                tokens, seconds = raw_run(raw_llama, max_tokens)
                raw_rates.append(tokens / seconds)
            else:
                tokens, seconds = await coach_run(max_tokens)
                coach_rates.append(tokens / seconds)
            counts.add((name, tokens))

    # Per-call overhead: a one-token answer, so nearly all of it is not generation.
    raw_one: list[float] = []
    coach_one: list[float] = []
    pipe_one: list[float] = []
    for _ in range(max(runs, 5)):
        raw_one.append(raw_run(raw_llama, 1)[1])
        coach_one.append((await coach_run(1))[1])
        pipe_one.append(await asyncio.to_thread(pipe_run, 1))
    raw_llama.close()
    local.close()

    raw_median = statistics.median(raw_rates)
    coach_median = statistics.median(coach_rates)
    ratio = coach_median / raw_median
    print(f"threads               {threads()} (OMP_WAIT_POLICY=PASSIVE both sides)")
    print(f"runs per path         {runs}, max_tokens {max_tokens}, tokens seen {sorted(counts)}")
    print(f"raw llama-cpp median  {raw_median:8.1f} tokens/s")
    print(f"coach.llm median      {coach_median:8.1f} tokens/s")
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"ratio coach/raw       {ratio:8.3f}   (goal >= {GOAL:.2f}: {verdict})")
    print("process boundary:")
    print(
        f"  start-up            child {child_start * 1000:7.0f} ms vs in-process "
        f"{raw_start * 1000:7.0f} ms  (ratio {child_start / raw_start:5.2f})"
    )
    print(
        f"  1-token call        coach {median_ms(coach_one):7.1f} ms, pipe only "
        f"{median_ms(pipe_one):7.1f} ms, raw {median_ms(raw_one):7.1f} ms"
    )
    print(
        f"  overhead per call   coach {median_ms(coach_one) - median_ms(raw_one):+7.1f} ms, "
        f"pipe only {median_ms(pipe_one) - median_ms(raw_one):+7.1f} ms  "
        f"(ratio coach/raw {statistics.median(coach_one) / statistics.median(raw_one):5.2f})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.max_tokens))
