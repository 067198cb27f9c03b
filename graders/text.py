"""Text graders: exact, contains, contains_all, contains_any, regex, must_not_contain.

Both sides of every comparison go through `graders.normalize`: NFKC,
typographic quotes, apostrophes and dashes folded to plain ones, every run
of whitespace (no-break spaces too) collapsed to one space. Matching is
case-insensitive unless `case_sensitive = true`. `regex` matches the output
as written unless the check says `normalize = true`.

`must_not_contain` can tell a banned value used from one that is refused or
quoted (`allow_negated`, `allow_quoted`); see `graders.bans`.
"""

from __future__ import annotations

from typing import Any

from graders._text import fold, listing, plural, q
from graders.bans import ban_hits
from graders.context import GradeContext
from graders.normalize import normalize
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult
from graders.safe_regex import PatternError, RegexTimeout, SafePattern, compile_safe

CASE = Opt("bool", default=False)


@register("exact", options={"expected": Opt("text", required=True), "case_sensitive": CASE})
def exact(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The whole output equals `expected` once both are normalised (`graders.normalize`):
    the ends stripped, spaces collapsed, typographic quotes and dashes folded, and
    case ignored unless `case_sensitive`."""
    expected: str = options["expected"]
    case_sensitive: bool = options["case_sensitive"]
    got = normalize(output, case_sensitive=True)
    want = normalize(expected, case_sensitive=True)
    data = {"expected": want, "found": got}
    if normalize(got, case_sensitive=case_sensitive) == normalize(
        want, case_sensitive=case_sensitive
    ):
        return GradeResult.ok(f"the output is exactly {q(want)}", code="exact.match", data=data)
    if not got:
        return GradeResult.fail(
            f"the output is empty; expected exactly {q(want)}", code="exact.empty", data=data
        )
    if not case_sensitive or got.casefold() != want.casefold():
        return GradeResult.fail(
            f"expected exactly {q(want)}, got {q(got)}", code="exact.mismatch", data=data
        )
    return GradeResult.fail(
        f"expected exactly {q(want)} with that capitalisation, got {q(got)}",
        code="exact.case",
        data=data,
    )


@register("contains", options={"value": Opt("text", required=True), "case_sensitive": CASE})
def contains(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The output contains `value`."""
    value: str = options["value"]
    case_sensitive: bool = options["case_sensitive"]
    if not value.strip():
        raise BadOptions("`value` is empty, so it would match any output")
    data = {"expected": value}
    if fold(value, case_sensitive) in fold(output, case_sensitive):
        return GradeResult.ok(f"found {q(value)}", code="contains.found", data=data)
    return GradeResult.fail(f"{q(value)} is not in the output", code="contains.missing", data=data)


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
    data = {"expected": values, "missing": missing}
    if not missing:
        return GradeResult.ok(
            f"found all {len(values)}: {listing(values)}", code="contains_all.found", data=data
        )
    return GradeResult.fail(
        f"found {found} of {len(values)}; missing {listing(q(v, 40) for v in missing)}",
        score,
        code="contains_all.missing",
        data=data,
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
            return GradeResult.ok(
                f"found {q(value)}",
                code="contains_any.found",
                data={"expected": values, "found": value},
            )
    return GradeResult.fail(
        f"none of {listing(q(value, 40) for value in values)} is in the output",
        code="contains_any.missing",
        data={"expected": values},
    )


@register(
    "must_not_contain",
    options={
        "values": Opt("texts", required=True),
        "case_sensitive": CASE,
        "allow_negated": Opt("bool", default=False),
        "allow_quoted": Opt("bool", default=False),
    },
    default_threshold=1.0,
)
def must_not_contain(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """None of `values` is in the output.

    Plain substrings by default, so a leaked canary or secret matches anywhere.
    With `allow_negated` a value used only in a refusal ("I won't send any
    pricing") does not count; with `allow_quoted` one that is only quoted
    (to refuse an injected instruction) does not.
    """
    values = _values(options)
    hits = ban_hits(
        output,
        values,
        case_sensitive=options["case_sensitive"],
        allow_negated=options["allow_negated"],
        allow_quoted=options["allow_quoted"],
    )
    present = [hit.value for hit in hits if hit.counts]
    excused = [hit for hit in hits if not hit.counts]
    data: dict[str, Any] = {
        "banned": values,
        "found": present,
        "excused": [{"value": hit.value, "why": hit.why} for hit in excused],
    }
    if present:
        return GradeResult.fail(
            f"the output contains {listing(q(value, 40) for value in present)}",
            1 - len(present) / len(values),
            code="must_not_contain.present",
            data=data,
        )
    if excused:
        said = "; ".join(f"{q(hit.value, 40)} only {hit.why}" for hit in excused[:3])
        return GradeResult.ok(
            f"no banned value is used: {said}", code="must_not_contain.excused", data=data
        )
    return GradeResult.ok(
        f"none of the {plural(len(values), 'banned value')} appears",
        code="must_not_contain.absent",
        data=data,
    )


def compile_pattern(pattern: str, flags: str = "") -> SafePattern:
    """Compile a check's pattern safely (`graders.safe_regex`); a bad one is a `BadOptions`."""
    try:
        return compile_safe(pattern, flags)
    except PatternError as error:
        raise BadOptions(f"the pattern {q(pattern, 60)} cannot be used: {error}") from None


@register(
    "regex",
    options={
        "pattern": Opt("text", required=True),
        "flags": Opt("text", default=""),
        "normalize": Opt("bool", default=False),
    },
)
def regex(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The pattern matches somewhere in the output (normalised first if `normalize`)."""
    pattern = compile_pattern(options["pattern"], options["flags"])
    text = normalize(output, case_sensitive=True) if options["normalize"] else output
    data = {"pattern": pattern.pattern}
    try:
        match = pattern.search(text)
    except RegexTimeout as error:
        return GradeResult.not_scored(
            f"the regex check was not scored: {error}", code="regex.timeout", data=data
        )
    if match is None:
        return GradeResult.fail(
            f"nothing in the output matches the pattern {q(pattern.pattern, 60)}",
            code="regex.no_match",
            data=data,
        )
    return GradeResult.ok(
        f"found {q(match.group(0))}", code="regex.match", data={**data, "found": match.group(0)}
    )
