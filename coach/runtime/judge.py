"""The rubric judge: a plain callable prompt → text, built on coach.llm.

Graders never import litellm; they receive this callable. It blocks, so call
graders off the event loop (the TUI grades in a worker thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from coach import llm

JUDGE_MAX_TOKENS = 300


def make_judge(spec: llm.ModelSpec, spend: llm.SpendTracker | None = None) -> Callable[[str], str]:
    def judge(prompt: str) -> str:
        result = asyncio.run(
            llm.complete(spec, prompt, temperature=0.0, max_tokens=JUDGE_MAX_TOKENS, spend=spend)
        )
        return result.text

    return judge
