"""The instructions runtime over real HTTP to the loopback fake provider."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from fake_openai import FakeOpenAI, Reply, Slow, Status

from coach import llm
from coach.content import load_catalog
from coach.content.models import InstructionsExercise
from coach.runtime.instructions import run_instructions

EXERCISE_ID = "l3-hr-helpdesk-instructions"
INSTRUCTIONS = "You are the HR help-desk bot. Answer only from the passages, cite [Pn]."


@pytest.fixture(scope="module")
def exercise() -> InstructionsExercise:
    found = load_catalog().exercise(EXERCISE_ID)
    assert isinstance(found, InstructionsExercise)
    return found


def spec(fake: FakeOpenAI) -> llm.ModelSpec:
    return llm.ModelSpec.of("openai/fake-model", api_base=fake.base_url)


def answer_each(fake: FakeOpenAI, exercise: InstructionsExercise, outputs: dict[str, str]) -> None:
    """Reply by content: each input's text picks its scripted output (order-free)."""
    for item in exercise.inputs:
        needle = item.text.splitlines()[-1]  # the question line is unique per input
        fake.reply_when(needle, behaviour=Reply(text=outputs[item.id]))


def messages_by_input(fake: FakeOpenAI, exercise: InstructionsExercise) -> dict[str, list[Any]]:
    found = {}
    for request in fake.chat_requests:
        messages = request.body["messages"]  # type: ignore[index]
        for item in exercise.inputs:
            if messages[-1]["content"] == item.text:
                found[item.id] = messages
    return found


async def test_reference_outputs_pass_every_input(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    answer_each(fake, exercise, exercise.reference.good_outputs)
    seen: list[tuple[str, int, int]] = []
    run = await run_instructions(
        exercise,
        INSTRUCTIONS,
        spec(fake),
        rng=random.Random(1),
        on_progress=lambda label, done, total: seen.append((label, done, total)),
        concurrency=3,
    )
    assert run.kind == "instructions"
    assert run.grade.passed is True
    assert run.grade.score == 1.0
    assert [c.label for c in run.grade.checks] == [f"input {i.id}" for i in exercise.inputs]
    assert {c.grader for c in run.grade.checks} == {"instructions_input"}
    assert [e["id"] for e in run.details["inputs"]] == [i.id for i in exercise.inputs]
    assert all(e["passed"] and e["checks"] for e in run.details["inputs"])
    assert run.totals.calls == len(exercise.inputs)
    n = len(exercise.inputs)
    assert {label for label, _, _ in seen} == {f"input {i} of {n}" for i in range(1, n + 1)}
    assert seen[-1][1:] == (n, n)
    assert run.shown.text in exercise.reference.good_outputs.values()
    assert not run.shown.planted
    shown_id = run.details["shown"]["input"]
    assert run.shown.text == exercise.reference.good_outputs[shown_id]


async def test_instructions_are_the_system_message_and_each_input_the_user_message(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    answer_each(fake, exercise, exercise.reference.good_outputs)
    await run_instructions(exercise, INSTRUCTIONS, spec(fake), rng=random.Random(2))
    sent = messages_by_input(fake, exercise)
    assert set(sent) == {item.id for item in exercise.inputs}
    for messages in sent.values():
        assert [m["role"] for m in messages] == ["system", "user"]
        assert messages[0]["content"] == INSTRUCTIONS


async def test_failing_input_is_named_and_pass_rate_decides(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    outputs = dict(exercise.reference.good_outputs)
    outputs["sabbatical"] = exercise.reference.bad_outputs["sabbatical"]
    answer_each(fake, exercise, outputs)
    run = await run_instructions(exercise, INSTRUCTIONS, spec(fake), rng=random.Random(3))
    assert run.grade.score == pytest.approx(3 / 4)
    assert run.grade.passed is False  # the exercise needs every input (pass_rate 1.0)
    (failed,) = run.grade.failed
    assert failed.label == "input sabbatical"
    assert "exactly NOT IN SOURCES" in failed.reason
    entry = next(e for e in run.details["inputs"] if e["id"] == "sabbatical")
    assert entry["passed"] is False
    assert entry["output"] == outputs["sabbatical"]

    fake.requests.clear()
    lenient = exercise.model_copy(update={"pass_rate": 0.75})
    rerun = await run_instructions(lenient, INSTRUCTIONS, spec(fake), rng=random.Random(3))
    assert rerun.grade.score == pytest.approx(3 / 4)
    assert rerun.grade.passed is True


async def test_a_trap_is_planted_on_the_judged_output(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    answer_each(fake, exercise, exercise.reference.good_outputs)
    run = await run_instructions(
        exercise, INSTRUCTIONS, spec(fake), rng=random.Random(4), trap_mode="always"
    )
    shown_id = run.details["shown"]["input"]
    real = next(e["output"] for e in run.details["inputs"] if e["id"] == shown_id)
    if run.shown.planted:
        assert run.shown.text != real
        assert run.details["shown"]["planted"] is True
    else:  # no trap applies to this output (NOT IN SOURCES has no number or citation)
        assert shown_id == "sabbatical" and run.shown.text == real
    assert run.grade.passed is True  # the grade always uses the real outputs
    judged = run.judged_grade
    assert judged is not None and judged.passed


async def test_trap_shown_on_an_output_with_a_number(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    only_numbers = exercise.model_copy(update={"inputs": exercise.inputs[2:4]})
    answer_each(fake, only_numbers, exercise.reference.good_outputs)
    run = await run_instructions(
        only_numbers, INSTRUCTIONS, spec(fake), rng=random.Random(5), trap_mode="always"
    )
    assert run.shown.planted
    assert run.shown.mutation is not None
    assert run.shown.text == run.shown.mutation.output


async def test_a_model_error_fails_only_its_input(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    fake.reply_when(
        "three-month unpaid sabbatical",
        behaviour=Status(400, "This request is not allowed.", "invalid_request_error"),
    )
    answer_each(fake, exercise, exercise.reference.good_outputs)
    run = await run_instructions(exercise, INSTRUCTIONS, spec(fake), rng=random.Random(6))
    entry = next(e for e in run.details["inputs"] if e["id"] == "sabbatical")
    assert entry["passed"] is False and entry["output"] is None
    assert entry["error"]
    (failed,) = run.grade.failed
    assert failed.label == "input sabbatical"
    assert failed.reason.startswith("the model call failed")
    assert run.grade.score == pytest.approx(3 / 4)
    assert run.details["shown"]["input"] != "sabbatical"  # no output to judge there


async def test_auth_failure_aborts_the_run(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    fake.reply_when(
        "[P1]",
        behaviour=Status(401, "Incorrect API key.", "invalid_request_error", "invalid_api_key"),
    )
    with pytest.raises(llm.AuthFailed):
        await run_instructions(
            exercise, INSTRUCTIONS, spec(fake), rng=random.Random(7), concurrency=1
        )
    assert len(fake.chat_requests) == 1  # the rest were never sent


async def test_cancelling_cancels_pending_calls(
    fake: FakeOpenAI, exercise: InstructionsExercise
) -> None:
    fake.reply_when("[P1]", behaviour=Slow(5.0))
    task = asyncio.create_task(
        run_instructions(exercise, INSTRUCTIONS, spec(fake), rng=random.Random(8), concurrency=2)
    )
    for _ in range(200):  # until both first calls reach the server
        await asyncio.sleep(0.02)
        if len(fake.chat_requests) >= 2:
            break
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.1)
    assert len(fake.chat_requests) == 2  # the other inputs were never started
