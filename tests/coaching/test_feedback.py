"""Coaching notes: one per mistake, in the learner's terms, from real grading of real outputs."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from fake_openai import FakeOpenAI, Reply
from graded import graded_outcome

from coach import llm
from coach.cli import main
from coach.coaching.feedback import CoachNote, coaching_notes
from coach.content import load_catalog
from coach.content.models import PromptExercise
from coach.runtime.evals import CaseResult, VariantResults, score_evals
from coach.runtime.grading import grade_judgment_of
from coach.runtime.instructions import run_instructions
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.pipeline import run_pipeline
from coach.runtime.present import Shown, present_output, present_review
from coach.runtime.runs import conclude_run
from graders.context import GradeContext
from graders.judgment import Judgment
from graders.names import MUTATIONS
from graders.registry import CheckSpec, grade_output

CATALOG = load_catalog()
RENEWAL = CATALOG.exercise("l1-renewal-dates-to-json")
DATES = RENEWAL.reference.good_output  # type: ignore[union-attr]
NOTES = """Summary of the supplier call on 12 March 2026.
- Alice Smith agreed the price of £1,240 per month.
- Bob Jones said delivery is not included [1].
- The contract runs for 24 months."""


def inline(*checks: dict[str, Any], traps: tuple[str, ...] = ()) -> PromptExercise:
    """A small prompt exercise over NOTES with the given checks and mutation traps."""
    return PromptExercise.model_validate(
        {
            "id": "t-inline",
            "level": 1,
            "kind": "prompt",
            "title": "Inline",
            "brief": "Summarise the call.",
            "materials": {"notes": NOTES},
            "checks": list(checks),
            "judgment": {"traps": [{"mutate": name} for name in traps]},
            "reference": {"good_output": "x", "bad_output": "y", "explain": "Because."},
        }
    )


def graded(
    exercise: Any,
    output: str,
    prompt: str = "Summarise it.",
    *,
    judgment: Judgment | None = None,
    shown: Shown | None = None,
    judge: Any = None,
) -> AttemptOutcome:
    """The real path: an attempt grades the output with the real graders, then the judgment."""
    return graded_outcome(exercise, output, prompt, shown=shown, judgment=judgment, judge=judge)


def notes_of(exercise: Any, output: str, prompt: str = "Summarise it.", **kw: Any) -> list[str]:
    return [note.text for note in coaching_notes(exercise, graded(exercise, output, prompt, **kw))]


def only(exercise: Any, output: str, prompt: str = "Summarise it.", **kw: Any) -> str:
    found = notes_of(exercise, output, prompt, **kw)
    assert len(found) == 1, found
    return found[0]


# --- a passing attempt, and what is never blamed ------------------------------------------


def test_a_passing_output_judged_right_gets_no_notes() -> None:
    ok = Judgment(verdict="ok", confidence=0.9)
    assert notes_of(RENEWAL, DATES, "Return only a JSON list.", judgment=ok) == []


def test_an_unscored_check_gets_no_blame_only_a_not_graded_note() -> None:
    exercise = inline({"grader": "rubric", "rubric": "Is it polite?"})
    outcome = graded(exercise, "Rude words.")  # no judge model: the rubric is unscored
    assert outcome.output_grade is not None and outcome.output_grade.checks[0].unscored
    notes = coaching_notes(exercise, outcome)
    assert [note.topic for note in notes] == ["not graded"]
    assert "partial, not a pass" in notes[0].text
    assert "coach config set judge_model" in notes[0].text


def test_notes_are_frozen_plain_models() -> None:
    note = coaching_notes(RENEWAL, graded(RENEWAL, "Dates:\n" + DATES))[0]
    assert isinstance(note, CoachNote)
    assert note.model_dump() == {"topic": "format", "text": note.text}
    with pytest.raises(ValueError):
        note.text = "changed"  # type: ignore[misc]


# --- JSON form, and what the prompt said ---------------------------------------------------


def test_prose_before_json_and_a_prompt_without_only() -> None:
    text = only(RENEWAL, "Here are the dates:\n" + DATES, "List the dates as JSON.")
    assert "extra text before the JSON" in text
    assert '"Here are the dates:"' in text
    assert "Your prompt did not say 'only the JSON, nothing else'" in text


@pytest.mark.parametrize(
    "prompt",
    [
        "Return only a JSON list of the dates.",
        "Give the dates as a JSON list and nothing else.",
        "Dates as a JSON list, no other text.",
    ],
)
def test_prose_before_json_although_the_prompt_said_only(prompt: str) -> None:
    text = only(RENEWAL, "Here are the dates:\n" + DATES, prompt)
    assert "extra text before the JSON" in text
    assert "asks for only the JSON, yet the model added it" in text
    assert "did not say" not in text


def test_an_only_about_the_materials_is_not_an_only_about_the_output() -> None:
    text = only(RENEWAL, "Here are the dates:\n" + DATES, "Use only the email body. Dates as JSON.")
    assert "did not say 'only the JSON, nothing else'" in text


def test_prose_after_json() -> None:
    text = only(RENEWAL, DATES + "\nLet me know if you need more.", "List the dates as JSON.")
    assert "extra text after the JSON" in text
    assert "did not say 'only the JSON" in text


def test_the_list_check_is_not_blamed_for_a_format_problem() -> None:
    outcome = graded(RENEWAL, "Here are the dates:\n" + DATES)
    assert outcome.output_grade is not None
    assert [c.grader for c in outcome.output_grade.failed] == ["json", "set_equals"]
    assert [note.topic for note in coaching_notes(RENEWAL, outcome)] == ["format"]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Return the dates as a JSON list.", "did not say 'no code fence'"),
        ("Return the dates as a JSON list, no markdown.", "mentions fences, but say it plainly"),
    ],
)
def test_json_in_a_code_fence(prompt: str, expected: str) -> None:
    text = only(RENEWAL, f"```json\n{DATES}\n```", prompt)
    assert "wrapped in a code fence" in text
    assert expected in text


def test_json_of_the_wrong_shape() -> None:
    text = only(RENEWAL, '{"dates": ' + DATES + "}", "JSON please.")
    assert "The JSON had the wrong shape" in text
    assert "a bare JSON list of ISO dates" in text
    assert "should be a list" in text


def test_json_that_does_not_parse() -> None:
    text = only(RENEWAL, DATES.replace('"', "'"), "JSON please.")
    assert text.startswith("The output was not valid JSON")
    assert "no trailing commas" in text


# --- one note per other check type ------------------------------------------------------------


def test_exact() -> None:
    text = only(inline({"grader": "exact", "expected": "YES"}), "Yes, it is.")
    assert 'had to be exactly "YES"; the model wrote "Yes, it is."' in text
    assert "nothing else" in text


def test_contains_missing_and_not_in_the_prompt() -> None:
    exercise = inline({"grader": "contains", "value": "24 months", "label": "the term"})
    text = only(exercise, "Alice agreed £1,240.", "Summarise the call.")
    assert 'never mentioned "24 months" (for "the term")' in text
    assert "Ask for it by name in your prompt" in text


def test_contains_missing_although_the_prompt_names_it() -> None:
    exercise = inline({"grader": "contains", "value": "24 months"})
    text = only(exercise, "Alice agreed £1,240.", "Summarise; mention the 24 months term.")
    assert "Your prompt mentions it, but not as a requirement" in text


def test_contains_all_names_what_was_missing() -> None:
    exercise = inline(
        {"grader": "contains_all", "values": ["Alice Smith", "Bob Jones", "£1,240"], "label": "who"}
    )
    text = only(exercise, "Alice Smith agreed the price.", "Summarise.")
    assert 'left out "Bob Jones" and "£1,240" (for "who")' in text
    assert "does not name them" in text


def test_contains_any() -> None:
    exercise = inline({"grader": "contains_any", "values": ["delivery", "shipping"]})
    text = only(exercise, "Alice agreed the price.")
    assert 'none of "delivery" and "shipping"' in text


def test_must_not_contain_when_the_prompt_did_not_say() -> None:
    exercise = inline({"grader": "must_not_contain", "values": ["£1,240", "internal"]})
    text = only(exercise, "The price is £1,240 a month.", "Summarise the call for the customer.")
    assert 'contained "£1,240", which must not appear' in text
    assert "did not say what to leave out" in text


def test_must_not_contain_although_the_prompt_said_to_leave_it_out() -> None:
    exercise = inline({"grader": "must_not_contain", "values": ["£1,240"]})
    text = only(exercise, "The price is £1,240.", "Summarise. Do not mention £1,240.")
    assert "names it, and the model still used it" in text


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("What is the yearly cost?", "did not ask it to show the calculation"),
        ("Work out the yearly cost and show your working.", "check each step of the calculation"),
    ],
)
def test_number_names_the_models_figure_and_the_right_one(prompt: str, expected: str) -> None:
    exercise = inline({"grader": "number", "expected": 14880, "label": "the yearly cost"})
    text = only(exercise, "The yearly cost is £14,400.", prompt)
    assert 'figure was 14400; the right one is 14880 (for "the yearly cost")' in text
    assert expected in text


def test_number_missing_altogether() -> None:
    text = only(inline({"grader": "number", "expected": 24}), "About two years.")
    assert "gave no figure where one was expected" in text


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Summarise the call.", "did not set a length: give the number"),
        ("Summarise the call in at most 5 words.", "sets a length, but models count loosely"),
        ("Summarise the call in one sentence.", "sets a length, but models count loosely"),
    ],
)
def test_length_over_the_limit(prompt: str, expected: str) -> None:
    exercise = inline({"grader": "length", "max_words": 5})
    text = only(exercise, "Alice Smith agreed the price of £1,240 per month for 24 months.", prompt)
    assert "The output was too long: 12 words, over the limit of 5 by 7." in text
    assert expected in text


def test_length_under_the_minimum() -> None:
    text = only(inline({"grader": "length", "min_words": 10}), "Price agreed.")
    assert "too short" in text and "did not set a length" in text


def test_regex_uses_the_checks_label() -> None:
    exercise = inline({"grader": "regex", "pattern": r"24\s*months", "label": "states the term"})
    text = only(exercise, "Alice agreed.", "Summarise.")
    assert text.startswith('The output missed "states the term"')


def test_regex_without_a_label_names_the_pattern() -> None:
    text = only(inline({"grader": "regex", "pattern": r"^Term:"}), "Alice agreed.")
    assert 'the pattern "^Term:"' in text


def test_a_negated_check_names_what_appeared() -> None:
    exercise = inline(
        {"grader": "regex", "pattern": r"\[\d+\]", "not": True, "label": "no citation markers"}
    )
    text = only(exercise, "Delivery is extra [2].", "Summarise.")
    assert text.startswith('The output broke "no citation markers": found "[2]"')
    assert "what must not appear" in text


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Quote the notes.", "Ask for word-for-word quotes"),
        ("Quote the notes word for word.", "asks for exact quotes: also ask"),
    ],
)
def test_a_quote_not_in_the_materials(prompt: str, expected: str) -> None:
    exercise = inline({"grader": "quotes_exist_in", "material": "notes"})
    text = only(exercise, 'Bob said "delivery is free of charge".', prompt)
    assert "quoted words that are not in the materials" in text
    assert "delivery is free of charge" in text
    assert "invented or reworded quotation" in text
    assert expected in text


def test_too_few_quotes() -> None:
    exercise = inline({"grader": "quotes_exist_in", "material": "notes", "min_quotes": 2})
    text = only(exercise, "Bob said delivery is extra.")
    assert "did not quote the materials enough" in text


def test_label_outside_the_set() -> None:
    exercise = inline({"grader": "label_in", "labels": ["urgent", "normal", "low"]})
    text = only(exercise, "It is fairly urgent I think.")
    assert "not one of the allowed labels: got " in text
    assert "which is not one of: urgent, normal, low" in text


def test_the_wrong_label() -> None:
    exercise = inline({"grader": "label_in", "labels": ["urgent", "normal"], "expected": "urgent"})
    note = coaching_notes(exercise, graded(exercise, "normal"))[0]
    assert note.topic == "wrong answer"
    assert 'got "normal"; expected "urgent"' in note.text


@pytest.mark.parametrize("grader", ["set_equals", "f1"])
def test_a_list_with_missing_and_extra_items(grader: str) -> None:
    exercise = inline({"grader": grader, "expected": ["Alice Smith", "Bob Jones", "Cara Diaz"]})
    text = only(exercise, "- Alice Smith\n- Bob Jonas")
    assert "missing Bob Jones and Cara Diaz; unexpected Bob Jonas" in text
    assert "misread or swapped" in text


def test_a_list_with_only_missing_items() -> None:
    exercise = inline({"grader": "set_equals", "expected": ["Alice Smith", "Bob Jones"]})
    text = only(exercise, "- Alice Smith")
    assert "missing Bob Jones" in text and "line by line and list every item" in text


def test_python_check() -> None:
    code = (
        "def check(output, context):\n"
        "    return {'passed': False, 'score': 0.0, 'reason': 'the total does not add up'}\n"
    )
    exercise = inline({"grader": "python", "code": code, "label": "totals add up"})
    text = only(exercise, "Total: 3")
    assert 'The exercise\'s own check (for "totals add up") failed' in text
    assert "the total does not add up" in text


def test_rubric_is_a_judges_view() -> None:
    exercise = inline({"grader": "rubric", "rubric": "Friendly and under 50 words."})

    def judge(prompt: str) -> str:
        return '{"score": 0.2, "passed": false, "reason": "It sounds curt."}'

    note = coaching_notes(exercise, graded(exercise, "No.", judge=judge))[0]
    assert note.topic == "quality (a judge's view)"
    assert "It sounds curt." in note.text
    assert "a model's view, not a certainty" in note.text


# --- agent checks: a real agent exercise graded on a trace and final files -------------------

AGENT = CATALOG.exercise("l5-q3-travel-expenses-agent")
AGENT_PLAN = 'instructions = """Total the Q3 travel expenses."""'


def agent_outcome(answer: str, trace: list[dict[str, Any]], files: dict[str, str]) -> Any:
    ctx = GradeContext(
        materials=dict(AGENT.materials),  # type: ignore[union-attr]
        extra={"trace": trace, "files": files},
    )
    grade = grade_output(answer, AGENT.checks, ctx)  # type: ignore[union-attr]
    return AttemptOutcome.finished(
        AGENT,
        datetime.now(UTC),
        prompt=AGENT_PLAN,
        real_output=answer,
        shown=Shown(text=answer),
        output_grade=grade,
    )


def step(number: int, tool: str, result: str = "ok", ok: bool = True) -> dict[str, Any]:
    return {"step": number, "tool": tool, "arguments": {}, "result": result, "ok": ok}


def test_agent_notes_name_each_tool_and_file_mistake() -> None:
    trace = [step(1, "write_file"), step(2, "read_file", "1841.60"), step(3, "delete_file")]
    answer = "Q3 travel total: 4783.80 GBP\nJuly 1841.60, August 1069.70, September 1872.50, 99.5"
    notes = coaching_notes(AGENT, agent_outcome(answer, trace, {}))
    texts = {note.text.split(" (for ")[0] for note in notes}
    by_start = "\n".join(sorted(texts))
    assert "The agent called delete_file when it should not have" in by_start
    assert "The agent never used calculator" in by_start
    assert "The agent worked in the wrong order" in by_start
    assert "The files were not left as required" in by_start
    assert any("numbers no tool gave it" in n.text and '"99.5"' in n.text for n in notes)
    order = next(n for n in notes if "wrong order" in n.text)
    assert "read_file first, then write_file" in order.text
    assert {note.topic for note in notes} == {"tools", "files", "numbers"}
    assert all("your agent's instructions" in n.text for n in notes if n.topic != "numbers")


# --- multi-step kinds: per-input results, counted -------------------------------------------


async def test_instructions_notes_count_the_hidden_inputs_that_failed(fake: FakeOpenAI) -> None:
    exercise = CATALOG.exercise("l4-invoice-capture-instructions")
    assert exercise is not None
    good = exercise.reference.good_outputs
    wrapped = {"greenleaf-gbp", "scalegrid-usd"}
    for item in exercise.inputs:  # type: ignore[union-attr]
        text = f"Here is the JSON:\n{good[item.id]}" if item.id in wrapped else good[item.id]
        fake.reply_when(item.text.splitlines()[0], behaviour=Reply(text=text))
    instructions = "Extract the invoice fields as JSON."
    run = await run_instructions(
        exercise,
        instructions,
        llm.ModelSpec.of("openai/fake-model", api_base=fake.base_url),
        rng=random.Random(1),
    )
    outcome = conclude_run(
        exercise,
        run,
        started_at=datetime.now(UTC),
        learner_input=instructions,
        judgment=None,
        model="fake",
        model_tier=None,
    )
    notes = coaching_notes(exercise, outcome)
    assert len(notes) == 1, notes  # the input's own JSON check repeats the same finding
    text = notes[0].text
    assert text.startswith(
        '2 of 4 hidden inputs failed "a bare JSON object in the AP schema" '
        "(greenleaf-gbp and scalegrid-usd). On input greenleaf-gbp: "
    )
    assert "Your instructions did not say 'only the JSON" in text


def test_fit_notes_point_at_the_steps() -> None:
    from coach.runtime.fit import fit_outcome, grade_fit

    exercise = CATALOG.exercise("l1-offsite-planning-fit")
    assert exercise is not None
    wrong = {step.id: "human" for step in exercise.steps}  # type: ignore[union-attr]
    outcome = fit_outcome(exercise, grade_fit(exercise, wrong), datetime.now(UTC))
    notes = coaching_notes(exercise, outcome)
    assert [note.topic for note in notes] == ["where AI fits"]
    assert "would anyone notice" in notes[0].text


# --- judgment ---------------------------------------------------------------------------------

HABIT_WORDS = {
    "drop_item": "an item left out: count the items",
    "change_number": "a changed number: check each figure against the materials",
    "shift_date": "a shifted date: check each date",
    "swap_names": "two names swapped: match each name",
    "swap_label": "the wrong label: check the label against the rule",
    "invent_citation": ("an invented citation: look for sources you cannot find in the materials"),
    "remove_negation": "a reversed meaning",
    "truncate": "an output cut short: read to the end",
    "add_extra_text": "extra text around the answer: check the first and last lines",
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_missed_planted_flaw_names_the_habit_that_catches_it(mutation: str) -> None:
    assert set(HABIT_WORDS) == MUTATIONS
    if mutation == "swap_label":
        exercise = inline({"grader": "label_in", "labels": ["urgent", "normal"]}, traps=(mutation,))
        real = "normal"
    else:
        exercise = inline({"grader": "contains", "value": "24 months"}, traps=(mutation,))
        real = NOTES
    shown = present_output(exercise, real, "always", random.Random(3))
    assert shown.mutation is not None and shown.mutation.name == mutation
    accepted = Judgment(verdict="ok", confidence=0.7)
    outcome = graded(exercise, real, judgment=accepted, shown=shown)
    [note] = coaching_notes(exercise, outcome)
    assert note.topic == "judgment"
    assert note.text.startswith(f"You accepted an output with {HABIT_WORDS[mutation]}")


def test_the_issues_own_example_for_an_invented_citation() -> None:
    exercise = inline({"grader": "contains", "value": "24 months"}, traps=("invent_citation",))
    shown = present_output(exercise, NOTES, "always", random.Random(3))
    outcome = graded(exercise, NOTES, judgment=Judgment(verdict="ok", confidence=0.6), shown=shown)
    assert [n.text for n in coaching_notes(exercise, outcome)] == [
        "You accepted an output with an invented citation: look for sources you cannot find "
        "in the materials."
    ]


def test_accepting_an_output_that_failed_its_checks() -> None:
    outcome = graded(
        RENEWAL, RENEWAL.reference.bad_output, judgment=Judgment(verdict="ok", confidence=0.6)
    )
    judgment = [n for n in coaching_notes(RENEWAL, outcome) if n.topic == "judgment"]
    assert [n.text for n in judgment] == [
        'You accepted an output that failed "exactly the six dates in the body". To catch that '
        "before you accept, count the items in the materials and in the output; the counts "
        "should match."
    ]


def test_accepting_a_wrong_recorded_review_output() -> None:
    review = CATALOG.exercise("l1-seat-quote-review")
    assert review is not None
    shown = present_review(review, random.Random(0), index=1)  # wrong arithmetic, line 1
    truth, verdict = grade_judgment_of(review, None, shown, Judgment(verdict="ok", confidence=0.6))
    outcome = AttemptOutcome.finished(
        review,
        datetime.now(UTC),
        shown=shown,
        judgment=Judgment(verdict="ok", confidence=0.6),
        truth=truth,
        judgment_grade=verdict,
    )
    [note] = coaching_notes(review, outcome)
    assert note.text == (
        'You accepted an output with a "wrong arithmetic" error: redo each calculation '
        "yourself from the figures in the materials."
    )


def test_a_false_alarm_on_a_sound_output() -> None:
    alarm = Judgment(verdict="wrong", confidence=0.6, line=2)
    [note] = coaching_notes(RENEWAL, graded(RENEWAL, DATES, judgment=alarm))
    assert note.topic == "judgment"
    assert note.text.startswith(
        "False alarm: the output was sound, and you called it wrong (you pointed at line 2)."
    )
    assert "name the exact line" in note.text


def test_the_right_call_pointing_at_the_wrong_line() -> None:
    exercise = inline({"grader": "contains", "value": "24 months"}, traps=("change_number",))
    shown = present_output(exercise, NOTES, "always", random.Random(3))
    assert shown.mutation is not None and shown.mutation.changed_lines == (2,)
    pointed = Judgment(verdict="wrong", confidence=0.7, line=4)
    outcome = graded(exercise, NOTES, judgment=pointed, shown=shown)
    assert outcome.judgment_grade is not None and outcome.judgment_grade.pinpoint_hit is False
    [note] = coaching_notes(exercise, outcome)
    assert note.text.startswith(
        "You were right that it was wrong, but the flaw was on line 2 (changed £1,240 to "
    )
    assert "not line 4" in note.text


def test_the_right_call_in_the_right_place_gets_no_note() -> None:
    exercise = inline({"grader": "contains", "value": "24 months"}, traps=("change_number",))
    shown = present_output(exercise, NOTES, "always", random.Random(3))
    found = Judgment(verdict="wrong", confidence=0.95, line=2)
    assert coaching_notes(exercise, graded(exercise, NOTES, judgment=found, shown=shown)) == []


@pytest.mark.parametrize(("confidence", "calibration"), [(0.95, True), (0.7, False)])
def test_overconfidence_gets_a_calibration_note(confidence: float, calibration: bool) -> None:
    outcome = graded(
        RENEWAL, DATES, judgment=Judgment(verdict="wrong", confidence=confidence, line=1)
    )
    topics = [note.topic for note in coaching_notes(RENEWAL, outcome)]
    assert topics == (["judgment", "confidence"] if calibration else ["judgment"])
    if calibration:
        assert "You were 95 % sure and wrong" in coaching_notes(RENEWAL, outcome)[1].text


def test_a_rubric_only_output_blames_no_judgment() -> None:
    exercise = inline({"grader": "rubric", "rubric": "Polite."})

    def judge(prompt: str) -> str:
        return '{"score": 0.9, "passed": true, "reason": "Fine."}'

    outcome = graded(
        exercise, "Thanks!", judgment=Judgment(verdict="wrong", confidence=1.0), judge=judge
    )
    assert outcome.judgment_grade is not None and not outcome.judgment_grade.scored
    assert coaching_notes(exercise, outcome) == []


# --- `coach attempt` ---------------------------------------------------------------------------


def cli_attempt(fake: FakeOpenAI, *extra: str) -> Any:
    return CliRunner().invoke(
        main,
        [
            "attempt",
            "l1-renewal-dates-to-json",
            "--prompt",
            "List the dates as JSON.",
            "--model",
            "openai/fake-model",
            "--api-base",
            fake.base_url,
            "--verdict",
            "ok",
            *extra,
        ],
    )


def test_coach_attempt_json_includes_the_coaching_notes(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text="Here are the dates:\n" + DATES))
    result = cli_attempt(fake, "--json")
    assert result.exit_code == 0, result.stderr
    coaching = json.loads(result.stdout)["coaching"]
    assert [note["topic"] for note in coaching] == ["format", "judgment"]
    assert "did not say 'only the JSON, nothing else'" in coaching[0]["text"]


def test_coach_attempt_prints_what_to_change(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text="Here are the dates:\n" + DATES))
    result = cli_attempt(fake)
    assert result.exit_code == 0, result.stderr
    assert "What to change:" in result.stdout
    assert "  • format: The output had extra text before the JSON" in result.stdout


# --- evals: bugs the cases missed, and cases that fail on the correct system ------------------

EVALS = CATALOG.exercise("l6-pii-redactor-evals")
NO_7700 = [CheckSpec.from_dict({"grader": "must_not_contain", "values": ["7700"]})]


def case(output: str) -> CaseResult:
    return CaseResult(case="phone", output=output, grade=grade_output(output, NO_7700))


def evals_notes(reference: str, variants: dict[str, str]) -> list[CoachNote]:
    results = [
        VariantResults(id=f"v{i}", description=description, results=[case(output)])
        for i, (description, output) in enumerate(variants.items())
    ]
    scored = score_evals([case(reference)], results)
    outcome = AttemptOutcome.finished(
        EVALS,
        datetime.now(UTC),
        prompt="[[cases]]",
        shown=Shown(text="summary"),
        output_grade=scored.grade,
    )
    return coaching_notes(EVALS, outcome)


def test_evals_name_the_bugs_no_case_caught() -> None:
    notes = evals_notes(
        "[PHONE]", {"Leaks phones": "7700", "Adds a preamble": "[PHONE]", "Drops text": "x"}
    )
    [note] = notes  # the caught bug gets no note
    assert note.text.startswith('No case caught "Adds a preamble" and "Drops text". For each')
    assert "write an input where that bug changes the answer" in note.text


def test_evals_cases_that_fail_on_the_correct_system() -> None:
    [note] = evals_notes("7700", {"Leaks phones.": "7700"})
    assert note.text.startswith("Some of your cases fail on the correct system (")
    assert "no catch counts" in note.text


async def test_pipeline_notes_name_a_stopped_input_and_a_wrong_figure(fake: FakeOpenAI) -> None:
    exercise = CATALOG.exercise("l4-refund-amount-pipeline")
    assert exercise is not None
    steps = (
        '[[steps]]\nname = "extract"\ntemplate = "EXTRACT the facts: {input}"\n\n'
        '[[steps]]\nname = "check"\ntemplate = "CHECK, VALID or INVALID: {extract}"\n'
        "validate = true\n\n"
        '[[steps]]\nname = "amount"\ntemplate = "AMOUNT due: {previous}"\n'
    )
    finals = {**exercise.reference.good_outputs, "lamp-de": "1.25"}  # misread 1.249,00
    for item in exercise.inputs:  # type: ignore[union-attr]
        marker = f"facts for {item.id}"
        verdict = "INVALID: no return date" if item.id == "old-blender" else "VALID"
        fake.reply_when("AMOUNT", marker, behaviour=Reply(text=finals[item.id]))
        fake.reply_when("CHECK", marker, behaviour=Reply(text=verdict))
        fake.reply_when("EXTRACT", item.text, behaviour=Reply(text=marker))
    run = await run_pipeline(
        exercise,
        steps,
        llm.ModelSpec.of("openai/fake-model", api_base=fake.base_url),
        rng=random.Random(1),
    )
    outcome = conclude_run(
        exercise,
        run,
        started_at=datetime.now(UTC),
        learner_input=steps,
        judgment=None,
        model="fake",
        model_tier=None,
    )
    notes = coaching_notes(exercise, outcome)
    assert [note.topic for note in notes] == ["pipeline", "numbers"]
    assert notes[0].text.startswith("Input old-blender never reached the end: step check ")
    assert "your validation step is too strict" in notes[0].text
    assert notes[1].text.startswith(
        '1 of 4 hidden inputs failed "10 days, not damaged, 1.249,00 = 1249.00, no shipping" '
        "(lamp-de). On input lamp-de: The model's figure was 1.25; the right one is 1249"
    )
    assert "Your steps did not ask it to show the calculation" in notes[1].text


def test_without_the_checks_options_the_graders_reason_is_used() -> None:
    exercise = inline(
        {"grader": "contains", "value": "24 months"},
        {"grader": "must_not_contain", "values": ["£1,240"]},
    )
    outcome = graded(exercise, "The price is £1,240.")
    edited = inline({"grader": "length", "max_words": 99})  # the exercise changed since
    texts = [note.text for note in coaching_notes(edited, outcome)]
    assert texts[0] == 'The output fell short: "24 months" is not in the output.'
    assert texts[1].startswith('The output contained "£1,240", which must not appear.')


def test_the_prompt_can_be_given_instead_of_the_outcomes() -> None:
    outcome = graded(RENEWAL, "Here are the dates:\n" + DATES, "List the dates as JSON.")
    [note] = coaching_notes(RENEWAL, outcome, prompt="Return only the JSON list.")
    assert "asks for only the JSON" in note.text
