"""The agent loop: the learner's instructions drive a tool-calling model in a sandbox.

system = the learner's instructions; user = the exercise's task (the brief,
with its materials). Each model turn either calls tools (run here, their
results sent back as `tool` messages) or answers in text, which ends the
run. A step is one tool call: the run stops with complete=False once
`max_steps` tool calls are used and the model still wants more, or once the
tokens used pass `max_tokens`. Model errors and cancellation propagate; the
sandbox is removed either way.
"""

from __future__ import annotations

import random
from typing import Any

from coach import llm
from coach.content.trust import grade_trust
from coach.llm import ModelSpec, SpendTracker
from coach.runtime.agent.sandbox import Sandbox
from coach.runtime.agent.tools import Approver, ToolBox, parse_plan
from coach.runtime.present import TrapMode, present_output
from coach.runtime.render import render_prompt
from coach.runtime.runs import KindRun, Progress, RunTotals
from graders.context import GradeContext
from graders.registry import grade_output

TRACE_RESULT = 2000  # characters of each tool result kept in the stored trace
MAX_CALL_TOKENS = 4096


def _short(text: str, limit: int = TRACE_RESULT) -> str:
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more]"


async def run_agent(
    exercise: Any,
    plan_toml: str,
    spec: ModelSpec | str,
    *,
    rng: random.Random,
    trap_mode: TrapMode = "never",
    trap_rate: float | None = None,
    on_progress: Progress | None = None,
    spend: SpendTracker | None = None,
    trusted: bool = False,
    judge: Any = None,
    approve: Approver | None = None,
    timeout: float | None = None,  # None: the spec's (the config's `timeout`)
) -> KindRun:
    """Run the learner's agent plan on `exercise`; PlanError for an unusable plan."""
    setup = exercise.agent
    plan = parse_plan(plan_toml, list(setup.tools))
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": plan.instructions},
        {"role": "user", "content": render_prompt(exercise.brief, dict(exercise.materials))},
    ]
    trace: list[dict[str, Any]] = []
    calls = tokens_in = tokens_out = 0
    cost: float | None = 0.0
    latency = 0.0
    answer = ""
    note: str | None = None
    complete = True
    steps = 0
    with Sandbox(setup.files) as sandbox:
        box = ToolBox.build(sandbox, list(setup.tools), plan, setup.documents, approve)
        schemas = box.schemas()
        needs_tool = any(check.grader == "tool_called" for check in exercise.checks)
        while True:
            remaining = setup.max_tokens - tokens_in - tokens_out
            result = await llm.complete(
                spec,
                messages,
                tools=schemas or None,
                # llama.cpp's server runs tools only when asked; the first turn must use one
                tool_choice="required" if needs_tool and not calls else "auto",
                max_tokens=max(16, min(MAX_CALL_TOKENS, remaining)),
                spend=spend,
                timeout=timeout,
            )
            calls += 1
            latency += result.latency_s
            if result.usage is not None:
                tokens_in += result.usage.tokens_in
                tokens_out += result.usage.tokens_out
            cost = None if cost is None or result.cost_usd is None else cost + result.cost_usd
            if result.text.strip():
                answer = result.text
            if not result.tool_calls:
                break
            wanted = [
                (tc.id or f"call_{calls}_{i}", tc.name, tc.arguments)
                for i, tc in enumerate(result.tool_calls)
            ]
            messages.append(
                {
                    "role": "assistant",
                    "content": result.text or None,
                    "tool_calls": [
                        {"id": i, "type": "function", "function": {"name": n, "arguments": a}}
                        for i, n, a in wanted
                    ],
                }
            )
            for call_id, name, arguments in wanted:
                if steps >= setup.max_steps:
                    content = "not run: the step budget is used up"
                    note = f"stopped: the step budget ({setup.max_steps} tool calls) ran out"
                    complete = False
                else:
                    steps += 1
                    if on_progress is not None:
                        on_progress(f"step {steps}: {name}", steps, setup.max_steps)
                    args, outcome = box.call(name, arguments)
                    trace.append(
                        {
                            "step": steps,
                            "tool": name,
                            "arguments": args,
                            "result": outcome.result,
                            "ok": outcome.ok,
                        }
                    )
                    content = outcome.result
                messages.append({"role": "tool", "tool_call_id": call_id, "content": content})
            if not complete:
                break
            if tokens_in + tokens_out >= setup.max_tokens:
                note = f"stopped: the token budget ({setup.max_tokens}) ran out"
                complete = False
                break
        files = sandbox.snapshot()
        sent = list(box.messages)
    ctx = GradeContext(
        materials=dict(exercise.materials),
        judge=judge,
        **grade_trust(exercise, trusted),
        extra={"trace": trace, "files": files},
    )
    grade = grade_output(answer, exercise.checks, ctx)
    shown = present_output(exercise, answer, trap_mode, rng, trap_rate)
    stored_trace = [{**entry, "result": _short(entry["result"])} for entry in trace]
    return KindRun(
        kind="agent",
        grade=grade,
        shown=shown,
        real_output=answer,
        details={
            "trace": stored_trace,
            "final_files": {path: _short(text, 20_000) for path, text in files.items()},
            "answer": answer,
            "messages_sent": sent,
            "permissions": plan.permissions.model_dump(),
            "note": note,
        },
        totals=RunTotals(
            calls=calls,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=cost,
            latency_s=latency,
        ),
        complete=complete,
    )
