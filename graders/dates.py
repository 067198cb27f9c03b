"""Dates in the forms people write them.

ISO `2026-03-01` (and `2026/03/01`, a time after it), `1 March 2026`,
`1st of March, 2026`, `March 1st, 2026`, `Mar 1 2026`, `01-Mar-2026`, and
numeric `1/3/2026`: day first or month first as the check declares, and an
ambiguous numeric date is never guessed (it keeps both readings). A date
written without a year (`1 March`) is found, and matches only where a check
allows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ISO",
        re.compile(
            r"(?<![\w/.-])(?P<year>\d{4})([-/.])(?P<month>[01]?\d)\2(?P<day>[0-3]?\d)"
            r"(?!\d|[/.-]\d)"
        ),
    ),
    (
        "day month year",
        re.compile(
            rf"(?<![\w]){_DAY}(?:\s+of)?[\s.-]+(?P<month>{_MONTH})\b\.?,?[\s.-]+{_YEAR}(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "month day year",
        re.compile(rf"(?<![\w])(?P<month>{_MONTH})\b\.?\s+{_DAY},?\s+{_YEAR}(?!\d)", re.IGNORECASE),
    ),
    (
        "numeric",
        re.compile(
            r"(?<![\w/.-])(?P<a>[0-3]?\d)([/.-])(?P<b>[0-3]?\d)\2(?P<year>\d{4}|\d{2})"
            r"(?!\d|[/.-]\d)"
        ),
    ),
    (
        "day month",
        re.compile(
            rf"(?<![\w]){_DAY}(?:\s+of)?\s+(?P<month>{_MONTH})\b(?![.,]?\s+\d)", re.IGNORECASE
        ),
    ),
    (
        "month day",
        re.compile(
            rf"(?<![\w])(?P<month>{_MONTH})\.?\s+{_DAY}\b(?!,?\s+\d{{4}})(?!:)", re.IGNORECASE
        ),
    ),
]


@dataclass(frozen=True)
class FoundDate:
    """A date read from a text; `value` is None where the text leaves it open."""

    value: date | None
    text: str
    start: int
    form: str
    candidates: tuple[date, ...] = ()  # an ambiguous numeric date: both readings
    no_year: tuple[int, int] | None = None  # (month, day) of a date written without a year


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, *, day_first: bool | None = None) -> list[FoundDate]:
    """Every date in `text`. A numeric date whose day and month could swap is read
    by `day_first`; when that is None such a date keeps both readings (`candidates`)."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for form, pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            groups = match.groupdict()
            if form in {"day month", "month day"}:
                if groups["month"][0].islower():  # "you may 2 …" is no date
                    continue
                month, day = MONTHS[groups["month"].casefold()], int(groups["day"])
                if 1 <= day <= 31:
                    found.append(
                        FoundDate(None, match.group(0), match.start(), form, no_year=(month, day))
                    )
                    taken.append(match.span())
                continue
            year = int(groups["year"])
            if len(groups["year"]) == 2:
                year += 2000
            if form == "numeric":
                a, b = int(groups["a"]), int(groups["b"])
                readings = {
                    "day first": _date(year, b, a),
                    "month first": _date(year, a, b),
                }
                options = tuple(dict.fromkeys(d for d in readings.values() if d is not None))
                if not options:
                    continue
                if len(options) == 1:
                    value: date | None = options[0]
                elif day_first is None:
                    value = None
                else:
                    value = readings["day first" if day_first else "month first"]
                found.append(FoundDate(value, match.group(0), match.start(), form, options))
                taken.append(match.span())
                continue
            month_text = groups["month"]
            month = int(month_text) if month_text.isdigit() else MONTHS[month_text.casefold()]
            value = _date(year, month, int(groups["day"]))
            if value is not None:
                found.append(FoundDate(value, match.group(0), match.start(), form))
                taken.append(match.span())
    return sorted(found, key=lambda item: item.start)


def parse_date(value: object) -> date:
    """A check's `date` option (a TOML date or 'YYYY-MM-DD') as a date; ValueError if not."""
    if isinstance(value, date):
        return value if type(value) is date else value.date()  # type: ignore[attr-defined]
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise ValueError(f"{value!r} is not a date (write it as 2026-03-01)")
