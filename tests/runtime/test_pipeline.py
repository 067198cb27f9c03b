"""Pipeline steps: templates, parsing, and runs over real HTTP to the loopback fake."""

from __future__ import annotations

import random

import pytest
from fake_openai import FakeOpenAI, Reply, Status

from coach import llm
from coach.content import load_catalog
from coach.content.models import PipelineExercise
from coach.runtime.pipeline import PipelineError, parse_steps, run_pipeline
from coach.runtime.templates import check_template, placeholders, render

EXERCISE_ID = "l4-refund-amount-pipeline"

TWO_STEPS = """
[[steps]]
name = "extract"
template = "EXTRACT the facts as JSON: {input}"

[[steps]]
name = "amount"
template = "AMOUNT from these facts: {extract}"
"""

WITH_CHECK = """
[[steps]]
name = "extract"
template = "EXTRACT the facts as JSON: {input}"

[[steps]]
name = "check"
template = "CHECK these facts, answer VALID or INVALID: reason. {extract}"
validate = true

[[steps]]
name = "amount"
template = "AMOUNT from these facts: {previous}"
"""


@pytest.fixture(scope="module")
def exercise() -> PipelineExercise:
    found = load_catalog().exercise(EXERCISE_ID)
    assert isinstance(found, PipelineExercise)
    return found


def spec(fake: FakeOpenAI) -> llm.ModelSpec:
    return llm.ModelSpec.of("openai/fake-model", api_base=fake.base_url)


def facts(input_id: str) -> str:
    return f'{{"facts_for": "{input_id}"}}'


def script(fake: FakeOpenAI, exercise: PipelineExercise, finals: dict[str, str]) -> None:
    """Extract answers with a per-input marker; the amount step answers by that marker."""
    for item in exercise.inputs:
        marker = facts(item.id)
        fake.reply_when("AMOUNT", marker, behaviour=Reply(text=finals[item.id]))
        fake.reply_when("CHECK", marker, behaviour=Reply(text="VALID"))
        fake.reply_when("EXTRACT", item.text, behaviour=Reply(text=marker))


# --- templates ----------------------------------------------------------------


def test_render_substitutes_known_names_only() -> None:
    template = 'Facts: {input}. Example: {"a": 1}. Unknown {other} stays.'
    assert render(template, {"input": "X"}) == 'Facts: X. Example: {"a": 1}. Unknown {other} stays.'
    assert placeholders(template) == ["input", "other"]


def test_literal_json_braces_are_kept() -> None:
    template = 'Return {"lead": {"size": 1}} for {input}'
    assert render(template, {"input": "this"}) == 'Return {"lead": {"size": 1}} for this'


def test_double_braces_render_as_single_braces() -> None:
    template = 'Write {{"label": "x"}} for {input}, not {{input}}'
    assert render(template, {"input": "IN"}) == 'Write {"label": "x"} for IN, not {input}'
    assert placeholders(template) == ["input"]


def test_no_code_attribute_or_format_spec() -> None:
    template = "{input.upper} {input:>10} {input!r} {input[0]}"
    assert render(template, {"input": "x"}) == template
    assert placeholders(template) == []


def test_values_are_not_rescanned() -> None:
    assert render("{a} {b}", {"a": "{b}", "b": "B"}) == "{b} B"


def test_check_template_names_the_unknown_placeholder() -> None:
    (problem,) = check_template("use {extracts}", ["input", "extract"])
    assert problem == (
        "template refers to {extracts}, which is not the input or an earlier step "
        "— known: input, extract"
    )


# --- parsing ------------------------------------------------------------------


def test_parse_steps_reads_names_templates_and_validation() -> None:
    steps = parse_steps(WITH_CHECK)
    assert [s.name for s in steps] == ["extract", "check", "amount"]
    assert [s.validate_output for s in steps] == [False, True, False]


def test_unknown_placeholder_names_the_step() -> None:
    text = TWO_STEPS.replace("{extract}", "{extracts}")
    with pytest.raises(PipelineError) as caught:
        parse_steps(text)
    assert caught.value.problems == [
        "step 2 (amount): template refers to {extracts}, which is not the input or an "
        "earlier step — known: input, previous, extract"
    ]


def test_a_later_step_is_not_known_earlier() -> None:
    text = TWO_STEPS.replace("{input}", "{amount}")
    with pytest.raises(PipelineError, match=r"step 1 \(extract\).*\{amount\}"):
        parse_steps(text)


def test_materials_are_known_names() -> None:
    steps = parse_steps('[[steps]]\nname = "a"\ntemplate = "{policy} {input}"', {"policy": "P"})
    assert steps[0].name == "a"


def test_duplicate_step_names() -> None:
    text = TWO_STEPS.replace('name = "amount"', 'name = "extract"')
    with pytest.raises(
        PipelineError, match=r"step 2 \(extract\): the name is already used by step 1"
    ):
        parse_steps(text)


def test_reserved_names() -> None:
    with pytest.raises(PipelineError, match="reserved"):
        parse_steps('[[steps]]\nname = "input"\ntemplate = "x"')


def test_empty_steps() -> None:
    for text in ("", "steps = []"):
        with pytest.raises(PipelineError, match="no steps"):
            parse_steps(text)


def test_bad_toml_gives_the_line() -> None:
    with pytest.raises(PipelineError, match=r"not valid TOML.*line 3"):
        parse_steps('[[steps]]\nname = "a"\ntemplate = "unterminated\n')


def test_missing_and_unknown_fields() -> None:
    with pytest.raises(PipelineError) as caught:
        parse_steps('[[steps]]\nname = "a"\ntempalte = "x"')
    assert "step 1: `template` is missing" in caught.value.problems
    assert any("unknown key `tempalte`" in p for p in caught.value.problems)


def test_bad_step_name() -> None:
    with pytest.raises(PipelineError, match="step 1: the name must be lower-case"):
        parse_steps('[[steps]]\nname = "Route It"\ntemplate = "x"')


def test_only_validation_steps() -> None:
    with pytest.raises(PipelineError, match="every step is a validation step"):
        parse_steps('[[steps]]\nname = "a"\ntemplate = "{input}"\nvalidate = true')


def test_reference_steps_of_the_new_exercise_are_valid(exercise: PipelineExercise) -> None:
    known = ["input", "previous", *exercise.materials]
    for step in exercise.reference_steps:
        assert check_template(step.template, known) == []
        known.append(step.name)


# --- runs ---------------------------------------------------------------------


async def test_outputs_chain_and_finals_are_graded(
    fake: FakeOpenAI, exercise: PipelineExercise
) -> None:
    script(fake, exercise, exercise.reference.good_outputs)
    seen: list[tuple[str, int, int]] = []
    run = await run_pipeline(
        exercise,
        TWO_STEPS,
        spec(fake),
        rng=random.Random(1),
        on_progress=lambda label, done, total: seen.append((label, done, total)),
    )
    assert run.kind == "pipeline"
    assert run.grade.passed is True and run.grade.score == 1.0
    assert [c.label for c in run.grade.checks] == [f"input {i.id}" for i in exercise.inputs]
    assert run.totals.calls == 2 * len(exercise.inputs)
    for item in exercise.inputs:
        entry = next(e for e in run.details["inputs"] if e["id"] == item.id)
        assert entry["steps"] == [
            {"name": "extract", "output": facts(item.id)},
            {"name": "amount", "output": exercise.reference.good_outputs[item.id]},
        ]
        assert entry["final"] == exercise.reference.good_outputs[item.id]
        assert entry["passed"] and entry["stopped_at"] is None and entry["error"] is None
    # the second step's request carries the first step's output, rendered in
    prompts = [r.body["messages"][-1]["content"] for r in fake.chat_requests]  # type: ignore[index]
    for item in exercise.inputs:
        assert f"AMOUNT from these facts: {facts(item.id)}" in prompts
        assert f"EXTRACT the facts as JSON: {item.text}" in prompts
    total = 2 * len(exercise.inputs)
    labels = {label for label, _, _ in seen}
    assert labels == {
        f"input {i.id}: step {s}" for i in exercise.inputs for s in ("extract", "amount")
    }
    assert {t for _, _, t in seen} == {total}
    assert max(done for _, done, _ in seen) == total
    assert run.shown.text == run.details["inputs"][run.details["shown"]["index"]]["final"]


async def test_wrong_finals_fail_their_inputs(fake: FakeOpenAI, exercise: PipelineExercise) -> None:
    finals = dict(exercise.reference.good_outputs)
    finals["lamp-de"] = exercise.reference.bad_outputs["lamp-de"]
    finals["late-jacket"] = exercise.reference.bad_outputs["late-jacket"]
    script(fake, exercise, finals)
    run = await run_pipeline(exercise, TWO_STEPS, spec(fake), rng=random.Random(2))
    assert run.grade.score == pytest.approx(0.5)
    assert run.grade.passed is False
    assert {c.label for c in run.grade.failed} == {"input lamp-de", "input late-jacket"}


async def test_a_validation_step_stops_an_input(
    fake: FakeOpenAI, exercise: PipelineExercise
) -> None:
    fake.reply_when("CHECK", facts("old-blender"), behaviour=Reply(text="INVALID: no return date"))
    script(fake, exercise, exercise.reference.good_outputs)
    run = await run_pipeline(exercise, WITH_CHECK, spec(fake), rng=random.Random(3))
    stopped = next(e for e in run.details["inputs"] if e["id"] == "old-blender")
    assert stopped["stopped_at"] == "check"
    assert stopped["final"] is None and stopped["passed"] is False
    assert "no return date" in stopped["error"]
    assert [s["name"] for s in stopped["steps"]] == ["extract", "check"]
    (failed,) = run.grade.failed
    assert failed.label == "input old-blender"
    assert "no return date" in failed.reason
    others = [e for e in run.details["inputs"] if e["id"] != "old-blender"]
    assert all(e["passed"] and e["steps"][1]["output"] == "VALID" for e in others)
    # {previous} after a validation step is the last real output (the facts)
    prompts = [r.body["messages"][-1]["content"] for r in fake.chat_requests]  # type: ignore[index]
    assert f"AMOUNT from these facts: {facts('lamp-de')}" in prompts
    assert run.totals.calls == 3 * 3 + 2


async def test_a_validation_step_must_answer_valid_or_invalid(
    fake: FakeOpenAI, exercise: PipelineExercise
) -> None:
    fake.reply_when("CHECK", facts("lamp-de"), behaviour=Reply(text="Looks fine to me"))
    script(fake, exercise, exercise.reference.good_outputs)
    run = await run_pipeline(exercise, WITH_CHECK, spec(fake), rng=random.Random(4))
    entry = next(e for e in run.details["inputs"] if e["id"] == "lamp-de")
    assert entry["stopped_at"] == "check"
    assert "not VALID or INVALID" in entry["error"]


async def test_a_model_error_names_the_step_and_the_input(
    fake: FakeOpenAI, exercise: PipelineExercise
) -> None:
    fake.reply_when(
        "AMOUNT",
        facts("damaged-kettle"),
        behaviour=Status(400, "This request is not allowed.", "invalid_request_error"),
    )
    script(fake, exercise, exercise.reference.good_outputs)
    run = await run_pipeline(exercise, TWO_STEPS, spec(fake), rng=random.Random(5))
    entry = next(e for e in run.details["inputs"] if e["id"] == "damaged-kettle")
    assert entry["stopped_at"] == "amount"
    assert entry["error"].startswith("step amount failed on input damaged-kettle: ")
    assert run.grade.score == pytest.approx(0.75)
    assert run.details["shown"]["input"] != "damaged-kettle"


async def test_trap_on_the_judged_final(fake: FakeOpenAI, exercise: PipelineExercise) -> None:
    script(fake, exercise, exercise.reference.good_outputs)
    run = await run_pipeline(
        exercise, TWO_STEPS, spec(fake), rng=random.Random(6), trap_mode="always"
    )
    assert run.shown.planted
    real = run.details["inputs"][run.details["shown"]["index"]]["final"]
    assert run.shown.text != real
    assert run.grade.passed is True


async def test_bad_steps_raise_before_any_call(
    fake: FakeOpenAI, exercise: PipelineExercise
) -> None:
    with pytest.raises(PipelineError):
        await run_pipeline(exercise, "[[steps]]", spec(fake), rng=random.Random(7))
    assert fake.chat_requests == []
