"""The agent loop asks for tools the way llama.cpp's server needs: required first, then auto."""

from __future__ import annotations

import json
import random

from fake_openai import FakeOpenAI, Reply, ToolCalls

from coach.content import load_catalog
from coach.llm import ModelSpec
from coach.runtime.agent import run_agent

PLAN = (
    'instructions = """Total the open invoices."""\n'
    '[permissions]\ntools = ["list_files", "read_file", "calculator"]\napproval = "never"\n'
)


def exercise(exercise_id: str):
    catalog = load_catalog().exercises
    return next(item.exercise for item in catalog if item.exercise.id == exercise_id)


async def test_first_turn_requires_a_tool_when_the_exercise_checks_one_is_called(
    fake: FakeOpenAI,
) -> None:
    agent = exercise("l5-supplier-payables-agent")
    assert any(check.grader == "tool_called" for check in agent.checks)
    fake.queue(ToolCalls(name="list_files", arguments={}, call_id="c1"), Reply("Done."))
    spec = ModelSpec.of("openai/fake-agent", api_base=fake.base_url)
    await run_agent(agent, PLAN, spec, rng=random.Random(1))
    sent = [(r.body["tool_choice"], bool(r.body.get("tools"))) for r in fake.chat_requests]
    assert sent == [("required", True), ("auto", True)]
    assert json.dumps(fake.chat_requests[0].body["tools"])  # the schemas went with it
