"""Values in the forms people write them: numbers, ranges, durations, ordinals.

Each `find_*` function reads every value of its kind in a text and returns
`Found` items: the value, the words as written (for reasons: "found 1200
written as '$1,200.00'"), and what was written beside it (currency, unit).

Numbers: `1,200`, `1 200`, `1200.00`, `1.2k`, `$1,200.00`, `£1.2m`, `1,200 GBP`,
`12 %`, `12 per cent`, `twelve`, `twenty-four`, `2½`, every minus sign.
A number inside another (the 1,200 of 11,200 or of 1,200.5, a version
v1.2.3, an id A1200) is not read as that number.

Dates are read by `graders.dates`.

Ranges: two numbers joined by `-`, `–`, `to`, `and` (after `between`), `until`.
Durations: a number (digits or words) and a unit of time: `24 months`, `24-month`.
Ordinals: `3rd`, `third`, `twenty-first`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

# --- number words -------------------------------------------------------------

UNITS = {
    "zero": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}  # fmt: skip
_NUMBER_WORD = "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True))
_ORDINAL_WORD = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
WORDS_RE = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b", re.IGNORECASE
)
ORDINAL_WORDS_RE = re.compile(
    rf"\b(?:(?:{'|'.join(TENS)})[\s-]?)?(?:{_ORDINAL_WORD})\b", re.IGNORECASE
)
_WORD_TOKEN = re.compile(rf"\b(?:{_NUMBER_WORD}|and)\b", re.IGNORECASE)


def _word_kind(word: str, last: str) -> tuple[str, bool]:
    """The kind of a number word, and whether it can follow a word of kind `last`."""
    if word in UNITS:
        kind = "teen" if UNITS[word] >= 10 else "unit"
        return kind, last in {"", "tens", "hundred", "scale"} and not (
            last == "tens" and kind == "teen"
        )
    if word in TENS:
        return "tens", last in {"", "hundred", "scale"}
    if word == "hundred":
        return "hundred", last in {"", "unit", "teen"}
    return "scale", last in {"", "unit", "teen", "tens", "hundred"}


def word_numbers(text: str) -> list[tuple[int, int, float]]:
    """(start, end, value) of each number written in words.

    "twenty-four" and "one hundred and five" are one number each; "one two"
    is two numbers, since a unit cannot follow a unit.
    """
    out: list[tuple[int, int, float]] = []
    for run in WORDS_RE.finditer(text):
        total = current = 0
        start = end = -1
        last = ""  # the kind of the last word: unit, teen, tens, hundred, scale
        for token in _WORD_TOKEN.finditer(text, run.start(), run.end()):
            word = token.group(0).casefold()
            if word == "and":
                continue
            kind, fits = _word_kind(word, last)
            if not fits:
                out.append((start, end, float(total + current)))
                total = current = 0
                start = -1
            if start < 0:
                start = token.start()
            if word in UNITS:
                current += UNITS[word]
            elif word in TENS:
                current += TENS[word]
            elif word == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * SCALES[word]
                current = 0
            end, last = token.end(), kind
        if start >= 0:
            out.append((start, end, float(total + current)))
    return out


def words_value(text: str) -> float | None:
    """The value of a text that is one number in words ("twenty-four"), else None."""
    numbers = word_numbers(text)
    if len(numbers) == 1 and numbers[0][0] == len(text) - len(text.lstrip()):
        _start, end, value = numbers[0]
        if not text[end:].strip():
            return value
    return None


# --- currencies, scales, percent ---------------------------------------------------

CURRENCY_SYMBOLS = {
    "£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB",
    "₺": "TRY", "us$": "USD", "a$": "AUD", "c$": "CAD", "nz$": "NZD", "hk$": "HKD",
}  # fmt: skip
CURRENCY_CODES = frozenset(
    {"GBP", "USD", "EUR", "JPY", "INR", "AUD", "CAD", "CHF", "NZD", "HKD", "SEK", "NOK", "DKK",
     "PLN", "CNY", "ZAR", "SGD", "KRW", "RUB", "TRY", "BRL", "MXN"}
)  # fmt: skip
CURRENCY_WORDS = {
    "pound": "GBP", "pounds": "GBP", "quid": "GBP", "sterling": "GBP", "dollar": "USD",
    "dollars": "USD", "euro": "EUR", "euros": "EUR", "yen": "JPY", "rupees": "INR",
}  # fmt: skip


def currency_code(name: str) -> str | None:
    """'£', 'gbp', 'pounds' → 'GBP'; None when not a currency this module knows."""
    text = name.strip()
    lowered = text.casefold()
    if lowered in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[lowered]
    if text.upper() in CURRENCY_CODES:
        return text.upper()
    return CURRENCY_WORDS.get(lowered)


SCALE_WORDS = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9,
}  # fmt: skip
# One-letter scales that only a money amount makes certain ("5m" may be five metres).
_MONEY_ONLY_SCALES = frozenset({"m", "b", "mm"})

FRACTIONS = {
    "½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅕": 0.2, "⅖": 0.4, "⅗": 0.6,
    "⅘": 0.8, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625, "⅞": 0.875,
}  # fmt: skip
_FRACTION_CHARS = "".join(FRACTIONS)
MINUS = "-−–‒﹣－"
# Spaces people put between thousands: plain, no-break, narrow no-break, thin.
_GROUP_SPACE = " \u00a0\u202f\u2009"
_CODES = "|".join(sorted(CURRENCY_CODES))

_CODE = rf"(?-i:{_CODES})"
NUMBER_RE = re.compile(
    rf"""
    (?<![\w.,/])
    (?P<sign>[{MINUS}+](?=[\d£$€¥₹.{_FRACTION_CHARS}]|(?:US|A|C|NZ|HK)\$))?
    (?P<cur>(?:US|A|C|NZ|HK)\$|[£$€¥₹₩₽₺]|{_CODE}[\s\u00a0])?
    (?(cur)[\s\u00a0]?)
    (?P<sign2>(?<=[£$€¥₹₩₽₺\s])[{MINUS}])?
    (?P<int>
        \d{{1,3}}(?:,\d{{3}})+(?![\d]|,\d)
      | \d{{1,3}}(?:[{_GROUP_SPACE}]\d{{3}})+(?!\d)
      | \d+
    )?
    (?P<dec>(?<=\d)\.\d+(?!\d|\.\d)|(?<!\d)\.\d+)?  # "8.95." ends a sentence; "1.2.3" is no number
    (?P<frac>[{_FRACTION_CHARS}])?
    (?<=[\d{_FRACTION_CHARS}])
    (?![\w.]\d|\.\d)
    (?:[{_GROUP_SPACE}]?(?P<scale>k|mn|mm|m|bn|b|thousand|million|billion)\b)?
    (?:[{_GROUP_SPACE}]?(?P<pct>%|per[\s-]?cent\b|percent\b))?
    (?:[{_GROUP_SPACE}]?(?P<code>{_CODE})\b)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_UNIT_AFTER = re.compile(r"[\s-]?([A-Za-z][A-Za-z.]*)")
_PERCENT_AFTER = re.compile(r"\s?(?:%|per[\s-]?cent\b|percent\b)", re.IGNORECASE)
_DROP_GROUPING = str.maketrans({",": None, **dict.fromkeys(_GROUP_SPACE, None)})


@dataclass(frozen=True)
class Found:
    """One value read from a text: what it is, how it was written, and where."""

    value: float
    text: str
    start: int
    end: int
    currency: str | None = None
    percent: bool = False
    unit: str | None = None  # the word right after the number ("months", "items")
    form: str = "digits"  # digits | words | fraction
    scale: float = 1.0  # the k, m or "million" written after it


def _unit_after(text: str, end: int) -> str | None:
    match = _UNIT_AFTER.match(text, end)
    return match.group(1).rstrip(".").casefold() if match else None


def _digits(text: str, match: re.Match[str]) -> Found | None:
    integer, decimal, frac = match.group("int"), match.group("dec"), match.group("frac")
    if not (integer or decimal or frac):
        return None
    value = float((integer or "0").translate(_DROP_GROUPING))
    if decimal:
        value += float("0" + decimal)
    if frac:
        value += FRACTIONS[frac]
    cur_text = (match.group("cur") or "").strip() or (match.group("code") or "")
    currency = currency_code(cur_text) if cur_text else None
    scale_word = (match.group("scale") or "").casefold()
    end = match.end()
    scale = 1.0
    if scale_word and scale_word in _MONEY_ONLY_SCALES and currency is None:
        # "5m" with no money in sight may be five metres or minutes: not a scale.
        end = match.start("scale")
        while end > match.start() and text[end - 1] in _GROUP_SPACE:
            end -= 1
    elif scale_word:
        scale = SCALE_WORDS[scale_word]
        value *= scale
    sign = match.group("sign") or ""
    if (sign and sign in MINUS) or match.group("sign2"):
        value = -value
    unit = _unit_after(text, end)
    if currency is None and unit is not None:
        currency = CURRENCY_WORDS.get(unit)
    return Found(
        value=value,
        text=text[match.start() : end],
        start=match.start(),
        end=end,
        currency=currency,
        percent=match.group("pct") is not None and end >= match.end("pct"),
        unit=unit,
        form="fraction" if frac else "digits",
        scale=scale,
    )


def find_numbers(text: str, *, words: bool = True) -> list[Found]:
    """Every number in `text` in reading order (digits, and number words if `words`)."""
    found = [item for match in NUMBER_RE.finditer(text) if (item := _digits(text, match))]
    if words:
        taken = [(item.start, item.end) for item in found]
        for start, end, value in word_numbers(text):
            if any(s < end and start < e for s, e in taken):
                continue
            pct = _PERCENT_AFTER.match(text, end)
            if pct:
                end = pct.end()
            unit = _unit_after(text, end)
            found.append(
                Found(
                    value=value,
                    text=text[start:end],
                    start=start,
                    end=end,
                    currency=CURRENCY_WORDS.get(unit or ""),
                    percent=pct is not None,
                    unit=unit,
                    form="words",
                )
            )
        found.sort(key=lambda item: item.start)
    return found


def first_number(text: str, *, words: bool = False) -> Found | None:
    numbers = find_numbers(text, words=words)
    return numbers[0] if numbers else None


def fmt(value: float) -> str:
    """A number for a reason: 1200, 12.5, -3 (no float noise)."""
    return f"{value:.12g}"


def close(found: float, expected: float, allowed: float = 0.0) -> bool:
    """Within `allowed`, with a little slack for binary floating point."""
    slack = 1e-9 * max(1.0, abs(expected))
    return abs(found - expected) <= allowed + slack


# --- ordinals -------------------------------------------------------------------------

_ORDINAL_DIGITS = re.compile(r"(?<![\w.])(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


def find_ordinals(text: str) -> list[Found]:
    """'3rd', 'third', 'twenty-first' and the like."""
    found = [
        Found(float(m.group(1)), m.group(0), m.start(), m.end(), form="digits")
        for m in _ORDINAL_DIGITS.finditer(text)
    ]
    for match in ORDINAL_WORDS_RE.finditer(text):
        parts = re.split(r"[\s-]+", match.group(0).casefold())
        value = sum(TENS.get(part, 0) + ORDINAL_WORDS.get(part, 0) for part in parts)
        found.append(Found(float(value), match.group(0), match.start(), match.end(), form="words"))
    return sorted(found, key=lambda item: item.start)


# --- ranges ---------------------------------------------------------------------------

_DASHES = MINUS + "—―"
_JOIN = re.compile(rf"^\s*(?:[{_DASHES}]|to|and|until|till|through|thru)\s*$", re.IGNORECASE)
_BETWEEN = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class FoundRange:
    low: Found
    high: Found
    text: str


def find_ranges(text: str, *, words: bool = True) -> list[FoundRange]:
    """Two numbers joined as a range ("3-5", "3 to 5", "between 3 and 5"), in written order."""
    numbers = find_numbers(text, words=words)
    ranges = []
    for low, high in itertools.pairwise(numbers):
        between = text[low.end : high.start]
        if not _JOIN.match(between):
            continue
        joiner = between.strip().casefold()
        if joiner == "and" and not _BETWEEN.search(text[: low.start]):
            continue
        if low.currency is None and high.currency is not None:
            low = _with(low, currency=high.currency)
        if not low.percent and high.percent:
            low = _with(low, percent=True)
        if low.scale == 1.0 and high.scale != 1.0 and low.form == "digits":
            # "£43-46k": the scale written once applies to both ends.
            low = _with(low, value=low.value * high.scale, scale=high.scale)
        ranges.append(FoundRange(low, high, text[low.start : high.end]))
    return ranges


def _with(found: Found, **changes: object) -> Found:
    return replace(found, **changes)  # type: ignore[arg-type]


# --- durations ------------------------------------------------------------------------

# Each unit in its chain's base: days for days and weeks, months for months and years.
DURATION_UNITS: dict[str, tuple[str, float]] = {
    "second": ("seconds", 1), "sec": ("seconds", 1),
    "minute": ("seconds", 60), "min": ("seconds", 60),
    "hour": ("seconds", 3600), "hr": ("seconds", 3600), "h": ("seconds", 3600),
    "day": ("days", 1), "working day": ("workdays", 1), "business day": ("workdays", 1),
    "week": ("days", 7), "wk": ("days", 7), "fortnight": ("days", 14),
    "month": ("months", 1), "mo": ("months", 1), "mth": ("months", 1),
    "quarter": ("months", 3), "year": ("months", 12), "yr": ("months", 12),
}  # fmt: skip


def duration_unit(word: str) -> str | None:
    """'months', 'Month', 'mos', 'yrs' → the unit's singular name, or None."""
    text = word.casefold().strip().rstrip(".")
    for candidate in (text, text[:-1] if text.endswith("s") else text):
        if candidate in DURATION_UNITS:
            return candidate
    return None


_DURATION_TEXT = re.compile(r"^\s*(.+?)[\s-]*([A-Za-z][A-Za-z ]*?)\s*$")


def parse_duration(text: str) -> tuple[float, str]:
    """'24 months' / '2 years' / 'two weeks' → (24.0, 'month'); ValueError if it is not one."""
    numbers = find_numbers(text)
    if len(numbers) != 1:
        raise ValueError(f"{text!r} is not a duration such as '24 months'")
    number = numbers[0]
    rest = text[number.end :].strip(" -")
    unit = duration_unit(rest)
    if unit is None:
        raise ValueError(f"{text!r} has no unit of time (days, weeks, months, years …)")
    return number.value, unit


def find_durations(text: str) -> list[tuple[Found, str]]:
    """(number, unit) for every number followed by a unit of time ("24-month", "two years")."""
    out = []
    for number in find_numbers(text):
        after = re.match(r"[\s-]?((?:working|business)\s+days?|[A-Za-z]+\.?)", text[number.end :])
        if after is None:
            continue
        unit = duration_unit(after.group(1))
        if unit is not None:
            end = number.end + after.end()
            out.append((_with(number, text=text[number.start : end], end=end), unit))
    return out


def same_duration(found: tuple[float, str], expected: tuple[float, str], *, convert: bool) -> bool:
    """Same amount of time: same unit, or (if `convert`) an exact conversion in one chain."""
    (value, unit), (want, want_unit) = found, expected
    if unit == want_unit or DURATION_UNITS[unit] == DURATION_UNITS[want_unit]:
        return close(value, want)
    if not convert:
        return False
    base, factor = DURATION_UNITS[unit]
    want_base, want_factor = DURATION_UNITS[want_unit]
    return base == want_base and close(value * factor, want * want_factor)
