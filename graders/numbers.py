"""The number grader: the first number in the output (or one a pattern picks), within tolerance."""

from __future__ import annotations

import math
import re
from typing import Any

from graders._text import q
from graders.context import GradeContext
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult
from graders.text import compile_pattern

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
    """The first number in `text`, reading "1,234.5", "£1,200" and "-3" as numbers."""
    match = NUMBER.search(text)
    if match is None:
        return None
    value = float(match.group("digits").replace(",", ""))
    if set(match.group("sign") + match.group("sign2")) & {"-", "−"}:
        value = -value
    return value


def _fmt(value: float) -> str:
    return f"{value:.12g}"


@register(
    "number",
    options={
        "expected": Opt("number", required=True),
        "tolerance": Opt("number", default=0.0),
        "relative": Opt("number"),
        "pattern": Opt("text"),
        "flags": Opt("text", default=""),
    },
)
def number(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """A number in the output equals `expected` within an absolute or relative tolerance."""
    expected = float(options["expected"])
    tolerance = float(options["tolerance"])
    relative = options.get("relative")
    if tolerance < 0 or (relative is not None and relative < 0):
        raise BadOptions("tolerance and relative must not be negative")
    allowed = max(tolerance, abs(expected) * float(relative or 0.0))
    where = "the output"
    text = output
    if options.get("pattern"):
        pattern = compile_pattern(options["pattern"], options["flags"])
        match = pattern.search(output)
        if match is None:
            return GradeResult.fail(
                f"no number found: nothing matches the pattern {q(pattern.pattern, 60)}"
            )
        text = match.group(1) if pattern.groups else match.group(0)
        text = text or ""
        where = f"{q(match.group(0), 60)}"
    found = parse_number(text)
    if found is None:
        return GradeResult.fail(f"no number found in {where}")
    # A little slack for binary floating point (0.1 + 0.2).
    slack = 1e-9 * max(1.0, abs(expected))
    difference = abs(found - expected)
    if math.isfinite(found) and difference <= allowed + slack:
        within = f" (within ±{_fmt(allowed)})" if allowed else ""
        return GradeResult.ok(f"found {_fmt(found)}, expected {_fmt(expected)}{within}")
    margin = f" ±{_fmt(allowed)}" if allowed else ""
    return GradeResult.fail(
        f"found {_fmt(found)}, expected {_fmt(expected)}{margin}: off by {_fmt(difference)}"
    )
