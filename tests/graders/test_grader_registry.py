"""The registry: names, option checking, negation, thresholds, weights, unscored handling."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graders
from graders import (
    GRADERS,
    CheckLike,
    CheckResult,
    CheckSpec,
    GradeContext,
    GradeResult,
    OutputGrade,
    grade_check,
    grade_output,
    option_problems,
    register,
)
from graders.names import AGENT, DETERMINISTIC, MODEL_GRADED
from graders.registry import Opt, unregister


def test_every_known_grader_name_is_registered() -> None:
    assert set(GRADERS) == DETERMINISTIC | MODEL_GRADED | AGENT


def test_importing_graders_pulls_in_neither_textual_nor_litellm_nor_coach() -> None:
    code = (
        "import json, sys, graders\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('textual', 'litellm', 'coach', 'jsonschema'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_content_check_model_fits_checklike() -> None:
    from coach.content.models import Check

    check = Check.model_validate(
        {"grader": "contains", "value": "£240", "not": True, "weight": 2, "label": "cap"}
    )
    assert isinstance(check, CheckLike)
    result = grade_check("The cap is £240.", check)
    assert result.negated and not result.passed
    assert result.weight == 2 and result.label == "cap" and result.name == "cap"


def test_checkspec_from_dict() -> None:
    spec = CheckSpec.from_dict(
        {"grader": "regex", "pattern": "x", "not": True, "weight": 0.5, "label": "no x"}
    )
    assert spec == CheckSpec("regex", {"pattern": "x"}, weight=0.5, negate=True, label="no x")
    with pytest.raises(ValueError, match="grader"):
        CheckSpec.from_dict({"pattern": "x"})


# --- negation ----------------------------------------------------------------


def test_negation_flips_pass_and_score_and_says_not() -> None:
    plain = grade_check("a b", CheckSpec("contains_all", {"values": ["a", "b", "c", "d"]}))
    negated = grade_check(
        "a b", CheckSpec("contains_all", {"values": ["a", "b", "c", "d"]}, negate=True)
    )
    assert (plain.passed, plain.score) == (False, 0.5)
    assert (negated.passed, negated.score) == (True, 0.5)
    assert negated.reason == f"not: {plain.reason}"
    assert negated.negated and not plain.negated


def test_unscored_stays_unscored_when_negated() -> None:
    result = grade_check("x", CheckSpec("rubric", {"rubric": "r"}, negate=True))
    assert result.unscored and not result.passed and result.score == 0
    assert not result.reason.startswith("not:")


# --- unknown graders and options ---------------------------------------------------


def test_unknown_grader_is_unscored() -> None:
    result = grade_check("x", CheckSpec("tool_calledx", {"tool": "calculator"}))
    assert result.unscored and "no grader named 'tool_calledx'" in result.reason
    assert option_problems(CheckSpec("nope", {})) == ["no grader named 'nope' is registered"]


def test_unknown_option_names_the_option_and_the_known_ones() -> None:
    result = grade_check("x", CheckSpec("contains", {"value": "x", "case_sensitve": True}))
    assert result.unscored
    assert "unknown option 'case_sensitve'" in result.reason
    assert "takes: case_sensitive, error_kind, required, threshold, value" in result.reason


def test_option_problems_for_content_validation() -> None:
    assert option_problems(CheckSpec("contains", {"value": "x"})) == []
    assert option_problems(CheckSpec("contains", {"value": "x"}, threshold=0.5)) == []
    problems = option_problems(CheckSpec("number", {"expected": "1", "tol": 1}))
    assert len(problems) == 2
    assert any("'tol'" in problem for problem in problems)


def test_bad_weight_is_unscored() -> None:
    result = grade_check("x", CheckSpec("contains", {"value": "x"}, weight=0))
    assert result.unscored and "weight" in result.reason


def test_non_text_output_is_unscored() -> None:
    result = grade_check(None, CheckSpec("contains", {"value": "x"}))  # type: ignore[arg-type]
    assert result.unscored


def test_malformed_check_is_unscored() -> None:
    class Broken:
        grader = "contains"
        weight = 1.0
        negate = False
        threshold = None
        label = ""

        @property
        def options(self) -> dict[str, Any]:
            raise RuntimeError("boom")

    result = grade_check("x", Broken())  # type: ignore[arg-type]
    assert result.unscored and "malformed" in result.reason


# --- custom graders: exceptions, thresholds ------------------------------------


@pytest.fixture
def temporary_graders() -> Iterator[None]:
    yield
    for name in ("test_boom", "test_half", "test_loose"):
        unregister(name)


def test_grader_raising_is_unscored_never_a_crash(temporary_graders: None) -> None:
    @register("test_boom", options={})
    def boom(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
        raise KeyError("missing")

    result = grade_check("x", CheckSpec("test_boom"))
    assert result.unscored and "KeyError" in result.reason
    assert GRADERS["test_boom"] is boom  # the safe wrapper is what the module name holds
    assert boom("x", {}, GradeContext()).unscored


def test_duplicate_registration_is_refused(temporary_graders: None) -> None:
    with pytest.raises(ValueError, match="already registered"):
        register("contains")(lambda output, options, ctx: GradeResult.ok("x"))


def test_threshold_applies_to_partial_scores(temporary_graders: None) -> None:
    @register("test_half", options={}, default_threshold=0.6)
    def half(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
        return GradeResult(passed=True, score=0.5, reason="half")

    default = grade_check("x", CheckSpec("test_half"))
    assert not default.passed and "below the threshold 0.60" in default.reason
    relaxed = grade_check("x", CheckSpec("test_half", threshold=0.5))
    assert relaxed.passed
    negated = grade_check("x", CheckSpec("test_half", threshold=0.5, negate=True))
    assert not negated.passed and negated.score == 0.5


def test_options_none_accepts_anything(temporary_graders: None) -> None:
    @register("test_loose")
    def loose(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
        return GradeResult.ok(f"got {sorted(options)}")

    result = grade_check("x", CheckSpec("test_loose", {"anything": 1}))
    assert result.passed and "anything" in result.reason


def test_opt_kind_is_checked() -> None:
    with pytest.raises(ValueError):
        Opt("texty")


# --- grade_output -----------------------------------------------------------------


def _result(passed: bool, score: float, weight: float = 1.0, **extra: Any) -> CheckResult:
    return CheckResult(
        passed=passed, score=score, reason="r", grader="contains", weight=weight, **extra
    )


def test_weighted_score_and_pass() -> None:
    checks = [
        CheckSpec("contains", {"value": "a"}, weight=3),
        CheckSpec("contains", {"value": "zzz"}, weight=1, label="has zzz"),
    ]
    grade = grade_output("a b", checks)
    assert grade.score == pytest.approx(0.75)
    assert grade.passed is False
    assert grade.deterministic_verdict is False
    assert [check.name for check in grade.failed] == ["has zzz"]
    assert grade.summary() == "Passed 1 of 2 checks (score 0.75). Failed: has zzz."


def test_unscored_checks_are_left_out_of_score_and_verdicts() -> None:
    checks = [
        CheckSpec("contains", {"value": "a"}),
        CheckSpec("rubric", {"rubric": "tone"}, weight=5),  # no judge: unscored
        CheckSpec("python", {"code": "def check(o, c): return False"}),  # untrusted: unscored
    ]
    grade = grade_output("a", checks)
    assert [check.unscored for check in grade.checks] == [False, True, True]
    assert grade.score == 1.0
    # The rubric is a required criterion left ungraded: partial, not a pass.
    assert grade.passed is False and grade.partial is True and grade.verdict is None
    assert grade.deterministic_verdict is True
    assert grade.decided_verdict is None  # a judgment on it is not scored
    assert grade.failed == []
    assert "not graded: the rubric check" in grade.summary()
    assert "coach config set judge_model" in grade.summary()


def test_an_optional_rubric_left_unscored_leaves_a_pass() -> None:
    checks = [
        CheckSpec("contains", {"value": "a"}),
        CheckSpec("rubric", {"rubric": "tone", "required": False}),  # no judge: unscored
    ]
    grade = grade_output("a", checks)
    assert grade.checks[1].unscored and not grade.checks[1].required
    assert grade.passed is True and grade.partial is False
    assert grade.decided_verdict is True
    assert grade.summary() == (
        "Passed the one scored check (score 1.00). 1 check could not be scored."
    )


def test_a_failed_check_fails_a_partial_grade() -> None:
    checks = [CheckSpec("contains", {"value": "zzz"}), CheckSpec("rubric", {"rubric": "tone"})]
    grade = grade_output("a", checks)
    assert grade.verdict is False and grade.partial is False
    assert grade.decided_verdict is False


def test_a_rubric_that_fails_a_deterministic_pass_leaves_the_truth_open() -> None:
    checks = [CheckSpec("contains", {"value": "a"}), CheckSpec("rubric", {"rubric": "tone"})]
    ctx = GradeContext(judge=lambda prompt: '{"score": 0.2, "passed": false}')
    grade = grade_output("a", checks, ctx)
    assert grade.passed is False and grade.deterministic_verdict is True
    assert grade.decided_verdict is None


def test_codes_and_data_on_every_result() -> None:
    grade = grade_output(
        "a",
        [
            CheckSpec("contains", {"value": "zzz"}),
            CheckSpec("contains", {"valeu": "a"}),
            CheckSpec("no_such_grader"),
            CheckSpec("rubric", {"rubric": "tone"}),
        ],
    )
    assert [check.code for check in grade.checks] == [
        "contains.missing",
        "options.invalid",
        "grader.unknown",
        "rubric.unscored",
    ]
    assert grade.checks[0].data == {"expected": "zzz"}
    assert grade.checks[3].data == {"why": "no_judge"}


def test_old_stored_checks_load_without_code_or_data() -> None:
    old = {"grader": "contains", "passed": True, "score": 1.0, "reason": "found", "label": ""}
    check = CheckResult.model_validate(old)
    assert check.code == "" and check.data == {} and check.required is True
    dumped = check.model_dump(mode="json")
    assert dumped["code"] == "" and dumped["data"] == {}


def test_nothing_scored() -> None:
    grade = grade_output("a", [CheckSpec("rubric", {"rubric": "tone"})])
    assert grade.score is None and grade.passed is False
    assert grade.deterministic_verdict is None
    assert grade.summary() == "No check could be scored (1 in all)."
    empty = grade_output("a", [])
    assert empty.score is None and empty.passed is False and empty.deterministic_verdict is None
    assert empty.summary() == "No checks to run."


def test_deterministic_verdict_ignores_rubric() -> None:
    grade = OutputGrade(
        checks=[
            _result(True, 1.0),
            CheckResult(passed=False, score=0.2, reason="r", grader="rubric"),
        ]
    )
    assert grade.passed is False
    assert grade.deterministic_verdict is True
    assert grade.score == pytest.approx(0.6)


def test_output_grade_serialises_its_totals() -> None:
    grade = grade_output("a", [CheckSpec("contains", {"value": "a", "error_kind": "missing"})])
    data = grade.model_dump()
    assert data["score"] == 1.0 and data["passed"] is True
    assert data["deterministic_verdict"] is True
    assert data["checks"][0]["error_kind"] == "missing"
    assert OutputGrade.model_validate(data).checks == grade.checks


def test_summary_lists_at_most_three_failures() -> None:
    checks = [CheckSpec("contains", {"value": f"v{i}"}, label=f"check {i}") for i in range(5)]
    summary = grade_output("nothing", checks).summary()
    assert summary == (
        "Passed 0 of 5 checks (score 0.00). Failed: check 0; check 1; check 2; and 2 more."
    )


def test_grade_output_context_reaches_graders() -> None:
    ctx = GradeContext(materials={"doc": "the exact words"})
    grade = grade_output(
        '"the exact words"', [CheckSpec("quotes_exist_in", {"material": "doc"})], ctx
    )
    assert grade.passed


# --- properties ---------------------------------------------------------------------

SIMPLE_CHECKS = [
    CheckSpec("exact", {"expected": "yes"}),
    CheckSpec("contains", {"value": "£240"}),
    CheckSpec("contains_all", {"values": ["a", "b", "c"]}),
    CheckSpec("contains_any", {"values": ["a", "b"]}),
    CheckSpec("regex", {"pattern": r"\d+"}),
    CheckSpec("json", {"schema": {"type": "array"}}),
    CheckSpec("set_equals", {"expected": ["a", "b"]}),
    CheckSpec("f1", {"expected": ["a", "b", "c"]}),
    CheckSpec("number", {"expected": 12.5, "tolerance": 0.1}),
    CheckSpec("length", {"max_words": 5, "max_sentences": 2}),
    CheckSpec("must_not_contain", {"values": ["secret"]}),
    CheckSpec("quotes_exist_in", {"material": "doc"}),
    CheckSpec("label_in", {"labels": ["yes", "no"]}),
]


@settings(max_examples=150, deadline=None)
@given(output=st.text(max_size=300), index=st.integers(0, len(SIMPLE_CHECKS) - 1))
def test_any_output_is_graded_and_negation_is_an_involution(output: str, index: int) -> None:
    check = SIMPLE_CHECKS[index]
    ctx = GradeContext(materials={"doc": "a b c 12.5 yes"})
    plain = grade_check(output, check, ctx)
    negated = grade_check(
        output,
        CheckSpec(check.grader, check.options, negate=True),
        ctx,
    )
    assert not plain.unscored, plain.reason
    assert 0.0 <= plain.score <= 1.0
    assert negated.passed is not plain.passed
    assert negated.score == pytest.approx(1 - plain.score)
    assert len(plain.reason) <= 400


def test_package_exports() -> None:
    for name in graders.__all__:
        assert hasattr(graders, name)


def test_result_data_is_always_json() -> None:
    result = grade_check("1" * 400, CheckSpec("number", {"expected": 1}))
    assert result.data["found"] is None  # an infinite parse is not stored as Infinity
    json.dumps(result.model_dump(mode="json"), allow_nan=False)
    made = GradeResult.fail(
        "x", data={"when": __import__("datetime").date(2026, 3, 1), "n": float("nan")}
    )
    assert made.data == {"when": "2026-03-01", "n": None}


def test_result_data_keeps_text_short() -> None:
    result = grade_check("x" * 10_000, CheckSpec("regex", {"pattern": "x+"}))
    assert result.passed and len(result.data["found"]) == 300
