"""The evals kind: run the learner's eval cases against a reference prompt and its buggy variants.

The learner writes cases as TOML, the same format as an evals exercise's
`reference.solution`:

    [[cases]]
    id = "international-phone"
    input = "Please call me on +44 7700 900123."
    checks = [{ grader = "must_not_contain", values = ["7700"] }]

`parse_cases` turns that into an `EvalSuite` (or raises `EvalsInputError`
listing every problem in plain words). `run_evals` sends every case's input
as the user message under the exercise's reference system prompt and under
each seeded buggy variant's, grades each output with the case's checks, and
returns a `KindRun`.

Scoring (`score_evals`, pure, no model):

- A case *catches* a variant when it passes on the reference and fails on
  the variant (at least one scored check failed; a variant output whose
  checks were all unscored catches nothing).
- The score is the share of variants caught by at least one case, and zero
  when the reference fails any case: cases that fail on the correct system
  prove nothing about the bugs.

The `OutputGrade` carries that score exactly through its weighted mean:

- check 0, grader `evals_reference`, "reference passes every case": passed
  when every case passes on the reference. Its *score* is the catch rate
  (caught / variants) when it passes and 0 when it fails, so, whatever its
  weight, it neither adds nor removes credit: the weighted mean of the
  checks is exactly caught / variants.
- one check per variant, grader `evals_variant`, labelled with the variant's
  description: passed (score 1) when caught, naming the case(s) that caught
  it; otherwise failed (score 0) with "no case failed on this bug". When the
  reference fails, every variant check is failed with "the reference fails
  case X, so no catch counts", so the weighted mean is 0.

The learner then judges a plain summary of the run (which bugs were caught);
no trap is ever planted for evals, so `shown` is the real summary.
"""

from __future__ import annotations

import asyncio
import difflib
import random
import tomllib
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coach import llm
from coach.runtime.present import Shown
from coach.runtime.runs import KindRun, Progress, RunTotals
from graders.context import GradeContext
from graders.names import DETERMINISTIC
from graders.registry import CheckSpec, grade_output, option_problems
from graders.result import CheckResult, OutputGrade

MAX_CASES = 20
MAX_ID_LENGTH = 60
# Graders a learner's case may use: deterministic ones, minus python (which
# runs only for trusted packs). Rubric needs a judge model; agent checks a trace.
CASE_GRADERS: frozenset[str] = DETERMINISTIC - {"python"}
_NOT_FOR_CASES = {
    "python": "python checks run only in trusted packs, not in eval cases",
    "rubric": "rubric checks need a judge model and are not available in eval cases",
}
REFERENCE_GRADER = "evals_reference"
VARIANT_GRADER = "evals_variant"
REFERENCE_LABEL = "reference passes every case"
NOT_CAUGHT = "no case failed on this bug"
NOT_CAUGHT_CODE = "evals_variant.not_caught"


# --- the learner's cases ------------------------------------------------------


class EvalsInputError(ValueError):
    """The learner's cases cannot be run; `problems` lists every reason in plain words."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class EvalCase(BaseModel):
    """One eval case: an input for the system under test and the checks its output must pass."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    input: str = Field(min_length=1)
    checks: list[CheckSpec] = Field(min_length=1)


class EvalSuite(BaseModel):
    model_config = ConfigDict(frozen=True)

    cases: list[EvalCase] = Field(min_length=1, max_length=MAX_CASES)

    @property
    def ids(self) -> list[str]:
        return [case.id for case in self.cases]


def _grader_problem(name: str) -> str | None:
    if name in CASE_GRADERS:
        return None
    if name in _NOT_FOR_CASES:
        return _NOT_FOR_CASES[name]
    close = difflib.get_close_matches(name, sorted(CASE_GRADERS), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown grader {name!r}{hint}; eval cases may use: {', '.join(sorted(CASE_GRADERS))}"


def _parse_check(raw: Any) -> tuple[CheckSpec | None, list[str]]:
    if not isinstance(raw, dict):
        return None, ['a check must be a table like { grader = "contains", value = "…" }']
    grader = raw.get("grader")
    if not isinstance(grader, str) or not grader.strip():
        return None, ['a check needs `grader` naming a grader, like grader = "contains"']
    if problem := _grader_problem(grader):
        return None, [problem]
    try:
        check = CheckSpec.from_dict(raw)
    except (TypeError, ValueError) as error:
        return None, [str(error)]
    if not (check.weight > 0):
        return None, ["`weight` must be above 0"]
    return check, option_problems(check)


def _parse_case(number: int, raw: Any, problems: list[str]) -> EvalCase | None:
    if not isinstance(raw, dict):
        problems.append(f"case {number}: must be a table under [[cases]]")
        return None
    case_id = raw.get("id")
    named = (
        f"case {number} ({case_id})" if isinstance(case_id, str) and case_id else f"case {number}"
    )
    found: list[str] = []
    for key in raw:
        if key not in ("id", "input", "checks"):
            found.append(f"unknown key {key!r} (a case has id, input and checks)")
    if not isinstance(case_id, str) or not case_id.strip():
        found.append('needs an `id`, like id = "international-phone"')
    elif len(case_id) > MAX_ID_LENGTH or "\n" in case_id:
        found.append(f"the id must be one line of at most {MAX_ID_LENGTH} characters")
    text = raw.get("input")
    if not isinstance(text, str) or not text.strip():
        found.append("needs an `input`: the text sent to the system under test")
    checks_raw = raw.get("checks")
    checks: list[CheckSpec] = []
    if checks_raw is None or checks_raw == []:
        found.append('has no checks: add checks = [{ grader = "…", … }]')
    elif not isinstance(checks_raw, list):
        found.append("`checks` must be a list of check tables")
    else:
        for index, item in enumerate(checks_raw):
            check, check_problems = _parse_check(item)
            found.extend(f"checks.{index}: {problem}" for problem in check_problems)
            if check is not None:
                checks.append(check)
    problems.extend(f"{named}: {problem}" for problem in found)
    if found:
        return None
    return EvalCase(id=case_id.strip(), input=text, checks=checks)  # type: ignore[union-attr]


def parse_cases(text: str) -> EvalSuite:
    """The learner's `[[cases]]` TOML as an `EvalSuite`; raises `EvalsInputError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise EvalsInputError([f"your cases are not valid TOML: {error}"]) from None
    problems: list[str] = []
    for key in data:
        if key != "cases":
            problems.append(f"unknown top-level key {key!r}: write each case under [[cases]]")
    raw_cases = data.get("cases")
    if not raw_cases:
        problems.append("no cases: write at least one [[cases]] table with id, input and checks")
        raise EvalsInputError(problems)
    if not isinstance(raw_cases, list):
        raise EvalsInputError([*problems, "`cases` must be a list of [[cases]] tables"])
    if len(raw_cases) > MAX_CASES:
        problems.append(f"too many cases: {len(raw_cases)}, at most {MAX_CASES}")
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_cases, start=1):
        case = _parse_case(number, raw, problems)
        if case is None:
            continue
        if case.id in seen:
            problems.append(f"case {number} ({case.id}): the id is used by an earlier case")
        seen.add(case.id)
        cases.append(case)
    if problems:
        raise EvalsInputError(problems)
    return EvalSuite(cases=cases)


# --- results and scoring ------------------------------------------------------


class CaseResult(BaseModel):
    """One case's output on one system, graded by the case's checks."""

    model_config = ConfigDict(frozen=True)

    case: str
    output: str
    grade: OutputGrade

    @property
    def passed(self) -> bool:
        return self.grade.passed

    @property
    def failed(self) -> bool:
        """At least one scored check failed (all-unscored is neither pass nor fail)."""
        return bool(self.grade.failed)

    def first_failure(self) -> str:
        failed = self.grade.failed
        if failed:
            return f"{failed[0].name}: {failed[0].reason}"
        if self.grade.unscored:
            return f"no check could be scored ({self.grade.unscored[0].reason})"
        return "failed"

    def to_details(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "output": self.output,
            "passed": self.passed,
            "checks": [check.model_dump() for check in self.grade.checks],
        }


class VariantResults(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    description: str
    results: list[CaseResult]


class EvalsScore(BaseModel):
    """What `score_evals` works out: the grade, and who caught what."""

    model_config = ConfigDict(frozen=True)

    grade: OutputGrade
    reference_failures: list[str]  # case ids that fail on the reference
    caught_by: dict[str, list[str]]  # variant id -> case ids that caught it

    @property
    def reference_passed(self) -> bool:
        return not self.reference_failures

    @property
    def score(self) -> float:
        return self.grade.score or 0.0


def grade_case(case: EvalCase, output: str, ctx: GradeContext | None = None) -> CaseResult:
    return CaseResult(case=case.id, output=output, grade=grade_output(output, case.checks, ctx))


def _names(ids: Sequence[str]) -> str:
    word = "case" if len(ids) == 1 else "cases"
    return f"{word} {', '.join(ids)}"


def score_evals(
    reference_results: Sequence[CaseResult], variant_results: Sequence[VariantResults]
) -> EvalsScore:
    """Score a run: share of variants caught, zero when the reference fails any case."""
    if not variant_results:
        raise ValueError("an evals run needs at least one variant")
    reference_failures = [result.case for result in reference_results if not result.passed]
    passing = {result.case for result in reference_results if result.passed}
    caught_by = {
        variant.id: [r.case for r in variant.results if r.case in passing and r.failed]
        for variant in variant_results
    }
    total = len(variant_results)
    caught = sum(1 for ids in caught_by.values() if ids)
    ok = bool(reference_results) and not reference_failures
    if not reference_results:
        gate_reason = "there are no cases to run"
    elif ok:
        count = len(reference_results)
        gate_reason = (
            "the reference passes its one case"
            if count == 1
            else f"the reference passes all {count} cases"
        )
    else:
        failing = [r for r in reference_results if not r.passed]
        gate_reason = "the reference fails " + "; ".join(
            f"case {r.case} ({r.first_failure()})" for r in failing
        )
    checks = [
        CheckResult(
            grader=REFERENCE_GRADER,
            label=REFERENCE_LABEL,
            passed=ok,
            # The catch rate, so this gate adds no credit of its own (see module doc).
            score=caught / total if ok else 0.0,
            reason=gate_reason,
        )
    ]
    no_catch = (
        f"the reference fails {_names(reference_failures)}, so no catch counts"
        if reference_failures
        else "there are no cases, so nothing was caught"
    )
    for variant in variant_results:
        ids = caught_by[variant.id]
        if not ok:
            passed, reason, code = False, no_catch, "evals_variant.no_catch"
        elif ids:
            by_case = {r.case: r for r in variant.results}
            passed, code = True, "evals_variant.caught"
            reason = f"caught by {_names(ids)} ({by_case[ids[0]].first_failure()})"
        else:
            passed, reason, code = False, NOT_CAUGHT, NOT_CAUGHT_CODE
        checks.append(
            CheckResult(
                grader=VARIANT_GRADER,
                label=variant.description,
                passed=passed,
                score=1.0 if passed else 0.0,
                reason=reason,
                code=code,
                data={"caught_by": list(ids)},
            )
        )
    return EvalsScore(
        grade=OutputGrade(checks=checks),
        reference_failures=reference_failures,
        caught_by=caught_by,
    )


def summarise(scored: EvalsScore, cases: int, variants: Sequence[VariantResults]) -> str:
    """The plain report the learner judges: the reference verdict, then each bug caught or not."""
    lines = [
        f"Ran {cases} case{'s' if cases != 1 else ''} against the reference prompt and "
        f"{len(variants)} buggy variant{'s' if len(variants) != 1 else ''}."
    ]
    gate = scored.grade.checks[0].reason
    lines.append(f"{gate[:1].upper()}{gate[1:]}.")
    caught = sum(1 for variant in variants if scored.caught_by.get(variant.id))
    if scored.reference_passed:
        lines.append(f"Caught {caught} of {len(variants)} bugs:")
    else:
        lines.append(f"No catch counts while the reference fails (would have caught {caught}):")
    for variant in variants:
        ids = scored.caught_by.get(variant.id) or []
        mark = f"caught by {', '.join(ids)}" if ids else "missed"
        lines.append(f"- {variant.id}: {mark}")
    lines.append(f"Score: {scored.score:.2f}")
    return "\n".join(lines)


# --- running ------------------------------------------------------------------


def _add(totals: RunTotals, result: llm.CallResult) -> RunTotals:
    usage = result.usage
    cost = (
        None
        if totals.cost_usd is None or result.cost_usd is None
        else (totals.cost_usd + result.cost_usd)
    )
    return RunTotals(
        calls=totals.calls + 1,
        tokens_in=totals.tokens_in + (usage.tokens_in if usage else 0),
        tokens_out=totals.tokens_out + (usage.tokens_out if usage else 0),
        cost_usd=cost,
        latency_s=totals.latency_s + result.latency_s,
    )


async def run_evals(
    exercise: Any,
    cases_toml: str,
    spec: llm.ModelSpec | str,
    *,
    rng: random.Random,
    on_progress: Progress | None = None,
    spend: llm.SpendTracker | None = None,
    concurrency: int = 3,
    max_tokens: int | None = None,
) -> KindRun:
    """Run the learner's cases on the reference and every variant; score the bugs caught.

    Raises `EvalsInputError` for unusable cases (before any model call) and
    the first `ModelError` of any call (the other calls are cancelled).
    Cancelling the caller cancels every call in flight. Identical
    (system, input) calls are made once per run. `rng` is accepted for
    parity with the other kinds: evals plants no traps, so it is unused.
    """
    del rng  # no traps for evals: the learner judges the real summary
    suite = parse_cases(cases_toml)
    target = exercise.target
    systems: list[tuple[str | None, str]] = [(None, target.system)]
    systems += [(variant.id, variant.system) for variant in target.variants]
    jobs = [(label, system, case) for label, system in systems for case in suite.cases]
    total = len(jobs)
    ctx = GradeContext(materials=dict(exercise.materials))
    gate = asyncio.Semaphore(max(1, concurrency))
    cache: dict[tuple[str, str], asyncio.Task[llm.CallResult]] = {}
    totals = RunTotals()
    done = 0

    async def call(system: str, text: str) -> llm.CallResult:
        nonlocal totals
        async with gate:
            messages = [{"role": "system", "content": system}, {"role": "user", "content": text}]
            result = await llm.complete(spec, messages, max_tokens=max_tokens, spend=spend)
        totals = _add(totals, result)
        return result

    async def run_job(label: str | None, system: str, case: EvalCase) -> CaseResult:
        nonlocal done
        key = (system, case.input)
        if key not in cache:
            cache[key] = asyncio.ensure_future(call(system, case.input))
        result = await asyncio.shield(cache[key])  # a shared call outlives one waiter
        graded = grade_case(case, result.text, ctx)
        done += 1
        if on_progress is not None:
            on_progress(f"{label or 'reference'}: case {case.id}", done, total)
        return graded

    tasks = [asyncio.ensure_future(run_job(*job)) for job in jobs]
    try:
        results = await asyncio.gather(*tasks)
    except BaseException:
        for task in [*tasks, *cache.values()]:
            task.cancel()
        await asyncio.gather(*tasks, *cache.values(), return_exceptions=True)
        raise

    per_system: dict[str | None, list[CaseResult]] = {label: [] for label, _ in systems}
    for (label, _, _), result in zip(jobs, results, strict=True):
        per_system[label].append(result)
    variants = [
        VariantResults(
            id=variant.id, description=variant.description, results=per_system[variant.id]
        )
        for variant in target.variants
    ]
    scored = score_evals(per_system[None], variants)
    summary = summarise(scored, len(suite.cases), variants)
    details: dict[str, Any] = {
        "reference": [result.to_details() for result in per_system[None]],
        "variants": [
            {
                "id": variant.id,
                "description": variant.description,
                "caught_by": scored.caught_by[variant.id],
                "results": [result.to_details() for result in variant.results],
            }
            for variant in variants
        ],
    }
    return KindRun(
        kind="evals",
        grade=scored.grade,
        shown=Shown(text=summary),
        real_output=summary,
        details=details,
        totals=totals,
    )


def cases_of(exercise: Any) -> EvalSuite:
    """An evals exercise's reference cases (its `reference.solution`), parsed."""
    solution = getattr(exercise.reference, "solution", None)
    if not isinstance(solution, str):
        raise EvalsInputError(["the exercise has no reference.solution with eval cases"])
    return parse_cases(solution)


__all__: list[str] = [
    "CASE_GRADERS",
    "MAX_CASES",
    "CaseResult",
    "EvalCase",
    "EvalSuite",
    "EvalsInputError",
    "EvalsScore",
    "VariantResults",
    "cases_of",
    "grade_case",
    "parse_cases",
    "run_evals",
    "score_evals",
    "summarise",
]
