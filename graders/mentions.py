"""The mentions grader: the output states a value, in whatever form it is written.

A check names one value, and the grader looks for it anywhere in the output:

    { grader = "mentions", number = 1200, currency = "GBP" }   # £1,200 · 1.2k GBP · £1,200.00
    { grader = "mentions", number = 12, percent = true }        # 12% · 12 per cent · twelve percent
    { grader = "mentions", range = [3, 5], unit = "days" }      # 3-5 days · 3–5 · between 3 and 5
    { grader = "mentions", date = 2026-03-01 }                  # 1 March 2026 · March 1st, 2026
    { grader = "mentions", date = 2026-03-01, day_first = true }  # also 1/3/2026
    { grader = "mentions", duration = "24 months" }             # 24 months · a 24-month term
    { grader = "mentions", duration = "24 months", convert_units = true }  # also two years
    { grader = "mentions", ordinal = 3 }                        # 3rd · third

The reason says which form was found. Near misses do not count: 12,000 for
1,200, a date in another year, a number inside another number (the 1,200
of 11,200), a range written the other way round.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graders._text import listing, q
from graders.context import GradeContext
from graders.dates import find_dates, parse_date
from graders.numbers import allowed_difference, unit_problem, written
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult
from graders.values import (
    Found,
    close,
    find_durations,
    find_numbers,
    find_ordinals,
    find_ranges,
    fmt,
    parse_duration,
    same_duration,
)

KINDS = ("number", "range", "date", "duration", "ordinal")


def _kind(options: dict[str, Any]) -> str:
    named = [kind for kind in KINDS if options.get(kind) is not None]
    if len(named) != 1:
        raise BadOptions(f"name exactly one value to look for: {', '.join(KINDS)}")
    return named[0]


def _outside_dates(numbers: list[Found], output: str) -> list[Found]:
    """Numbers that are not the day, month or year of a written date."""
    spans = [(d.start, d.start + len(d.text)) for d in find_dates(output) if d.no_year is None]
    return [n for n in numbers if not any(s <= n.start and n.end <= e for s, e in spans)]


def _number(output: str, options: dict[str, Any]) -> GradeResult:
    expected = float(options["number"])
    allowed = allowed_difference(expected, options)
    numbers = _outside_dates(find_numbers(output, words=options["words"]), output)
    hits = [n for n in numbers if close(n.value, expected, allowed)]
    data: dict[str, Any] = {"kind": "number", "expected": expected}
    if not hits:
        near = listing(q(n.text, 20) for n in numbers[:5]) if numbers else "no number"
        return GradeResult.fail(
            f"{fmt(expected)} is not in the output (it has {near})",
            code="mentions.not_found",
            data={**data, "found": [n.text for n in numbers[:10]]},
        )
    problems = []
    for hit in hits:
        problem = unit_problem(hit, options)
        if problem is None:
            return GradeResult.ok(
                f"found {fmt(expected)}{written(hit)}",
                code="mentions.found",
                data={**data, "found": hit.text},
            )
        problems.append((hit, problem))
    hit, (suffix, words) = problems[0]
    return GradeResult.fail(
        f"found {fmt(hit.value)}{written(hit)}, but {words}",
        code=f"mentions.{suffix}",
        data={**data, "found": hit.text},
    )


def _range(output: str, options: dict[str, Any]) -> GradeResult:
    pair = options["range"]
    if len(pair) != 2 or pair[0] > pair[1]:
        raise BadOptions("range takes two numbers, low then high: range = [3, 5]")
    low, high = float(pair[0]), float(pair[1])
    allowed = allowed_difference(high, options)
    data: dict[str, Any] = {"kind": "range", "expected": [low, high]}
    ranges = find_ranges(output, words=options["words"])
    inverted = None
    for found in ranges:
        a, b = found.low.value, found.high.value
        if close(a, low, allowed) and close(b, high, allowed):
            problem = unit_problem(found.high, options)
            if problem is None:
                return GradeResult.ok(
                    f"found the range {fmt(low)} to {fmt(high)} (written {q(found.text, 40)})",
                    code="mentions.found",
                    data={**data, "found": found.text},
                )
            return GradeResult.fail(
                f"found the range {q(found.text, 40)}, but {problem[1]}",
                code=f"mentions.{problem[0]}",
                data={**data, "found": found.text},
            )
        if close(a, high, allowed) and close(b, low, allowed):
            inverted = found
    if inverted is not None:
        return GradeResult.fail(
            f"found {q(inverted.text, 40)}, written high to low; expected {fmt(low)} to "
            f"{fmt(high)}",
            code="mentions.range_inverted",
            data={**data, "found": inverted.text},
        )
    shown = listing(q(r.text, 20) for r in ranges[:4]) if ranges else "no range"
    return GradeResult.fail(
        f"the range {fmt(low)} to {fmt(high)} is not in the output (it has {shown})",
        code="mentions.not_found",
        data={**data, "found": [r.text for r in ranges[:10]]},
    )


def _date(output: str, options: dict[str, Any]) -> GradeResult:
    try:
        expected: date = parse_date(options["date"])
    except ValueError as error:
        raise BadOptions(str(error)) from None
    day_first = options.get("day_first")
    data: dict[str, Any] = {"kind": "date", "expected": expected.isoformat()}
    dates = find_dates(output, day_first=day_first)
    ambiguous = None
    for found in dates:
        if found.value == expected:
            return GradeResult.ok(
                f"found {expected.isoformat()} (written {q(found.text, 40)})",
                code="mentions.found",
                data={**data, "found": found.text},
            )
        if found.no_year == (expected.month, expected.day) and options["allow_no_year"]:
            return GradeResult.ok(
                f"found {expected.isoformat()} (written {q(found.text, 40)}, with no year)",
                code="mentions.found",
                data={**data, "found": found.text},
            )
        if found.value is None and expected in found.candidates:
            ambiguous = found
    if ambiguous is not None:
        return GradeResult.not_scored(
            f"{q(ambiguous.text, 20)} could be {expected.isoformat()} or another date: the "
            "check must say day_first = true or false",
            code="mentions.date_ambiguous",
            data={**data, "found": ambiguous.text},
        )
    shown = listing(q(d.text, 24) for d in dates[:4]) if dates else "no date"
    return GradeResult.fail(
        f"{expected.isoformat()} is not in the output (it has {shown})",
        code="mentions.not_found",
        data={**data, "found": [d.text for d in dates[:10]]},
    )


def _duration(output: str, options: dict[str, Any]) -> GradeResult:
    try:
        expected = parse_duration(str(options["duration"]))
    except ValueError as error:
        raise BadOptions(str(error)) from None
    data: dict[str, Any] = {"kind": "duration", "expected": str(options["duration"])}
    found = find_durations(output)
    for number, unit in found:
        if same_duration((number.value, unit), expected, convert=options["convert_units"]):
            return GradeResult.ok(
                f"found {options['duration']} (written {q(number.text, 40)})",
                code="mentions.found",
                data={**data, "found": number.text},
            )
    shown = listing(q(n.text, 20) for n, _unit in found[:4]) if found else "no duration"
    return GradeResult.fail(
        f"{q(str(options['duration']), 30)} is not in the output (it has {shown})",
        code="mentions.not_found",
        data={**data, "found": [n.text for n, _unit in found[:10]]},
    )


def _ordinal(output: str, options: dict[str, Any]) -> GradeResult:
    expected = int(options["ordinal"])
    data: dict[str, Any] = {"kind": "ordinal", "expected": expected}
    found = find_ordinals(output)
    for item in found:
        if int(item.value) == expected:
            return GradeResult.ok(
                f"found the ordinal {expected} (written {q(item.text, 20)})",
                code="mentions.found",
                data={**data, "found": item.text},
            )
    return GradeResult.fail(
        f"the ordinal {expected} is not in the output",
        code="mentions.not_found",
        data={**data, "found": [item.text for item in found[:10]]},
    )


_BY_KIND = {
    "number": _number,
    "range": _range,
    "date": _date,
    "duration": _duration,
    "ordinal": _ordinal,
}


@register(
    "mentions",
    options={
        "number": Opt("number"),
        "range": Opt("numbers"),
        "date": Opt("date"),
        "duration": Opt("text"),
        "ordinal": Opt("count"),
        "currency": Opt("text"),
        "percent": Opt("bool", default=False),
        "unit": Opt("text"),
        "tolerance": Opt("number", default=0.0),
        "relative": Opt("number"),
        "day_first": Opt("bool"),
        "allow_no_year": Opt("bool", default=False),
        "convert_units": Opt("bool", default=False),
        "words": Opt("bool", default=True),
    },
)
def mentions(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """The output states the value the check names, in any written form."""
    return _BY_KIND[_kind(options)](output, options)
