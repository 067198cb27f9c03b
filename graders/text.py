"""Text graders: exact, contains, contains_all, contains_any, regex, must_not_contain.

Matching is case-insensitive unless `case_sensitive = true`; both sides are
NFC-normalised and runs of whitespace collapse to one space, so a value
written on one line still matches an output that wraps it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from graders._text import fold, listing, plural, q
from graders.context import GradeContext
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult

CASE = Opt("bool", default=False)


@register("exact", options={"expected": Opt("text", required=True), "case_sensitive": CASE})
def exact(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The whole output, stripped at both ends, equals `expected`."""
    expected: str = options["expected"]
    case_sensitive: bool = options["case_sensitive"]
    got = unicodedata.normalize("NFC", output.strip())
    want = unicodedata.normalize("NFC", expected.strip())
    same = got == want if case_sensitive else got.casefold() == want.casefold()
    if same:
        return GradeResult.ok(f"the output is exactly {q(want)}")
    if not got:
        return GradeResult.fail(f"the output is empty; expected exactly {q(want)}")
    if not case_sensitive or got.casefold() != want.casefold():
        return GradeResult.fail(f"expected exactly {q(want)}, got {q(got)}")
    return GradeResult.fail(f"expected exactly {q(want)} with that capitalisation, got {q(got)}")


@register("contains", options={"value": Opt("text", required=True), "case_sensitive": CASE})
def contains(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The output contains `value`."""
    value: str = options["value"]
    case_sensitive: bool = options["case_sensitive"]
    if not value.strip():
        raise BadOptions("`value` is empty, so it would match any output")
    if fold(value, case_sensitive) in fold(output, case_sensitive):
        return GradeResult.ok(f"found {q(value)}")
    return GradeResult.fail(f"{q(value)} is not in the output")


def _values(options: dict[str, Any]) -> list[str]:
    values: list[str] = options["values"]
    if not values:
        raise BadOptions("`values` is empty; give at least one value")
    if any(not value.strip() for value in values):
        raise BadOptions("`values` holds an empty value, which would match any output")
    return values


@register(
    "contains_all",
    options={"values": Opt("texts", required=True), "case_sensitive": CASE},
    default_threshold=1.0,
)
def contains_all(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """Every one of `values` is in the output; the score is the share found."""
    values = _values(options)
    case_sensitive: bool = options["case_sensitive"]
    text = fold(output, case_sensitive)
    missing = [value for value in values if fold(value, case_sensitive) not in text]
    found = len(values) - len(missing)
    score = found / len(values)
    if not missing:
        return GradeResult.ok(f"found all {len(values)}: {listing(values)}")
    return GradeResult(
        passed=False,
        score=score,
        reason=f"found {found} of {len(values)}; missing {listing(q(v, 40) for v in missing)}",
    )


@register(
    "contains_any",
    options={"values": Opt("texts", required=True), "case_sensitive": CASE},
)
def contains_any(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """At least one of `values` is in the output."""
    values = _values(options)
    case_sensitive: bool = options["case_sensitive"]
    text = fold(output, case_sensitive)
    for value in values:
        if fold(value, case_sensitive) in text:
            return GradeResult.ok(f"found {q(value)}")
    return GradeResult.fail(f"none of {listing(q(value, 40) for value in values)} is in the output")


@register(
    "must_not_contain",
    options={"values": Opt("texts", required=True), "case_sensitive": CASE},
    default_threshold=1.0,
)
def must_not_contain(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """None of `values` is in the output (plain substrings, so canaries match anywhere)."""
    values = _values(options)
    case_sensitive: bool = options["case_sensitive"]
    text = fold(output, case_sensitive)
    present = [value for value in values if fold(value, case_sensitive) in text]
    if not present:
        return GradeResult.ok(f"none of the {plural(len(values), 'banned value')} appears")
    return GradeResult(
        passed=False,
        score=1 - len(present) / len(values),
        reason=f"the output contains {listing(q(value, 40) for value in present)}",
    )


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def compile_pattern(pattern: str, flags: str = "") -> re.Pattern[str]:
    """Compile a check's pattern; a bad pattern or flag is a `BadOptions`."""
    value = 0
    for letter in flags:
        if letter not in _FLAGS:
            raise BadOptions(f"unknown regex flag {letter!r} (use i, m, s or x)")
        value |= _FLAGS[letter]
    try:
        return re.compile(pattern, value)
    except re.error as error:
        raise BadOptions(f"the pattern {q(pattern, 60)} is not a valid regex: {error}") from None


@register(
    "regex", options={"pattern": Opt("text", required=True), "flags": Opt("text", default="")}
)
def regex(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """`re.search` finds the pattern somewhere in the output."""
    pattern = compile_pattern(options["pattern"], options["flags"])
    match = pattern.search(output)
    if match is None:
        return GradeResult.fail(
            f"nothing in the output matches the pattern {q(pattern.pattern, 60)}"
        )
    return GradeResult.ok(f"found {q(match.group(0))}")
