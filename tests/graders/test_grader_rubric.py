"""The rubric grader with a scripted judge: pass, fail, garbage → unscored, errors → unscored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check, grade_output
from graders.rubric import parse_verdict

RUBRIC = "The reply apologises exactly once and does not blame the customer."


class ScriptedJudge:
    """Returns a fixed answer (or raises) and records the prompts it was given."""

    def __init__(self, answer: str | Exception) -> None:
        self.answer = answer
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def run(
    judge: Callable[[str], str] | None,
    output: str = "Sorry for the double charge, Anna.",
    threshold: float | None = None,
    negate: bool = False,
    **context: Any,
) -> CheckResult:
    check = CheckSpec("rubric", {"rubric": RUBRIC}, threshold=threshold, negate=negate)
    return grade_check(output, check, GradeContext(judge=judge, **context))


@pytest.mark.parametrize(
    ("answer", "passed", "score"),
    [
        ('{"score": 0.9, "passed": true, "reason": "One apology, warm."}', True, 0.9),
        ('{"score": 0.3, "passed": false, "reason": "Blames the bank."}', False, 0.3),
        # The judge's explicit fail stands whatever its score.
        ('{"score": 0.7, "passed": false, "reason": "Borderline."}', False, 0.7),
        ('```json\n{"score": 0.8, "passed": true, "reason": "ok"}\n```', True, 0.8),
        ('Here is my grade:\n{"score": "0.75", "reason": "fine"}\nThanks.', True, 0.75),
        ('{"score": "80%", "reason": "good"}', True, 0.8),
        ('{"score": "4/5", "reason": "good"}', True, 0.8),
        ('{"Score": 1.0, "Reason": "top"}', True, 1.0),  # keys in any case
        ('{"passed": true, "reason": "no score given"}', True, 1.0),
        ('{"passed": "no", "reason": "no score given"}', False, 0.0),
        ('{"note": "x"} then {"score": 0.2}', False, 0.2),  # an object with no verdict is skipped
        ('{"score": 1, "passed": true} on second thought {"score": 0.2}', False, 0.2),  # the last
    ],
)
def test_rubric_scripted_answers(answer: str, passed: bool, score: float) -> None:
    result = run(ScriptedJudge(answer))
    assert not result.unscored, result.reason
    assert result.passed is passed
    assert result.score == pytest.approx(score)
    assert result.reason.startswith(f"the judge scored it {score:.2f}")


@pytest.mark.parametrize(
    "answer",
    [
        "I think it is pretty good.",
        "",
        "{not json}",
        '{"score": "high", "reason": "?"}',
        '{"reason": "forgot the score"}',
        "[0.9]",
        '{"score": NaN}',
    ],
)
def test_garbage_answer_is_unscored_not_failed(answer: str) -> None:
    result = run(ScriptedJudge(answer))
    assert result.unscored
    assert not result.passed and result.score == 0
    assert "could not be read" in result.reason


def test_judge_raising_is_unscored() -> None:
    result = run(ScriptedJudge(TimeoutError("the model took too long")))
    assert result.unscored
    assert "TimeoutError: the model took too long" in result.reason


def test_judge_returning_non_text_is_unscored() -> None:
    result = run(lambda prompt: None)  # type: ignore[arg-type,return-value]
    assert result.unscored


def test_no_judge_is_unscored() -> None:
    result = run(None)
    assert result.unscored and "no judge" in result.reason


def test_threshold_from_the_check_and_in_the_prompt() -> None:
    judge = ScriptedJudge('{"score": 0.8, "reason": "good"}')
    assert not run(judge, threshold=0.9).passed
    assert "A score of 0.9 or more" in judge.prompts[-1]
    assert run(judge, threshold=0.5).passed


def test_negated_rubric() -> None:
    result = run(ScriptedJudge('{"score": 0.2, "reason": "blames"}'), negate=True)
    assert result.passed and result.score == pytest.approx(0.8)
    assert result.reason.startswith("not: ")
    garbage = run(ScriptedJudge("??"), negate=True)
    assert garbage.unscored and not garbage.passed


def test_prompt_holds_rubric_output_materials_and_input() -> None:
    judge = ScriptedJudge('{"score": 1, "reason": "ok"}')
    run(
        judge,
        output="OUTPUT-MARKER " * 5000,
        materials={"complaint": "COMPLAINT-MARKER"},
        input_text="INPUT-MARKER",
    )
    prompt = judge.prompts[0]
    for marker in (RUBRIC, "OUTPUT-MARKER", "COMPLAINT-MARKER", "INPUT-MARKER"):
        assert marker in prompt
    assert "more characters not shown" in prompt  # a huge output is clipped
    assert len(prompt) < 20_000
    assert '"score"' in prompt and "only one JSON object" in prompt


def test_rubric_is_excluded_from_the_deterministic_verdict() -> None:
    checks = [
        CheckSpec("contains", {"value": "Anna"}),
        CheckSpec("rubric", {"rubric": RUBRIC}),
    ]
    judge = ScriptedJudge('{"score": 0.1, "reason": "blames the bank"}')
    grade = grade_output("Anna, your bank made an error.", checks, GradeContext(judge=judge))
    assert grade.deterministic_verdict is True
    assert grade.passed is False
    only_rubric = grade_output("x", checks[1:], GradeContext(judge=judge))
    assert only_rubric.deterministic_verdict is None


def test_parse_verdict_direct() -> None:
    assert parse_verdict('{"score": 0.5, "reason": " fine "}') == (0.5, "fine")
    assert parse_verdict("nothing") is None


def test_missing_rubric_option_is_bad_options() -> None:
    result = grade_check("x", CheckSpec("rubric", {}), GradeContext(judge=ScriptedJudge("{}")))
    assert result.unscored and result.reason.startswith("bad options")
