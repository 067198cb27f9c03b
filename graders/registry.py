"""The grader registry: named grading functions, option checking, negation, thresholds.

A grader is a plain function `(output, options, ctx) -> GradeResult`. It is
registered under a name with the options it takes, so that a typo in an
exercise file (`valeu = "£240"`) gives an unscored result naming the option
instead of a silent pass or a crash. `grade_check` applies what every check
shares (threshold, `not`, weight, label); `grade_output` grades a list of
checks and adds them up.

Checks are accepted duck-typed (`CheckLike`), so `coach.content.models.Check`
fits without this package importing the content layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

from graders.context import GradeContext
from graders.result import CheckResult, GradeResult, OutputGrade

GraderFn = Callable[[str, Mapping[str, Any], GradeContext], GradeResult]

GRADERS: dict[str, GraderFn] = {}
"""Every registered grader by name; each entry checks its options and never raises."""

SPECS: dict[str, GraderSpec] = {}
"""How each registered grader was declared: its options and default threshold."""

BAD_OPTIONS = "bad options"
"""Every reason for an options problem starts with this, so callers can spot set-up errors."""

# Options any check may carry: error_kind links a failing check to a judgment
# pinpoint; threshold turns a partial score into pass or fail; required = false
# on a model-graded check says the deterministic checks suffice without it.
COMMON_OPTIONS = ("error_kind", "threshold", "required")

# Codes of the results the registry itself makes (set-up problems, crashes).
CODE_BAD_OPTIONS = "options.invalid"
CODE_UNKNOWN = "grader.unknown"
CODE_CRASHED = "grader.error"
CODE_MALFORMED = "check.malformed"


@runtime_checkable
class CheckLike(Protocol):
    """The shape of one check: `coach.content.models.Check` and `CheckSpec` both fit."""

    @property
    def grader(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def negate(self) -> bool: ...
    @property
    def threshold(self) -> float | None: ...
    @property
    def label(self) -> str: ...
    @property
    def options(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class CheckSpec:
    """A plain check, for callers that build checks from dicts (eval cases, tests)."""

    grader: str
    options: dict[str, Any] = field(default_factory=dict)
    weight: float = 1.0
    negate: bool = False
    threshold: float | None = None
    label: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckSpec:
        """Build from a TOML-style table: grader, weight, not, threshold, label and options."""
        rest = dict(data)
        grader = rest.pop("grader", None)
        if not isinstance(grader, str):
            raise ValueError("a check needs `grader` naming a grader")
        negate = rest.pop("not", rest.pop("negate", False))
        threshold = rest.pop("threshold", None)
        weight = rest.pop("weight", 1.0)
        label = rest.pop("label", "")
        return cls(
            grader=grader,
            options=rest,
            weight=float(weight),
            negate=bool(negate),
            threshold=None if threshold is None else float(threshold),
            label=str(label),
        )


class BadOptions(ValueError):
    """A grader's options are missing, of the wrong type or inconsistent."""


# --- option declarations ----------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "text": ("text", lambda value: isinstance(value, str)),
    "bool": ("true or false", lambda value: isinstance(value, bool)),
    "number": ("a number", _is_number),
    "count": (
        "a whole number of 0 or more",
        lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= 0,
    ),
    "texts": ("a list of text", _is_text_list),
    "table": ("a table", lambda value: isinstance(value, dict)),
    "numbers": (
        "a list of numbers",
        lambda value: isinstance(value, list) and all(_is_number(item) for item in value),
    ),
    "date": ("a date such as 2026-03-01", _is_date),
}


@dataclass(frozen=True)
class Opt:
    """One option a grader takes: its kind, whether it is required, its default."""

    kind: str
    required: bool = False
    default: Any = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown option kind {self.kind!r}")


@dataclass(frozen=True)
class GraderSpec:
    name: str
    fn: Callable[[str, dict[str, Any], GradeContext], GradeResult]
    options: Mapping[str, Opt] | None  # None: the grader checks its own options
    default_threshold: float | None = None
    own_threshold: bool = False  # the grader decides pass itself with the threshold

    def option_problems(self, options: Mapping[str, Any]) -> list[str]:
        """Plain-words problems with these options; empty when they are fine."""
        problems: list[str] = []
        threshold = options.get("threshold")
        if threshold is not None and not (_is_number(threshold) and 0 <= threshold <= 1):
            problems.append(f"threshold must be a number from 0 to 1, got {threshold!r}")
        error_kind = options.get("error_kind")
        if error_kind is not None and not isinstance(error_kind, str):
            problems.append(f"error_kind must be text, got {error_kind!r}")
        required = options.get("required")
        if required is not None and not isinstance(required, bool):
            problems.append(f"required must be true or false, got {required!r}")
        if self.options is None:
            return problems
        known = sorted({*self.options, *COMMON_OPTIONS})
        for key in options:
            if key not in self.options and key not in COMMON_OPTIONS:
                problems.append(
                    f"unknown option {key!r} (the {self.name} grader takes: {', '.join(known)})"
                )
        for key, opt in self.options.items():
            value = options.get(key)
            if value is None:
                if opt.required:
                    problems.append(f"the option {key!r} is required")
                continue
            words, valid = _KINDS[opt.kind]
            if not valid(value):
                problems.append(f"option {key!r} must be {words}, got {_short_repr(value)}")
        return problems

    def with_defaults(self, options: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(options)
        for key, opt in (self.options or {}).items():
            if merged.get(key) is None and opt.default is not None:
                merged[key] = opt.default
        return merged


def _short_repr(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- registration -----------------------------------------------------------


def register(
    name: str,
    *,
    options: Mapping[str, Opt] | None = None,
    default_threshold: float | None = None,
    own_threshold: bool = False,
    replace: bool = False,
) -> Callable[[Callable[[str, dict[str, Any], GradeContext], GradeResult]], GraderFn]:
    """Register a grader under `name`.

    `options` declares every option the grader takes (unknown ones make the
    check unscored); None accepts anything and leaves checking to the grader.
    `default_threshold`, for graders with partial scores, sets pass as
    score >= threshold unless the check gives its own `threshold`.
    `own_threshold` hands the effective threshold to the grader and keeps its
    pass as given (a judge's explicit fail is not overruled by its score).

    The decorated name is bound to the safe wrapper that `GRADERS` holds: it
    checks options, fills defaults, applies the threshold and turns any
    exception into an unscored result.
    """

    def decorate(
        fn: Callable[[str, dict[str, Any], GradeContext], GradeResult],
    ) -> GraderFn:
        if name in GRADERS and not replace:
            raise ValueError(f"a grader named {name!r} is already registered")
        spec = GraderSpec(name, fn, options, default_threshold, own_threshold)

        def grade(output: str, opts: Mapping[str, Any], ctx: GradeContext) -> GradeResult:
            return _run(spec, output, opts or {}, ctx if ctx is not None else GradeContext())

        grade.__name__ = getattr(fn, "__name__", name)
        grade.__qualname__ = getattr(fn, "__qualname__", name)
        grade.__doc__ = fn.__doc__
        grade.__wrapped__ = fn  # type: ignore[attr-defined]
        SPECS[name] = spec
        GRADERS[name] = grade
        return grade

    return decorate


def unregister(name: str) -> None:
    """Remove a grader (for tests and for runtimes that swap agent graders)."""
    GRADERS.pop(name, None)
    SPECS.pop(name, None)


def _run(
    spec: GraderSpec, output: Any, options: Mapping[str, Any], ctx: GradeContext
) -> GradeResult:
    if problems := spec.option_problems(options):
        return GradeResult.not_scored(
            f"{BAD_OPTIONS} for the {spec.name} check: {'; '.join(problems)}",
            code=CODE_BAD_OPTIONS,
            data={"problems": problems},
        )
    if not isinstance(output, str):
        return GradeResult.not_scored(
            f"the output is not text ({type(output).__name__})", code="output.not_text"
        )
    opts = spec.with_defaults(options)
    opts.pop("error_kind", None)
    opts.pop("required", None)
    threshold = opts.get("threshold")
    if threshold is None:
        threshold = spec.default_threshold
    if threshold is not None:
        opts["threshold"] = float(threshold)  # the effective one, for graders that show it
    try:
        result = spec.fn(output, opts, ctx)
    except BadOptions as error:
        return GradeResult.not_scored(
            f"{BAD_OPTIONS} for the {spec.name} check: {error}",
            code=CODE_BAD_OPTIONS,
            data={"problems": [str(error)]},
        )
    except RecursionError:
        return GradeResult.not_scored(
            f"the {spec.name} check could not finish (too deeply nested)", code=CODE_CRASHED
        )
    except Exception as error:  # a grader must never crash the attempt
        return GradeResult.not_scored(
            f"the {spec.name} check could not run: {type(error).__name__}: {error}"[:300],
            code=CODE_CRASHED,
        )
    if not isinstance(result, GradeResult):
        return GradeResult.not_scored(
            f"the {spec.name} grader returned no result", code=CODE_CRASHED
        )
    if not result.code:  # a grader that names no code gets its outcome as one
        outcome = "unscored" if result.unscored else "pass" if result.passed else "fail"
        result = result.model_copy(update={"code": f"{spec.name}.{outcome}"})
    if result.unscored or threshold is None or spec.own_threshold:
        return result
    passed = result.score >= threshold - 1e-9
    if passed == result.passed:
        return result
    verdict = "meets" if passed else "is below"
    return result.model_copy(
        update={
            "passed": passed,
            "reason": f"{result.reason} (score {result.score:.2f} {verdict} the threshold "
            f"{threshold:.2f})",
        }
    )


def option_problems(check: CheckLike) -> list[str]:
    """What is wrong with a check's grader name or options, in plain words.

    For content validation (`coach check`): empty when the check is usable.
    """
    spec = SPECS.get(check.grader)
    if spec is None:
        return [f"no grader named {check.grader!r} is registered"]
    options = dict(check.options)
    if check.threshold is not None:
        options["threshold"] = check.threshold
    return spec.option_problems(options)


# --- grading ----------------------------------------------------------------


def grade_check(output: str, check: CheckLike, ctx: GradeContext | None = None) -> CheckResult:
    """Grade one output with one check; never raises.

    Applies the check's threshold (pass = score >= threshold) and its `not`
    (pass flips, score becomes 1 - score, the reason starts with "not:").
    An unscored result stays unscored whatever the negation.
    """
    ctx = ctx if ctx is not None else GradeContext()
    try:
        name = str(check.grader)
        options = dict(check.options or {})
        negate = bool(check.negate)
        weight = float(check.weight)
        label = str(check.label or "")
        threshold = check.threshold
    except Exception as error:
        return CheckResult(
            grader=str(getattr(check, "grader", "?")),
            passed=False,
            score=0.0,
            reason=f"the check is malformed: {error}",
            unscored=True,
            code=CODE_MALFORMED,
        )
    error_kind = options.get("error_kind")
    error_kind = error_kind if isinstance(error_kind, str) else None
    required = options.get("required", True) is not False
    if threshold is not None:
        options["threshold"] = threshold
    if not (math.isfinite(weight) and weight > 0):
        weight = 1.0
        result = GradeResult.not_scored(
            f"{BAD_OPTIONS}: weight must be above 0", code=CODE_BAD_OPTIONS
        )
    elif (grader := GRADERS.get(name)) is None:
        result = GradeResult.not_scored(
            f"no grader named {name!r} is available here", code=CODE_UNKNOWN
        )
    else:
        result = grader(output, options, ctx)
    if negate and not result.unscored:
        result = GradeResult(
            passed=not result.passed,
            score=1.0 - result.score,
            reason=f"not: {result.reason}",
            code=result.code,
            data=result.data,
        )
    return CheckResult(
        passed=result.passed,
        score=result.score,
        reason=result.reason,
        unscored=result.unscored,
        code=result.code,
        data=result.data,
        required=required,
        grader=name,
        label=label,
        weight=weight,
        negated=negate,
        error_kind=error_kind,
    )


def grade_output(
    output: str, checks: Iterable[CheckLike], ctx: GradeContext | None = None
) -> OutputGrade:
    """Grade one output with every check, in order."""
    ctx = ctx if ctx is not None else GradeContext()
    return OutputGrade(checks=[grade_check(output, check, ctx) for check in checks])
