"""The evals runtime: parsing cases, scoring catches, running over the loopback fake."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, Reply, Slow

from coach.content.loader import load_exercise
from coach.content.models import EvalsExercise
from coach.llm import ModelError, ModelSpec
from coach.runtime.evals import (
    MAX_CASES,
    CaseResult,
    EvalsInputError,
    VariantResults,
    cases_of,
    parse_cases,
    run_evals,
    score_evals,
)
from graders.registry import CheckSpec, grade_output
from graders.result import CheckResult, OutputGrade

REPO = Path(__file__).resolve().parents[2]

REFERENCE = "You are the REFERENCE redactor."
BUG_PHONE = "You are the BUG-PHONE redactor."
BUG_CHATTY = "You are the BUG-CHATTY redactor."

EXERCISE = EvalsExercise.model_validate(
    {
        "id": "t-evals",
        "level": 6,
        "kind": "evals",
        "title": "Catch the bugs",
        "brief": "Write cases.",
        "reference": {"explain": "Because."},
        "target": {
            "system": REFERENCE,
            "variants": [
                {"id": "bug-phone", "description": "Phone numbers leak.", "system": BUG_PHONE},
                {"id": "bug-chatty", "description": "A preamble line.", "system": BUG_CHATTY},
            ],
        },
    }
)

PHONE_CASE = """
[[cases]]
id = "phone"
input = "Call me on +44 7700 900123."
checks = [{ grader = "must_not_contain", values = ["7700"] }]
"""
CHATTY_CASE = """
[[cases]]
id = "no-preamble"
input = "Hello there."
checks = [{ grader = "must_not_contain", values = ["Redacted"] }]
"""
BROKEN_CASE = """
[[cases]]
id = "wants-phone-tag"
input = "Hello there."
checks = [{ grader = "contains", value = "[PHONE]" }]
"""


def script(fake: FakeOpenAI) -> None:
    """Each system answers each input its own way."""
    answers = {
        (REFERENCE, "+44"): "Call me on [PHONE].",
        (BUG_PHONE, "+44"): "Call me on +44 7700 900123.",
        (BUG_CHATTY, "+44"): "Redacted 1 item.\nCall me on [PHONE].",
        (REFERENCE, "Hello"): "Hello there.",
        (BUG_PHONE, "Hello"): "Hello there.",
        (BUG_CHATTY, "Hello"): "Redacted 0 items.\nHello there.",
    }
    for (system, needle), text in answers.items():
        fake.reply_when(system, needle, behaviour=Reply(text=text))


def spec_for(fake: FakeOpenAI) -> ModelSpec:
    return ModelSpec.of("openai/fake-model", api_base=fake.base_url)


async def run(fake: FakeOpenAI, cases: str, **kwargs: object):
    return await run_evals(EXERCISE, cases, spec_for(fake), rng=random.Random(1), **kwargs)


# --- parsing ------------------------------------------------------------------


def problems_of(text: str) -> list[str]:
    with pytest.raises(EvalsInputError) as caught:
        parse_cases(text)
    return caught.value.problems


def test_cases_parse_into_checks() -> None:
    suite = parse_cases(PHONE_CASE + CHATTY_CASE)
    assert suite.ids == ["phone", "no-preamble"]
    check = suite.cases[0].checks[0]
    assert (check.grader, check.options) == ("must_not_contain", {"values": ["7700"]})


def test_an_unknown_grader_is_named_with_its_case_and_check() -> None:
    text = PHONE_CASE + (
        '[[cases]]\nid = "refund-over-limit"\ninput = "x"\n'
        'checks = [{ grader = "contain", value = "y" }]\n'
    )
    [problem] = problems_of(text)
    assert problem.startswith("case 2 (refund-over-limit): checks.0: unknown grader 'contain'")
    assert "did you mean 'contains'" in problem


def test_bad_toml_names_the_line() -> None:
    [problem] = problems_of('[[cases]]\nid = "a"\ninput = "unterminated\n')
    assert "not valid TOML" in problem and "line 3" in problem


def test_no_cases_is_an_error() -> None:
    assert "no cases" in problems_of("# nothing yet\n")[0]


def test_duplicate_ids_are_an_error() -> None:
    assert problems_of(PHONE_CASE + PHONE_CASE) == [
        "case 2 (phone): the id is used by an earlier case"
    ]


def test_a_case_without_checks_is_an_error() -> None:
    [problem] = problems_of('[[cases]]\nid = "bare"\ninput = "hi"\n')
    assert problem.startswith("case 1 (bare): has no checks")


def test_missing_fields_unknown_keys_and_bad_options_are_all_reported() -> None:
    text = (
        "[[cases]]\ninput = 'hi'\nchecks = [{ grader = 'contains' }]\nexpect = 'x'\n"
        "[[cases]]\nid = 'b'\ninput = 'hi'\nchecks = [{ grader = 'rubric', rubric = 'ok' }]\n"
    )
    problems = problems_of(text)
    assert any(p.startswith("case 1: needs an `id`") for p in problems)
    assert any(p.startswith("case 1: unknown key 'expect'") for p in problems)
    assert any("case 1: checks.0:" in p and "'value' is required" in p for p in problems)
    assert any(p.startswith("case 2 (b): checks.0: rubric checks need a judge") for p in problems)


def test_at_most_twenty_cases() -> None:
    many = "".join(
        f"[[cases]]\nid = 'c{i}'\ninput = 'hi'\nchecks = [{{ grader = 'contains', value = 'h' }}]\n"
        for i in range(MAX_CASES + 1)
    )
    assert problems_of(many) == [f"too many cases: {MAX_CASES + 1}, at most {MAX_CASES}"]


def test_every_evals_exercise_reference_solution_parses() -> None:
    paths = sorted((REPO / "exercises").rglob("*-evals.toml"))
    assert len(paths) >= 3
    for path in paths:
        exercise, problems = load_exercise(path, path.name)
        assert not problems and isinstance(exercise, EvalsExercise), path
        assert cases_of(exercise).cases, path


# --- scoring without a model --------------------------------------------------


def result(case: str, output: str, checks: list[CheckSpec]) -> CaseResult:
    return CaseResult(case=case, output=output, grade=grade_output(output, checks))


NO_7700 = [CheckSpec.from_dict({"grader": "must_not_contain", "values": ["7700"]})]


def test_score_evals_counts_variants_caught() -> None:
    reference = [result("phone", "[PHONE]", NO_7700)]
    variants = [
        VariantResults(id="a", description="A", results=[result("phone", "7700", NO_7700)]),
        VariantResults(id="b", description="B", results=[result("phone", "[PHONE]", NO_7700)]),
    ]
    scored = score_evals(reference, variants)
    assert scored.score == 0.5
    assert scored.caught_by == {"a": ["phone"], "b": []}
    assert [c.passed for c in scored.grade.checks] == [True, True, False]


def test_an_all_unscored_variant_output_catches_nothing() -> None:
    unscored = OutputGrade(
        checks=[CheckResult(grader="contains", passed=False, score=0, reason="?", unscored=True)]
    )
    reference = [result("phone", "[PHONE]", NO_7700)]
    variants = [
        VariantResults(
            id="a", description="A", results=[CaseResult(case="phone", output="", grade=unscored)]
        )
    ]
    assert score_evals(reference, variants).score == 0.0


# --- running over the loopback fake -------------------------------------------


async def test_a_suite_that_catches_every_variant_scores_one(fake: FakeOpenAI) -> None:
    script(fake)
    kind_run = await run(fake, PHONE_CASE + CHATTY_CASE)
    assert kind_run.kind == "evals"
    assert kind_run.grade.score == 1.0 and kind_run.grade.passed
    first, *variants = kind_run.grade.checks
    assert (first.label, first.passed) == ("reference passes every case", True)
    assert [c.grader for c in variants] == ["evals_variant", "evals_variant"]
    assert "caught by case phone" in variants[0].reason
    assert "caught by case no-preamble" in variants[1].reason
    assert kind_run.details["variants"][0]["caught_by"] == ["phone"]
    assert kind_run.details["reference"][0]["output"] == "Call me on [PHONE]."
    assert kind_run.shown.text == kind_run.real_output and not kind_run.shown.planted
    assert "Caught 2 of 2 bugs" in kind_run.shown.text
    assert kind_run.totals.calls == 6


async def test_a_suite_that_misses_a_variant_names_it(fake: FakeOpenAI) -> None:
    script(fake)
    kind_run = await run(fake, PHONE_CASE)
    assert kind_run.grade.score == 0.5 and not kind_run.grade.passed
    [missed] = kind_run.grade.failed
    assert (missed.label, missed.reason) == ("A preamble line.", "no case failed on this bug")
    assert "- bug-chatty: missed" in kind_run.shown.text


async def test_a_case_failing_on_the_reference_zeroes_the_score(fake: FakeOpenAI) -> None:
    script(fake)
    kind_run = await run(fake, PHONE_CASE + CHATTY_CASE + BROKEN_CASE)
    assert kind_run.grade.score == 0.0
    gate, *variants = kind_run.grade.checks
    assert not gate.passed and "case wants-phone-tag" in gate.reason
    assert all(not c.passed for c in variants)
    assert {c.reason for c in variants} == {
        "the reference fails case wants-phone-tag, so no catch counts"
    }
    assert kind_run.details["reference"][2]["passed"] is False


async def test_identical_calls_are_made_once(fake: FakeOpenAI) -> None:
    script(fake)
    twin = CHATTY_CASE.replace('id = "no-preamble"', 'id = "no-preamble-again"')
    kind_run = await run(fake, PHONE_CASE + CHATTY_CASE + twin)
    assert len(fake.chat_requests) == 6  # 3 systems x 2 distinct inputs, not x 3 cases
    assert kind_run.totals.calls == 6
    assert kind_run.details["variants"][1]["caught_by"] == ["no-preamble", "no-preamble-again"]


async def test_the_system_prompt_and_input_reach_the_model(fake: FakeOpenAI) -> None:
    script(fake)
    await run(fake, PHONE_CASE)
    sent = sorted(
        (r.body["messages"][0]["content"], r.body["messages"][1]["content"])
        for r in fake.chat_requests
    )
    phone = "Call me on +44 7700 900123."
    assert sent == sorted([(REFERENCE, phone), (BUG_PHONE, phone), (BUG_CHATTY, phone)])
    assert {r.body["messages"][0]["role"] for r in fake.chat_requests} == {"system"}
    assert {r.body["messages"][1]["role"] for r in fake.chat_requests} == {"user"}


async def test_progress_names_each_system_and_case(fake: FakeOpenAI) -> None:
    script(fake)
    seen: list[tuple[str, int, int]] = []
    await run(
        fake, PHONE_CASE, on_progress=lambda what, done, total: seen.append((what, done, total))
    )
    assert sorted(what for what, _, _ in seen) == [
        "bug-chatty: case phone",
        "bug-phone: case phone",
        "reference: case phone",
    ]
    assert [done for _, done, _ in seen] == [1, 2, 3]
    assert {total for _, _, total in seen} == {3}


async def test_a_model_error_aborts_the_run(fake: FakeOpenAI) -> None:
    spec = ModelSpec.of("openai/fake-401", api_base=fake.base_url)
    with pytest.raises(ModelError) as caught:
        await run_evals(EXERCISE, PHONE_CASE, spec, rng=random.Random(1))
    assert caught.value.message


async def test_bad_cases_fail_before_any_model_call(fake: FakeOpenAI) -> None:
    with pytest.raises(EvalsInputError):
        await run(fake, "[[cases]]\nid = 'x'\n")
    assert fake.chat_requests == []


async def test_cancelling_the_run_cancels_its_calls(fake: FakeOpenAI) -> None:
    fake.reply_when("+44", behaviour=Slow(3.0))
    task = asyncio.ensure_future(run(fake, PHONE_CASE))
    for _ in range(500):
        if fake.chat_requests:
            break
        await asyncio.sleep(0.01)
    assert fake.chat_requests
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
