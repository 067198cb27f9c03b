"""The number grader: the output's figure (the first number, or one a pattern picks).

The figure is read in any form people write it (`graders.values`): `1,200`,
`1 200`, `$1,200.00`, `1.2k`, `£1.2m`, `12 %`, `2½`, every minus sign, and
number words with `words = true`. The check may also require the currency
(`currency = "GBP"` or `"£"`), a percent sign (`percent = true`) or the unit
written after the number (`unit = "days"`). To find a value anywhere in the
output rather than the figure, use the `mentions` grader.

`NUMBER` is the plain digits pattern that the agent graders use.
"""

from __future__ import annotations

import math
import re
from typing import Any

from graders._text import q
from graders.context import GradeContext
from graders.dates import find_dates
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult
from graders.text import compile_pattern
from graders.values import Found, close, currency_code, find_numbers, first_number, fmt

CURRENCY = "£$€¥₹₩₽₺"
# A number: optional sign and currency symbol (either order), then digits with
# optional comma thousands separators and an optional decimal part. A minus
# glued to a word or digit ("2026-04") is a hyphen, not a sign.
NUMBER = re.compile(
    rf"""
    (?<![\w.,])
    (?P<sign>[-−+]?)
    (?:(?P<currency>[{CURRENCY}])\s?)?
    (?P<sign2>[-−]?)
    (?P<digits>\d{{1,3}}(?:,\d{{3}})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    """,
    re.VERBOSE,
)


def parse_number(text: str) -> float | None:
    """The first number in `text` ("1,234.5", "£1,200", "-3", "1.2k"), or None."""
    found = first_number(text)
    return None if found is None else found.value


def figure(text: str, *, words: bool = False) -> Found | None:
    """The first number that is not the day, month or year of a written date.

    "Refunded on 2026-03-01: £54.85" states the figure 54.85; a reader does
    not take the date's year for it.
    """
    numbers = find_numbers(text, words=words)
    if not numbers:
        return None
    spans = [(d.start, d.start + len(d.text)) for d in find_dates(text) if d.no_year is None]
    for number in numbers:
        if not any(s <= number.start and number.end <= e for s, e in spans):
            return number
    return None


def same_unit(written: str | None, wanted: str) -> bool:
    """'days' matches 'day', 'Days' and 'days.'; '%' is checked by `percent`."""
    if written is None:
        return False
    a, b = written.casefold().rstrip("."), wanted.casefold().strip()
    return a == b or a.rstrip("s") == b.rstrip("s")


def unit_problem(found: Found, options: dict[str, Any]) -> tuple[str, str] | None:
    """(code suffix, words) when the number lacks the currency, percent or unit the check asks."""
    wanted = options.get("currency")
    if wanted:
        code = currency_code(wanted)
        if code is None:
            raise BadOptions(f"unknown currency {wanted!r} (use a code such as GBP, or £)")
        if found.currency is None:
            return "no_currency", f"it has no currency; expected {code}"
        if found.currency != code:
            return "wrong_currency", f"it is in {found.currency}; expected {code}"
    if options.get("percent") and not found.percent:
        return "no_percent", "it is not a percentage"
    unit = options.get("unit")
    if unit and unit.strip() in {"%", "percent", "per cent"}:
        if not found.percent:
            return "no_percent", "it is not a percentage"
    elif unit and not same_unit(found.unit, unit):
        return "wrong_unit", f"it is not followed by {q(unit, 20)}"
    return None


def written(found: Found) -> str:
    """' (written "$1,200.00")' when the text differs from the plain value."""
    plain = fmt(found.value)
    return "" if found.text == plain else f" (written {q(found.text, 40)})"


NUMBER_OPTIONS = {
    "expected": Opt("number", required=True),
    "tolerance": Opt("number", default=0.0),
    "relative": Opt("number"),
    "pattern": Opt("text"),
    "flags": Opt("text", default=""),
    "currency": Opt("text"),
    "percent": Opt("bool", default=False),
    "unit": Opt("text"),
    "words": Opt("bool", default=False),
}


def allowed_difference(expected: float, options: dict[str, Any]) -> float:
    tolerance = float(options.get("tolerance") or 0.0)
    relative = options.get("relative")
    if tolerance < 0 or (relative is not None and relative < 0):
        raise BadOptions("tolerance and relative must not be negative")
    return max(tolerance, abs(expected) * float(relative or 0.0))


@register("number", options=NUMBER_OPTIONS)
def number(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The output's figure equals `expected` within an absolute or relative tolerance."""
    expected = float(options["expected"])
    allowed = allowed_difference(expected, options)
    where = "the output"
    text = output
    data: dict[str, Any] = {"expected": expected, "allowed": allowed}
    if options.get("pattern"):
        pattern = compile_pattern(options["pattern"], options["flags"])
        match = pattern.search(output)
        if match is None:
            return GradeResult.fail(
                f"no number found: nothing matches the pattern {q(pattern.pattern, 60)}",
                code="number.pattern_not_found",
                data=data,
            )
        text = (match.group(1) if pattern.groups else match.group(0)) or ""
        where = f"{q(match.group(0), 60)}"
    found = figure(text, words=options["words"])
    if found is None:
        return GradeResult.fail(f"no number found in {where}", code="number.not_found", data=data)
    data.update(found=found.value, written=found.text, currency=found.currency)
    difference = abs(found.value - expected)
    if not (math.isfinite(found.value) and close(found.value, expected, allowed)):
        margin = f" ±{fmt(allowed)}" if allowed else ""
        return GradeResult.fail(
            f"found {fmt(found.value)}{written(found)}, expected {fmt(expected)}{margin}: "
            f"off by {fmt(difference)}",
            code="number.mismatch",
            data=data,
        )
    if (problem := unit_problem(found, options)) is not None:
        suffix, words = problem
        return GradeResult.fail(
            f"found {fmt(found.value)}{written(found)}, but {words}",
            code=f"number.{suffix}",
            data=data,
        )
    within = f" (within ±{fmt(allowed)})" if allowed else ""
    return GradeResult.ok(
        f"found {fmt(found.value)}{written(found)}, expected {fmt(expected)}{within}",
        code="number.match",
        data=data,
    )
