"""The coach model's critique, over real HTTP to the loopback fake provider."""

from __future__ import annotations

from typing import Any

import pytest
from fake_openai import FakeOpenAI, Reply, Status
from graded import graded_outcome

from coach import llm
from coach.coaching.critique import (
    SUGGESTION_CHARS,
    Critique,
    attempt_summary,
    coach_model_spec,
    critique,
    parse_suggestions,
)
from coach.config import Config, ModelEntry
from coach.content import all_sources, load_catalog
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from graders.judgment import Judgment
from graders.traps import Mutation

RENEWAL = "l1-renewal-dates-to-json"
PROMPT = "Find the dates in this email and list them."
COACH_REPLY = """\
1. Say that 01/03/2026 is day/month, as the sender is in the UK.
2. Ask for only a JSON array of YYYY-MM-DD strings, with nothing around it.
3. Before calling the output acceptable, count the dates against the email."""


@pytest.fixture(scope="module")
def exercise() -> Any:
    catalog = load_catalog(all_sources([]))
    found = catalog.exercise(RENEWAL)
    assert found is not None
    return found


def graded(exercise: Any, output: str, *, shown: Shown | None = None) -> AttemptOutcome:
    """A real graded attempt: the learner's prompt, the output, and an 'acceptable' call."""
    return graded_outcome(
        exercise,
        output,
        PROMPT,
        shown=shown,
        judgment=Judgment(verdict="ok", confidence=0.8),
        model="openai/fake-model",
    )


def on_fake(fake: FakeOpenAI, model: str = "fake-coach") -> llm.ModelSpec:
    return llm.ModelSpec.of(f"openai/{model}", api_base=fake.base_url, name="coachy")


async def test_the_coach_sees_the_task_prompt_output_checks_and_judgment(
    fake: FakeOpenAI, exercise: Any
) -> None:
    outcome = graded(exercise, exercise.reference.bad_output)
    failed = outcome.output_grade.failed
    assert [check.name for check in failed] == ["exactly the six dates in the body"]
    fake.queue(Reply(text=COACH_REPLY))

    result = await critique(on_fake(fake), exercise, outcome, spend=llm.SpendTracker(1.0))

    assert result.suggestions[0].startswith("Say that 01/03/2026 is day/month")
    assert len(result.suggestions) == 3 and result.complete
    assert result.source == "model" and result.model == "coachy"
    (request,) = fake.chat_requests
    system, user = request.body["messages"]
    assert system["role"] == "system"
    assert "exactly 3 suggestions" in system["content"]
    assert "Ground every suggestion ONLY in what you are given" in system["content"]
    content = user["content"]
    assert PROMPT in content
    assert exercise.brief.strip()[:60] in content
    assert exercise.reference.bad_output in content
    assert f"FAIL exactly the six dates in the body: {failed[0].reason}" in content
    assert "PASS a bare JSON list of ISO dates" in content
    assert "called the output acceptable (80% sure)" in content
    assert "Result: not right." in content
    assert "The output shown was wrong (known from the checks)" in content
    assert "PLANTED FLAW" not in content
    assert request.body["max_tokens"] > 0 and not request.body.get("stream")


async def test_a_planted_flaw_is_disclosed_to_the_coach(fake: FakeOpenAI, exercise: Any) -> None:
    good = exercise.reference.good_output
    mutation = Mutation(
        name="drop_item",
        output=good.replace('"2026-04-14", ', ""),
        description="removed 2026-04-14 from the list",
        note="One of the six dates was removed from the list.",
    )
    outcome = graded(exercise, good, shown=Shown(text=mutation.output, mutation=mutation))
    fake.queue(Reply(text=COACH_REPLY))
    await critique(on_fake(fake), exercise, outcome)
    content = fake.chat_requests[0].body["messages"][1]["content"]
    assert "PLANTED FLAW" in content
    assert "removed 2026-04-14 from the list" in content
    assert "One of the six dates was removed" in content
    assert "was wrong (known from the planted flaw): removed 2026-04-14" in content
    assert mutation.output in content  # the output the learner actually saw


def test_a_long_output_is_shortened_with_head_and_tail(exercise: Any) -> None:
    long_output = "START " + "x" * 10_000 + " END"
    outcome = graded(exercise, long_output)
    text = attempt_summary(exercise, outcome, PROMPT)
    assert "START" in text and "END" in text
    assert "characters not shown" in text
    assert len(text) < 6_000


def test_per_input_results_of_a_multi_step_kind_are_listed(exercise: Any) -> None:
    outcome = graded(exercise, exercise.reference.good_output).model_copy(
        update={
            "details": {
                "inputs": [
                    {"id": "short-email", "passed": True, "checks": []},
                    {
                        "id": "long-thread",
                        "passed": False,
                        "checks": [
                            {
                                "grader": "contains",
                                "label": "names the owner",
                                "passed": False,
                                "score": 0.0,
                                "reason": "'Priya' is not in the output",
                            },
                        ],
                    },
                    {"id": "broken", "passed": False, "error": "the model call failed: timeout"},
                ]
            }
        }
    )
    text = attempt_summary(exercise, outcome, PROMPT)
    assert "Input short-email: passed" in text
    assert "Input long-thread: failed\n- FAIL names the owner: 'Priya' is not in the output" in text
    assert "- ERROR the model call failed: timeout" in text


@pytest.mark.parametrize(
    "reply",
    [
        COACH_REPLY,
        "Here are my suggestions:\n\n" + COACH_REPLY + "\n\nGood luck with the next one!",
        COACH_REPLY.replace("1. ", "- ").replace("2. ", "* ").replace("3. ", "• "),
        COACH_REPLY.replace("1. ", "1) ").replace("2. ", "2) ").replace("3. ", "3) "),
        '{"suggestions": ["Say that 01/03/2026 is day/month, as the sender is in the UK.", '
        '"Ask for only a JSON array.", "Count the dates."]}',
        '```json\n["Say that 01/03/2026 is day/month, as the sender is in the UK.", '
        '"Ask for only a JSON array.", "Count the dates."]\n```',
        "1. **Say that 01/03/2026 is day/month,**\n   as the sender is in the UK.\n"
        "2. Ask for only a JSON array.\n3. Count the dates.\n4. A fourth is dropped.",
    ],
    ids=["numbered", "preamble", "bullets", "parens", "json-object", "fenced-json", "wrapped"],
)
def test_replies_in_any_usual_shape_give_three_suggestions(reply: str) -> None:
    suggestions = parse_suggestions(reply)
    assert len(suggestions) == 3
    assert suggestions[0] == "Say that 01/03/2026 is day/month, as the sender is in the UK."


def test_suggestions_are_plain_text_and_short() -> None:
    hostile = "1. [bold]Keep[/] \x1b[31mred\x1b[0m \x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\ text."
    long = "2. " + "word " * 200
    (first, second) = parse_suggestions(f"{hostile}\n{long}")
    assert first == "[bold]Keep[/] red link text."
    assert len(second) <= SUGGESTION_CHARS and second.endswith("…")


async def test_fewer_than_three_is_marked_and_none_is_an_error(
    fake: FakeOpenAI, exercise: Any
) -> None:
    outcome = graded(exercise, exercise.reference.bad_output)
    fake.queue(Reply(text="1. Name the date convention.\n2. Ask for JSON only."), Reply(text="  "))
    two = await critique(on_fake(fake), exercise, outcome)
    assert two.suggestions == ["Name the date convention.", "Ask for JSON only."]
    assert not two.complete
    with pytest.raises(llm.BadResponse) as caught:
        await critique(on_fake(fake), exercise, outcome)
    assert "no suggestions" in caught.value.message
    assert "coach model in Settings" in caught.value.fix


async def test_cost_and_tokens_are_reported(fake: FakeOpenAI, exercise: Any) -> None:
    outcome = graded(exercise, exercise.reference.bad_output)
    fake.queue(Reply(text=COACH_REPLY, prompt_tokens=2000, completion_tokens=1000))
    priced = llm.ModelSpec.of("openai/gpt-4o-mini", api_base=fake.base_url)
    result = await critique(priced, exercise, outcome)
    assert (result.tokens_in, result.tokens_out) == (2000, 1000)
    # A server on this machine (loopback) costs nothing, whatever the model's list price.
    assert result.cost_usd == 0.0
    assert result.cost_line() == "cost $0 · 3000 tokens"

    fake.queue(Reply(text=COACH_REPLY))
    unlisted = await critique(on_fake(fake), exercise, outcome)
    assert unlisted.cost_usd == 0.0  # also on this machine: free, not "unknown"
    assert unlisted.cost_line() == "cost $0 · 19 tokens"


def test_cost_line_without_usage_and_for_a_free_model() -> None:
    result = Critique(model="m", suggestions=["a"], complete=False)
    assert result.cost_line() == "cost unknown"
    free = result.model_copy(update={"cost_usd": 0.0, "tokens_in": 30, "tokens_out": 12})
    assert free.cost_line() == "cost $0 · 42 tokens"


async def test_a_refused_key_is_a_clear_error(fake: FakeOpenAI, exercise: Any) -> None:
    outcome = graded(exercise, exercise.reference.bad_output)
    with pytest.raises(llm.AuthFailed) as caught:
        await critique(on_fake(fake, "fake-401"), exercise, outcome)
    assert caught.value.message and caught.value.fix
    assert len(fake.chat_requests) == 1  # an auth failure is not retried


async def test_a_server_error_is_retried_then_reported(fake: FakeOpenAI, exercise: Any) -> None:
    outcome = graded(exercise, exercise.reference.bad_output)
    fake.queue(Status(500), Reply(text=COACH_REPLY))
    result = await critique(on_fake(fake), exercise, outcome)
    assert len(result.suggestions) == 3
    assert len(fake.chat_requests) == 2


async def test_the_spend_cap_stops_a_paid_coach_before_any_call(exercise: Any) -> None:
    outcome = graded(exercise, exercise.reference.bad_output)
    hosted = llm.ModelSpec.of("openai/gpt-4o")  # not on this machine: subject to the cap
    with pytest.raises(llm.SpendCapReached) as caught:
        await critique(hosted, exercise, outcome, spend=llm.SpendTracker(0.0))
    assert "spend_cap_usd" in caught.value.fix


def test_the_coach_model_is_off_unless_configured() -> None:
    assert Config().coach_model is None
    assert coach_model_spec(Config()) is None  # never the local model by default
    config = Config(
        coach_model="critic",
        models=[ModelEntry(name="critic", model="openai/gpt-4o", api_base="http://127.0.0.1:9/v1")],
    )
    spec = coach_model_spec(config)
    assert spec is not None
    assert (spec.name, spec.model, spec.api_base) == (
        "critic",
        "openai/gpt-4o",
        "http://127.0.0.1:9/v1",
    )
    assert coach_model_spec(Config(coach_model="anthropic/claude-3-5-haiku-latest")) is not None
