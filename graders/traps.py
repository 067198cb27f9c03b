"""Planted-error traps: mutations that turn a correct output into a plausibly wrong one.

With an exercise's trap rate the runtime may show the learner a flawed
variant of the real output instead of the output itself, and discloses it
after the judgment. A variant is either recorded in the exercise (a trap with
`output`) or made here by a named mutation of the real output (a trap with
`mutate`): drop an item, change a number, shift a date, swap two names, swap
a label, invent a citation, remove a negation, cut the output short, or add
chatty text around it.

Every mutation is `fn(output, rng, **options) -> Mutation | None`. It returns
None when it cannot apply (no number to change, no list to drop from); it
never fakes a change, and a returned mutation always differs from the input.
All randomness comes from `rng`, so the same seed and output give the same
mutation.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import itertools
import json
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from graders.names import MUTATIONS


class Edit(BaseModel):
    """The one stretch of the real output that changed: `old` at `start` became `new`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int = Field(ge=0)
    old: str
    new: str


def text_edit(real: str, shown: str) -> Edit:
    """The smallest stretch, widened to whole words, outside which both texts agree."""
    start = 0
    limit = min(len(real), len(shown))
    while start < limit and real[start] == shown[start]:
        start += 1
    end = 0
    while end < limit - start and real[-1 - end] == shown[-1 - end]:
        end += 1
    while start > 0 and real[start - 1].isalnum():
        start -= 1  # widen to the start of a word
    while end > 0 and real[len(real) - end].isalnum():
        end -= 1  # and to its end
    return Edit(start=start, old=real[start : len(real) - end], new=shown[start : len(shown) - end])


class Mutation(BaseModel):
    """A flawed variant of an output, and what was changed in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="The mutation's name, or 'recorded' for a recorded trap.")
    output: str = Field(description="The flawed text shown to the learner.")
    changed_lines: tuple[int, ...] = Field(
        default=(),
        description="1-based lines of `output` holding the change; for a removal, the line "
        "where the removed text was.",
    )
    description: str = Field(description="What was changed, in plain words, for after the call.")
    error_kind: str | None = None
    note: str = Field(default="", description="The exercise trap's own note, if it has one.")
    edit: Edit | None = Field(
        default=None,
        description="What changed in the real output (start, old, new), so a test or a reader "
        "can check the description against the text.",
    )


class TrapLike(Protocol):
    """A trap as an exercise declares it (coach.content.models.Trap fits)."""

    @property
    def mutate(self) -> str | None: ...
    @property
    def output(self) -> str | None: ...
    @property
    def error_kind(self) -> str | None: ...
    @property
    def note(self) -> str: ...


Mutator = Callable[..., "Mutation | None"]
# What an implementation finds: the new text, the changed lines, the description.
_Found = tuple[str, Iterable[int], str]

DEFAULT_ERROR_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "drop_item": "missing item",
        "change_number": "wrong number",
        "shift_date": "wrong date",
        "swap_names": "swapped names",
        "swap_label": "wrong label",
        "invent_citation": "invented citation",
        "remove_negation": "reversed meaning",
        "truncate": "incomplete output",
        "add_extra_text": "extra text",
    }
)

_REGISTRY: dict[str, Mutator] = {}
MUTATORS: Mapping[str, Mutator] = MappingProxyType(_REGISTRY)


def _mutation(name: str) -> Callable[[Callable[..., _Found | None]], Mutator]:
    """Register an implementation under `name`, wrapping what it finds in a `Mutation`."""

    def register(impl: Callable[..., _Found | None]) -> Mutator:
        @functools.wraps(impl)
        def run(output: str, rng: random.Random, **options: Any) -> Mutation | None:
            if not output.strip():
                return None
            found = impl(output, rng, **options)
            if found is None:
                return None
            text, lines, description = found
            if text == output or not text.strip():
                return None
            total = max(1, len(text.splitlines()))
            changed = tuple(sorted({min(max(line, 1), total) for line in lines}))
            return Mutation(
                name=name,
                output=text,
                changed_lines=changed,
                description=description,
                error_kind=DEFAULT_ERROR_KINDS[name],
                edit=text_edit(output, text),
            )

        _REGISTRY[name] = run
        return run

    return register


# --- small helpers -------------------------------------------------------------


def _line_of(text: str, position: int) -> int:
    """The 1-based line holding `position`."""
    return text.count("\n", 0, position) + 1


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _on_line(text: str, position: int) -> str:
    """' on line N' where the text has several lines, else ''."""
    return f" on line {_line_of(text, position)}" if "\n" in text.strip() else ""


def _weighted_choice(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    return items[rng.choices(range(len(items)), weights=weights)[0]]


# --- JSON: locate arrays and numbers without re-serialising ----------------------

_JSON_WS = " \t\r\n"


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _JSON_WS:
        i += 1
    return i


class _JsonSpans:
    """Character spans inside a JSON text already known to be valid."""

    def __init__(self, text: str, start: int) -> None:
        self.arrays: list[list[tuple[int, int]]] = []  # element spans of each array
        self.numbers: list[tuple[int, int]] = []  # number literals that are values
        self.end = self._value(text, _skip_ws(text, start))

    def _value(self, s: str, i: int) -> int:
        c = s[i]
        if c == '"':
            i += 1
            while s[i] != '"':
                i += 2 if s[i] == "\\" else 1
            return i + 1
        if c == "[":
            spans: list[tuple[int, int]] = []
            i = _skip_ws(s, i + 1)
            while s[i] != "]":
                end = self._value(s, i)
                spans.append((i, end))
                i = _skip_ws(s, end)
                if s[i] == ",":
                    i = _skip_ws(s, i + 1)
            self.arrays.append(spans)
            return i + 1
        if c == "{":
            i = _skip_ws(s, i + 1)
            while s[i] != "}":
                i = _skip_ws(s, self._value(s, i))  # the key, then ':'
                i = _skip_ws(s, self._value(s, _skip_ws(s, i + 1)))
                if s[i] == ",":
                    i = _skip_ws(s, i + 1)
            return i + 1
        start = i
        while i < len(s) and s[i] not in ",]}" + _JSON_WS:
            i += 1
        if c.isdigit() or c == "-":
            self.numbers.append((start, i))
        return i


_FENCE = re.compile(r"```[ \t]*(?:json)?[ \t]*\n(.*?)\n?[ \t]*```", re.S | re.I)


def _json_region(text: str) -> tuple[int, int] | None:
    """The span of the JSON array or object in `text`: all of it, a fenced block, or the first."""
    candidates: list[int] = []
    stripped_start = len(text) - len(text.lstrip())
    candidates.append(stripped_start)
    if fence := _FENCE.search(text):
        candidates.append(fence.start(1))
    candidates.extend(i for i in (text.find("["), text.find("{")) if i >= 0)
    decoder = json.JSONDecoder()
    for start in dict.fromkeys(candidates):
        start = _skip_ws(text, start)
        if start >= len(text) or text[start] not in "[{":
            continue
        try:
            _, end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        return start, end
    return None


def _is_whole_json(text: str) -> bool:
    region = _json_region(text)
    return region is not None and not (text[: region[0]] + text[region[1] :]).strip()


# --- drop_item ---------------------------------------------------------------------

_LIST_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-*•+])|(?P<num>\d{1,3})(?P<sep>[.)]))[ \t]+(?P<body>\S.*)$"
)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _drop_from_json(text: str, rng: random.Random) -> _Found | None:
    region = _json_region(text)
    if region is None:
        return None
    arrays = [spans for spans in _JsonSpans(text, region[0]).arrays if len(spans) >= 2]
    if not arrays:
        return None
    spans = rng.choice(arrays)
    k = rng.randrange(len(spans))
    start, end = spans[k]
    cut = (start, spans[k + 1][0]) if k + 1 < len(spans) else (spans[k - 1][1], end)
    removed = text[start:end]
    new = text[: cut[0]] + text[cut[1] :]
    line = _line_of(text, start)
    where = f" (it was line {line})" if "\n" in text.strip() else ""
    return new, [line], f"removed the item {_short(removed)} from the JSON list{where}"


def _list_groups(lines: list[str]) -> list[dict[str, Any]]:
    """Groups of two or more sibling list items; each item spans [start, end) lines."""
    items: list[tuple[int, int, tuple[str, str], re.Match[str]]] = []
    i = 0
    while i < len(lines):
        match = _LIST_ITEM.match(lines[i])
        if not match:
            i += 1
            continue
        indent = match["indent"]
        key = (indent, match["bullet"] or f"n{match['sep']}")
        end = i + 1
        while end < len(lines) and lines[end].strip():
            nested = len(lines[end]) - len(lines[end].lstrip())
            if nested <= len(indent):
                break  # a sibling item or a new paragraph
            end += 1
        items.append((i, end, key, match))
        i = end
    groups: list[dict[str, Any]] = []
    current: list[tuple[int, int, tuple[str, str], re.Match[str]]] = []
    for item in items:
        if current:
            previous = current[-1]
            between = lines[previous[1] : item[0]]
            if item[2] == previous[2] and all(not line.strip() for line in between):
                current.append(item)
                continue
            groups.append({"items": current})
        current = [item]
    if current:
        groups.append({"items": current})
    return [group for group in groups if len(group["items"]) >= 2]


def _drop_list_item(lines: list[str], group: dict[str, Any], k: int) -> _Found:
    items = group["items"]
    start, end, _, match = items[k]
    cut = (start, items[k + 1][0]) if k + 1 < len(items) else (items[k - 1][1], end)
    new_lines = list(lines)
    numbers = [int(item[3]["num"]) for item in items if item[3]["num"] is not None]
    sequential = len(numbers) == len(items) and numbers == list(
        range(numbers[0], numbers[0] + len(numbers))
    )
    if sequential:
        for later in items[k + 1 :]:
            row = later[0]
            m = later[3]
            new_lines[row] = (
                new_lines[row][: m.start("num")]
                + str(int(m["num"]) - 1)
                + new_lines[row][m.end("num") :]
            )
    del new_lines[cut[0] : cut[1]]
    line = start + 1
    body = _short(match["body"])
    if k + 1 < len(items):
        description = f'removed the item "{body}" from the list (it was line {line})'
    else:
        description = f'removed the last item, "{body}", from the list'
        line = cut[0]  # the line before: where the list now ends
    return "\n".join(new_lines), [line], description


def _table_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Body rows [first, end) of CSV or markdown tables with a header and two or more rows."""
    blocks: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip():
            j += 1
        block = lines[i:j]
        if len(block) >= 4 and all(r.strip().startswith("|") for r in block):
            if _TABLE_RULE.match(block[1]):
                blocks.append((i + 2, j))
        elif len(block) >= 3 and _looks_like_csv(block):
            blocks.append((i + 1, j))
        i = j
    return blocks


def _looks_like_csv(block: list[str]) -> bool:
    try:
        rows = list(csv.reader(block))
    except csv.Error:
        return False
    widths = {len(row) for row in rows}
    if len(widths) != 1 or widths.pop() < 2:
        return False
    fields = [field.strip() for row in rows for field in row]
    return all(len(field) <= 60 and ". " not in field for field in fields)


@_mutation("drop_item")
def drop_item(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Remove one item of a JSON array, a bullet or numbered list, or a table (≥ 2 items)."""
    if _is_whole_json(output):
        return _drop_from_json(output, rng)
    lines = output.split("\n")
    choices: list[tuple[str, Any]] = [("list", group) for group in _list_groups(lines)]
    choices += [("table", block) for block in _table_blocks(lines)]
    if not choices:
        return _drop_from_json(output, rng)  # JSON inside other text
    kind, found = rng.choice(choices)
    if kind == "list":
        return _drop_list_item(lines, found, rng.randrange(len(found["items"])))
    row = rng.randrange(*found)
    removed = lines[row]
    new_lines = lines[:row] + lines[row + 1 :]
    description = (
        f'removed the row "{_short(removed.strip())}" from the table (it was line {row + 1})'
    )
    return "\n".join(new_lines), [row + 1], description


# --- dates -------------------------------------------------------------------------

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH_WORD = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?P<dot>\.)?"
)
_ORD = r"(?P<ord>st|nd|rd|th)?"
_ISO_DATE = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")
_DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH_WORD}(?:,?\s+(?P<year>\d{{4}}))?\b"
)
_MONTH_DAY = re.compile(rf"\b{_MONTH_WORD}\s+(?P<day>\d{{1,2}}){_ORD}(?:,\s*(?P<year>\d{{4}}))?\b")
_SLASH_DATE = re.compile(
    r"(?<![\d/])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/])"
)
_YEARLESS = 2024  # a leap year, so 29 February survives as a yearless date


class _Date:
    """A date found in text, and how to write another date the same way."""

    def __init__(self, match: re.Match[str], kind: str, date: dt.date, day_first: bool) -> None:
        self.match = match
        self.kind = kind
        self.date = date
        self.day_first = day_first
        self.start, self.end = match.span()

    def render(self, date: dt.date) -> str:
        m = self.match
        text = m.group(0)
        offset = m.start()
        parts: dict[str, str] = {}
        if self.kind == "iso":
            return date.isoformat()
        if self.kind == "slash":
            day_group, month_group = ("a", "b") if self.day_first else ("b", "a")
            parts[day_group] = _pad(date.day, m[day_group])
            parts[month_group] = _pad(date.month, m[month_group])
            if m["year"] is not None:
                parts["year"] = str(date.year)[-len(m["year"]) :]
        else:
            parts["day"] = _pad(date.day, m["day"])
            if m["ord"]:
                parts["ord"] = _ordinal(date.day)
            parts["month"] = _month_like(date.month, m["month"])
            if m["year"] is not None:
                parts["year"] = str(date.year)
        for group in sorted(parts, key=lambda g: m.start(g), reverse=True):
            s, e = m.start(group) - offset, m.end(group) - offset
            text = text[:s] + parts[group] + text[e:]
        return text


def _pad(value: int, like: str) -> str:
    return str(value).zfill(len(like)) if like.startswith("0") else str(value)


def _ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _month_number(word: str) -> int:
    return next(i for i, name in enumerate(_MONTHS, 1) if name.lower().startswith(word[:3].lower()))


def _month_like(month: int, like: str) -> str:
    name = _MONTHS[month - 1]
    if like.lower() not in {full.lower() for full in _MONTHS}:  # an abbreviation: Feb, Sept
        name = "Sept" if like.lower() == "sept" and month == 9 else name[:3]
    return name.upper() if like.isupper() and len(like) > 1 else name


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _find_dates(text: str) -> list[_Date]:
    found: list[_Date] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], kind: str, date: dt.date | None, day_first: bool = True) -> None:
        if date is None or any(s < match.end() and match.start() < e for s, e in taken):
            return
        taken.append(match.span())
        found.append(_Date(match, kind, date, day_first))

    for m in _ISO_DATE.finditer(text):
        add(m, "iso", _safe_date(int(m["year"]), int(m["month"]), int(m["day"])))
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text):
            year = int(m["year"]) if m["year"] else _YEARLESS
            add(m, "words", _safe_date(year, _month_number(m["month"]), int(m["day"])))
    for m in _SLASH_DATE.finditer(text):
        if m["sep"] == "." and len(m["year"]) == 2:
            continue  # 1.5.10 is more likely a version than a date
        a, b = int(m["a"]), int(m["b"])
        year = int(m["year"]) + (2000 if len(m["year"]) == 2 else 0)
        day_first = not (a <= 12 < b)  # day-first unless only month-first makes sense
        day, month = (a, b) if day_first else (b, a)
        add(m, "slash", _safe_date(year, month, day), day_first)
    return sorted(found, key=lambda d: d.start)


_DATE_SLIPS = (1, 1, 2, 3, 7, 7, 14)


@_mutation("shift_date")
def shift_date(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Move one date by a day, a few days or a week or two, or swap its day and month,
    keeping its format."""
    dates = _find_dates(output)
    if not dates:
        return None
    target = rng.choice(dates)
    old = output[target.start : target.end]
    present = {output[d.start : d.end] for d in dates}
    new = None
    for _attempt in range(12):
        date = target.date
        # Swapping day and month is the numeric formats' own mistake (03/04 vs 04/03).
        swappable = target.kind != "words" and date.day <= 12 and date.day != date.month
        if swappable and rng.random() < 0.25:
            shifted = _safe_date(date.year, date.day, date.month)
        else:
            # Models slip by a day, a weekday or a week; a month-long jump gives itself away.
            days = rng.choice(_DATE_SLIPS) * rng.choice((-1, 1))
            shifted = date + dt.timedelta(days=days)
            if target.match["year"] is None and shifted.year != date.year:
                continue  # a date written without its year stays in its year
        if shifted is None or shifted == date:
            continue
        candidate = target.render(shifted)
        if candidate != old and candidate not in present:
            new = candidate
            break
    if new is None:
        return None
    text = output[: target.start] + new + output[target.end :]
    line = _line_of(text, target.start)
    return text, [line], f"changed {old} to {new}{_on_line(text, target.start)}"


# --- change_number -------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<!\d[.,])(?<![\w:/#\-\u2010-\u2014])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"(?![\w\u00b2\u00b3]|[.,:/]\d)"
)
_REFERENCE_WORD = re.compile(
    r"(?:\b(?:section|sec|clause|article|art|policy|item|no|number|ticket|invoice|page|p"
    r"|pp|para|paragraph|version|v|room|flight|step|line|part|chapter|table|figure|fig|rule"
    r"|question|q|passage|appendix|annex|schedule)\.?|§)\s*$",
    re.I,
)
_AMOUNT_BEFORE = "£€$¥₹"
_UNIT_AFTER = re.compile(
    r"\s*(?:%|percent|per ?cent|days?|weeks?|months?|years?|hours?|minutes?|units?|people"
    r"|GBP|EUR|USD|k\b|m\b|bn\b)",
    re.I,
)


def _number_spans(text: str) -> list[tuple[int, int]]:
    """Spans of numbers that are values: not in a date, a list marker, an id or a reference."""
    dates = [(d.start, d.end) for d in _find_dates(text)]
    spans = {m.span() for m in _NUMBER.finditer(text)}
    region = _json_region(text)
    if region is not None:
        for s, e in _JsonSpans(text, region[0]).numbers:
            if re.fullmatch(r"\d+(?:\.\d+)?", text[s:e]):
                spans.add((s, e))
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for first, end in _table_blocks(lines):
        for row in range(first, end):
            line = lines[row]
            if line.lstrip().startswith("|") or '"' in line:
                continue  # markdown cells are found above; quoted CSV is skipped
            position = offsets[row]
            for field in line.split(","):
                stripped = field.strip()
                if re.fullmatch(r"\d+(?:\.\d+)?", stripped):
                    start = position + field.index(stripped)
                    spans.add((start, start + len(stripped)))
                position += len(field) + 1
    kept = []
    for s, e in sorted(spans):
        token = text[s:e]
        if any(ds <= s < de for ds, de in dates):
            continue
        line_start = text.rfind("\n", 0, s) + 1
        before = text[line_start:s]
        if not before.strip() and re.match(r"[.)]\s", text[e : e + 2]):
            continue  # a numbered-list marker
        if _REFERENCE_WORD.search(before[-24:]):
            continue  # "section 4.3", "order 7712": an identifier, not a quantity
        if re.fullmatch(r"(19|20)\d\d", token) and not before.rstrip().endswith(
            tuple(_AMOUNT_BEFORE)
        ):
            continue  # a year
        kept.append((s, e))
    return kept


def _is_amount(text: str, s: int, e: int) -> bool:
    token = text[s:e]
    return (
        text[max(0, s - 1) : s] in tuple(_AMOUNT_BEFORE)
        or "." in token
        or "," in token
        or bool(_UNIT_AFTER.match(text, e))
    )


def _transpose(token: str, rng: random.Random) -> str | None:
    """Swap two adjacent different digits: 1,240 → 1,420."""
    positions = [i for i, c in enumerate(token) if c.isdigit()]
    integer_digits = len(token.split(".")[0].replace(",", ""))
    pairs = []
    for a, b in itertools.pairwise(positions):
        if token[a] == token[b]:
            continue
        if a == positions[0] and ((token[b] == "0" and integer_digits > 1) or token[a] == "0"):
            continue  # no leading zero, and 0.82 does not become 8.02
        pairs.append((a, b))
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    chars = list(token)
    chars[a], chars[b] = chars[b], chars[a]
    return "".join(chars)


def _rescale(token: str, rng: random.Random) -> str:
    """Move the value by 10–50 %, keeping decimals, separators and roundness."""
    grouped = "," in token
    integer, _, decimals = token.replace(",", "").partition(".")
    value = Decimal(token.replace(",", ""))
    places = len(decimals)
    unit = Decimal(1).scaleb(-places)
    if decimals.strip("0"):  # keep a trailing zero: 38.50 → 42.90
        step = Decimal(1).scaleb(-len(decimals.rstrip("0")))
    else:  # keep round numbers round: 5,000 → 6,000, 240 → 190, 4176.00 → 4661.00
        trailing_zeros = len(integer) - len(integer.rstrip("0"))
        step = Decimal(10) ** (trailing_zeros if trailing_zeros < len(integer) else 0)
    factor = Decimal(str(1 + rng.choice((-1, 1)) * rng.uniform(0.1, 0.5)))
    new = (value * factor / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    new = new.quantize(unit)
    if new == value or new <= 0:
        new = value + step if value < step * 2 or rng.random() < 0.5 else value - step
        new = new.quantize(unit)
    text = f"{new:,.{places}f}" if grouped else f"{new:.{places}f}"
    if integer.startswith("0") and len(integer) > 1:
        head, dot, tail = text.partition(".")
        text = head.zfill(len(integer)) + dot + tail
    return text


def _display(text: str, s: int, e: int, token: str) -> str:
    before = text[s - 1] if s > 0 and text[s - 1] in _AMOUNT_BEFORE else ""
    after = "%" if text[e : e + 1] == "%" else ""
    return f"{before}{token}{after}"


# A range between two numbers: "£46,000-£52,000", "3 to 5", "between 3 and 5".
_RANGE_JOIN = re.compile(r"\s*(?:[-\u2010-\u2014]|to|and)\s*[" + _AMOUNT_BEFORE + r"]?$", re.I)
_RANGE_JOIN_AFTER = re.compile(
    r"\s*[%]?\s*(?:[-\u2010-\u2014]|to|and)\s*[" + _AMOUNT_BEFORE + r"]?\s*$", re.I
)


def _value(token: str) -> Decimal:
    return Decimal(token.replace(",", ""))


def _range_bounds(
    text: str, s: int, e: int, spans: list[tuple[int, int]]
) -> tuple[Decimal | None, Decimal | None]:
    """Bounds a new value must stay strictly inside so a range is not turned round.

    For the low end of a range (the number joined by a dash, "to" or "and" to a
    later one) the new value must stay below the high end, and the other way round.
    """
    low = high = None
    own = _value(text[s:e])
    for s2, e2 in spans:
        other = _value(text[s2:e2])
        # Only a rising pair is a range: "from 8 to 4 days" is a change, not a range.
        if s2 >= e and other > own and _RANGE_JOIN_AFTER.fullmatch(text[e:s2]):
            high = other  # this number opens a range: stay below its end
        if e2 <= s and other < own and _RANGE_JOIN.fullmatch(text[e2:s]):
            low = other  # this number closes a range: stay above its start
    return low, high


def _inside(new: str, low: Decimal | None, high: Decimal | None) -> bool:
    value = _value(new)
    return (low is None or value > low) and (high is None or value < high)


@_mutation("change_number")
def change_number(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Change one number plausibly: transpose two digits, or move it by 10–50 %.

    A number that is one end of a range stays on its side of the other end:
    "£46,000-£52,000" may become "£41,000-£52,000", never "£55,000-£52,000".
    """
    spans = _number_spans(output)
    if not spans:
        return None
    weights = [3.0 if _is_amount(output, s, e) else 1.0 for s, e in spans]
    found = None
    for _pick in range(6):
        s, e = _weighted_choice(rng, spans, weights)
        old = output[s:e]
        low, high = _range_bounds(output, s, e, spans)
        for _attempt in range(12):
            new = _transpose(old, rng) if rng.random() < 0.4 else None
            if new is None:
                new = _rescale(old, rng)
            if new != old and _inside(new, low, high):
                found = (s, e, old, new)
                break
        if found:
            break
    if found is None:
        return None
    s, e, old, new = found
    text = output[:s] + new + output[e:]
    shown_old = _display(output, s, e, old)
    shown_new = _display(text, s, s + len(new), new)
    return text, [_line_of(text, s)], f"changed {shown_old} to {shown_new}{_on_line(text, s)}"


# --- swap_names ------------------------------------------------------------------------

_CAP_WORD = r"[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]*[a-z\u00df-\u00ff][A-Za-z\u00c0-\u00ff]*"
_NAME_SPAN = re.compile(
    rf"(?<![\w'’-]){_CAP_WORD}(?:(?:[ \t]|[ \t](?:of|de|del|der|van|von|da|di|&)[ \t])"
    rf"{_CAP_WORD})*(?:[ \t](?:Ltd|Inc|LLC|PLC|plc|AG|SA|GmbH|S\.A\.|S\.r\.l\.|S\.L\.)\.?)?"
    r"(?![\w'’-])"
)
_NOT_NAME_WORDS = """
    a an the this that these those there here it its i we our you your he she they them their
    his her my me us hi hello dear thanks thank regards best kind yes no not if when while but
    and or so for from to in on at by with of as after before please note also however then
    monday tuesday wednesday thursday friday saturday sunday total subject date re fw fwd
    mr mrs ms dr sir madam team all each every any some none"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split()) | {m.lower() for m in _MONTHS}


def _at_sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\"'“‘([*_-•>#")
    return not before or before[-1] in ".!?:\n" or before.endswith(("\n-", "\n*"))


def _name_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for m in _NAME_SPAN.finditer(text):
        s, words = m.start(), m.group(0).split()
        while words and words[0].lower().rstrip(".,") in _NOT_NAMES:
            s = text.index(words[1], s + len(words[0])) if len(words) > 1 else m.end()
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        if len(words) == 1 and (_at_sentence_start(text, s) or len(name) < 3):
            continue
        if words[-1].lower() in _NOT_NAMES:
            continue
        spans.append((s, m.end(), text[s : m.end()]))
    return spans


# Words that label a field ("Note:", "Start:") rather than name someone or something.
_FIELD_WORD_LIST = """
    note notes start end duration fee form notice hotel breakfast subject question answer
    total reason source sources summary status date time owner action due verdict result why
    root orders regression release taxi airport working price pay where what who when skills
    salary location hi hello dear yes no re fw fwd from to cc suspected report ps step steps
    warning important tip example input output name names team"""
_FIELD_WORDS = frozenset(_FIELD_WORD_LIST.split())
_LINE_KEY = re.compile(r"^[ \t]*(?:[-*•+][ \t]+)?(?P<key>[A-Z][A-Za-z0-9&'’-]+):", re.M)


def _cells(line: str, offset: int) -> list[tuple[int, int, str]]:
    """(start, end, text) of each cell of a markdown table row, stripped."""
    cells = []
    bar = [i for i, c in enumerate(line) if c == "|"]
    for left, right in itertools.pairwise(bar):
        raw = line[left + 1 : right]
        text = raw.strip()
        if text:
            start = offset + left + 1 + raw.index(text)
            cells.append((start, start + len(text), text))
        else:
            cells.append((offset + left + 1, offset + left + 1, ""))
    return cells


def _is_name(text: str) -> bool:
    """Two or more capitalised words, or a company: a person or an organisation, not a place."""
    spans = _name_spans(text)
    return (
        len(spans) == 1
        and spans[0][2] == text
        and (len(text.split()) >= 2 or bool(_COMPANY.search(text)))
    )


_COMPANY = re.compile(r"\b(?:Ltd|Inc|LLC|PLC|plc|AG|SA|GmbH|S\.A\.|S\.r\.l\.|S\.L\.)\.?$")


def _table_name_pairs(output: str) -> list[tuple[tuple[int, int, str], tuple[int, int, str], str]]:
    """Pairs of different names in the same column of a markdown table's body (never the header)."""
    lines = output.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    pairs = []
    for first, end in _table_blocks(lines):
        if not lines[first - 2].lstrip().startswith("|"):
            continue  # CSV: cells are not names often enough to be worth it
        header = _cells(lines[first - 2], offsets[first - 2])
        rows = [_cells(lines[row], offsets[row]) for row in range(first, end)]
        for column in range(len(header)):
            names = [row[column] for row in rows if column < len(row) and _is_name(row[column][2])]
            for i, a in enumerate(names):
                for b in names[i + 1 :]:
                    if a[2] != b[2]:
                        pairs.append((a, b, f" in the {header[column][2]} column"))
    return pairs


def _key_name_pairs(output: str) -> list[tuple[tuple[int, int, str], tuple[int, int, str], str]]:
    """Pairs of line-leading names ("Tallyo: …", "Finlo: …"): each line's facts move."""
    keys = [
        (m.start("key"), m.end("key"), m["key"])
        for m in _LINE_KEY.finditer(output)
        if m["key"].lower() not in _FIELD_WORDS and not m["key"].isupper()
    ]
    return [(a, b, "") for i, a in enumerate(keys) for b in keys[i + 1 :] if a[2] != b[2]]


def _prose_name_pairs(output: str) -> list[tuple[tuple[int, int, str], tuple[int, int, str], str]]:
    """Pairs of people or organisations named in running text (two words or more)."""
    spans = [span for span in _name_spans(output) if _is_name(span[2])]
    return [
        (a, b, "")
        for i, a in enumerate(spans)
        for b in spans[i + 1 :]
        if a[2] not in b[2] and b[2] not in a[2] and a[2].split()[0] != b[2].split()[0]
    ]


@_mutation("swap_names")
def swap_names(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Swap two names of the same kind, so facts land on the wrong person or organisation.

    In a table, two names in the same column (never a header); else two line-leading
    names ("Tallyo: …"); else two people or organisations named in the text. A
    single capitalised word in running text (a place, a plan, a heading) is never one.
    """
    pairs = _table_name_pairs(output) or _key_name_pairs(output) or _prose_name_pairs(output)
    if not pairs:
        return None
    first, second, where_in = rng.choice(pairs)
    (s1, e1, n1), (s2, e2, n2) = sorted([first, second])
    text = output[:s1] + n2 + output[e1:s2] + n1 + output[e2:]
    line1 = _line_of(text, s1)
    line2 = _line_of(text, s2 + len(n2) - len(n1))
    where = f" (line {line1})" if line1 == line2 else f" (lines {line1} and {line2})"
    if "\n" not in text.strip():
        where = ""
    return text, [line1, line2], f'swapped "{n1}" and "{n2}"{where_in}{where}'


# --- swap_label ------------------------------------------------------------------------


@_mutation("swap_label")
def swap_label(
    output: str, rng: random.Random, labels: Sequence[str] | None = None, **_: Any
) -> _Found | None:
    """Replace a short label output with another of the allowed labels (`labels=`)."""
    if not labels or isinstance(labels, str):
        return None
    allowed = list(dict.fromkeys(str(label).strip() for label in labels if str(label).strip()))
    if len(output.split()) > 12:
        return None
    hits = []
    for label in allowed:
        pattern = rf"(?<![\w-]){re.escape(label)}(?![\w-])"
        hits += [(m.start(), m.end(), label) for m in re.finditer(pattern, output, re.I)]
    if len({label.lower() for _, _, label in hits}) != 1:
        return None  # no label, or several: nothing clear to swap
    s, e, label = max(hits, key=lambda hit: hit[1] - hit[0])
    others = [other for other in allowed if other.lower() != label.lower()]
    if not others:
        return None
    new = rng.choice(others)
    shown = output[s:e]
    if shown.isupper():
        new = new.upper()
    elif shown[:1].isupper() and not label[:1].isupper():
        new = new[:1].upper() + new[1:]
    text = output[:s] + new + output[e:]
    return text, [_line_of(text, s)], f'changed the label "{shown}" to "{new}"'


# --- invent_citation -------------------------------------------------------------------

_BRACKET_CITE = re.compile(r"\[(?P<prefix>[A-Za-z]{0,3})(?P<num>\d{1,3})\]")
_SECTION_REF = re.compile(
    r"\b(?P<word>[Ss]ection|[Cc]lause|[Pp]olicy|[Aa]rticle|§)\s?(?P<num>\d+(?:\.\d+)*)"
)
_DOC_NAME = re.compile(
    r"\b(?:[A-Z][\w&-]*[ \t]+(?:(?:and|of|for|&)[ \t]+)?){1,4}"
    r"(?:Policy|Memo|Handbook|Report|Agreement|Guide|Guidelines|Contract|Terms|Procedure|Manual)\b"
)
_FALLBACK_DOCS = (
    "Company Policy Handbook 2024",
    "Terms and Conditions (2024 edition)",
    "Internal Guidelines v3",
    "Annual Review 2023",
    "Operations Manual",
)
_SENTENCE = re.compile(
    r"(?:^[ \t]*(?:[-*•+]|\d{1,3}[.)])[ \t]+)?(?P<body>[^\s].*?(?:[.!?](?=[\"'”’)\]]*(?:\s|$))|$))",
    re.M,
)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Prose sentences (four words or more) as spans; none in a JSON text."""
    if _is_whole_json(text):
        return []
    found = []
    for m in _SENTENCE.finditer(text):
        sentence = m["body"].rstrip()
        words = re.findall(r"[A-Za-z]{2,}", sentence)
        if len(words) < 4 or sentence.startswith(("|", "```", "{", "[")):
            continue
        found.append((m.start("body"), m.start("body") + len(sentence)))
    return found


def _end_of_clause(text: str, s: int, e: int) -> int:
    """Where to insert before a sentence's closing punctuation."""
    while e > s and text[e - 1] in ".!?\"'”’)":
        if text[e - 1] in "\"'”’)" and text[e - 2 : e - 1] not in ".!?":
            break
        e -= 1
    return e


# Lines that say what the sources lack: citing a source for them is not a plausible slip.
_NO_ANSWER = re.compile(
    r"\bnot in (?:the )?(?:sources|documents|excerpts|passages)\b|\bHANDOFF\b"
    r"|\b(?:none of|neither|no)\b[^.\n]*\b(?:sources?|documents?|excerpts?|passages?)\b",
    re.I,
)


@_mutation("invent_citation")
def invent_citation(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Cite a source that does not say it: a wrong passage label, a section that does
    not exist, or a plausible document and page.

    It never quotes the output's own words as if a document said them (that reads
    as a device, not a model's mistake), and never cites a "not in the sources" line.
    """
    sentences = [(s, e) for s, e in _sentences(output) if not _NO_ANSWER.search(output[s:e])]
    if not sentences:
        return None
    cites = list(_BRACKET_CITE.finditer(output))
    if cites:
        return _reattribute(output, rng, sentences, cites)
    s, e = rng.choice(sentences)
    sentence = output[s:e]
    at = _end_of_clause(output, s, e)
    sections = list(_SECTION_REF.finditer(output))
    if sections:
        ref = rng.choice(sections)
        used = {m["num"] for m in sections}
        parts = ref["num"].split(".")
        for _attempt in range(10):
            parts[-1] = str(max(1, int(parts[-1]) + rng.choice((-3, -2, -1, 1, 2, 3, 4))))
            if ".".join(parts) not in used:
                break
        invented = f" ({ref['word']} {'.'.join(parts)})"
    else:
        docs = [m.group(0) for m in _DOC_NAME.finditer(output)]
        doc = rng.choice(docs) if docs else rng.choice(_FALLBACK_DOCS)
        invented = f" [Source: {doc}, p. {rng.randint(3, 48)}]"
    text = output[:at] + invented + output[at:]
    description = (
        f'added the invented reference {invented.strip()} to "{_short(sentence, 50)}"'
        f"{_on_line(text, at)}"
    )
    return text, [_line_of(text, at)], description


def _reattribute(
    output: str,
    rng: random.Random,
    sentences: list[tuple[int, int]],
    cites: list[re.Match[str]],
) -> _Found:
    """In text with [P1]-style citations: cite a passage that does not say this."""
    labels = sorted({m.group(0) for m in cites}, key=lambda c: (len(c), c))
    prefix = cites[0]["prefix"]
    top = max(int(m["num"]) for m in cites)
    s, e = rng.choice(sentences)
    # A label just after the sentence's closing quote or stop belongs to it too.
    inside = [m for m in cites if s <= m.start() <= e + 4]
    if inside:
        target = rng.choice(inside)
        others = [label for label in labels if label != target.group(0)]
        new = rng.choice(others) if others else f"[{prefix}{top + 1}]"
        text = output[: target.start()] + new + output[target.end() :]
        line = _line_of(text, target.start())
        description = (
            f"changed the citation {target.group(0)} to {new}{_on_line(text, target.start())}"
        )
        return text, [line], description
    new = rng.choice(labels)
    at = _end_of_clause(output, s, e)
    text = output[:at] + f" {new}" + output[at:]
    line = _line_of(text, at)
    sentence = _short(output[s:e], 50)
    return text, [line], f'added the citation {new} to "{sentence}"{_on_line(text, at)}'


# --- remove_negation -------------------------------------------------------------------

_CONTRACTION = re.compile(
    r"\b(?P<base>do|does|did|is|are|was|were|has|have|had|could|would|should|must|need|might"
    r"|ca|wo|sha)n['’]t\b",
    re.I,
)
_NEGATION_WORD = re.compile(r"\b(?:no longer|never|cannot|can not|not)\b", re.I)
_KEEP_NOT = re.compile(r"(?:\b(?:or|if|whether)\s+not\b|\bnot\s+(?:only|just|least)\b)", re.I)
_BASE_FIX = {"ca": "can", "wo": "will", "sha": "shall"}


# "does not change" becomes "changes", not "does change": the emphatic form gives
# the flaw away. After these words the verb may not be the next one: skip those.
_NOT_A_VERB_LIST = "always usually often yet even really just only necessarily currently normally"
_NOT_A_VERB = frozenset([*_NOT_A_VERB_LIST.split(), "ever", "so", "the", "a", "an", "any", "all"])
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)\b")
_AUX = re.compile(r"\b(do|does|did)[ \t]+$", re.I)


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in tuple("aeiou"):
        return verb[:-1] + "ies"
    return verb + "s"


def _drop_do(text: str, start: int, after: int, aux: str) -> tuple[int, int, str] | None:
    """Replace "do/does not VERB" (from `start`, the verb after `after`) by the plain verb."""
    if aux.lower() == "did":
        return None  # "did not go" → "went": no safe past tense
    verb = _NEXT_WORD.match(text, after)
    if verb is None or verb[1] in _NOT_A_VERB:
        return None
    word = verb[1] if aux.lower() == "do" else _third_person(verb[1])
    if aux[:1].isupper():
        word = word[:1].upper() + word[1:]
    return start, verb.end(1), word


def _negations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each negation whose removal flips the sentence.

    The result stays grammatical: "does not apply" → "applies", "don't send" →
    "send", "isn't" → "is", "never shares" → "shares"; a "did not" is left alone.
    """
    found = []
    keep = [m.span() for m in _KEEP_NOT.finditer(text)]
    for m in _CONTRACTION.finditer(text):
        base = m["base"]
        if base.lower() in ("do", "does", "did"):
            if (dropped := _drop_do(text, m.start(), m.end(), base)) is not None:
                found.append(dropped)
            continue
        fixed = _BASE_FIX.get(base.lower(), base)
        if base[:1].isupper():
            fixed = fixed[:1].upper() + fixed[1:]
        found.append((m.start(), m.end(), fixed))
    for m in _NEGATION_WORD.finditer(text):
        if any(s <= m.start() < e for s, e in keep):
            continue
        word = m.group(0).lower()
        if word in ("cannot", "can not"):
            found.append((m.start(), m.end(), "Can" if m.group(0)[0].isupper() else "can"))
            continue
        if word == "not" and (aux := _AUX.search(text, 0, m.start())) is not None:
            if (dropped := _drop_do(text, aux.start(), m.end(), aux[1])) is not None:
                found.append(dropped)
            continue
        s, e = m.span()
        if text[e : e + 1] == " ":
            e += 1
        elif text[s - 1 : s] == " ":
            s -= 1
        else:
            continue
        found.append((s, e, ""))
    return sorted(found)


@_mutation("remove_negation")
def remove_negation(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Remove one "not", "never", "no longer" or "n't", flipping what the sentence says."""
    negations = _negations(output)
    if not negations:
        return None
    s, e, replacement = rng.choice(negations)
    removed = output[s:e].strip()
    after = output[e:]
    if not replacement and removed[:1].isupper() and not removed.isupper():
        after = after[:1].upper() + after[1:]  # "Never share" → "Share"
    text = output[:s] + replacement + after
    line_start = output.rfind("\n", 0, s) + 1
    line_end = output.find("\n", e)
    line_end = len(output) if line_end < 0 else line_end
    before_text = output[max(line_start, s - 30) : min(line_end, e + 30)]
    shift = len(replacement) - (e - s)
    after_text = text[max(line_start, s - 30) : min(line_end + shift, e + 30 + shift)]
    what = f'changed "{removed}" to "{replacement}"' if replacement else f'removed "{removed}"'
    description = (
        f'{what}{_on_line(text, s)}: "{_short(before_text)}" now reads "{_short(after_text)}"'
    )
    return text, [_line_of(text, s)], description


# --- truncate ------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")


@_mutation("truncate")
def truncate(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Cut the output at 40–70 % of its length, at the end of a sentence or a line."""
    content = output.rstrip()
    length = len(content)
    ends = {
        m.end()
        for m in _SENTENCE_END.finditer(content)
        if not re.fullmatch(
            r"\s*(?:\d{1,3}|[A-Za-z])", content[content.rfind("\n", 0, m.start()) + 1 : m.start()]
        )
    }  # not after a list marker ("3.") or an initial ("J.")
    ends |= {m.start() for m in re.finditer(r"\n", content)}
    cuts = sorted(end for end in ends if content[:end].strip() and content[end:].strip())
    if not cuts:
        return None
    within = [end for end in cuts if 0.4 <= end / length <= 0.7]
    if within:
        cut = rng.choice(within)
    else:
        cut = min(cuts, key=lambda end: abs(end / length - 0.55))
        if not 0.3 <= cut / length <= 0.8:
            return None
    text = content[:cut].rstrip()
    missing = 100 - round(100 * len(text) / length)
    last_line = max(1, len(text.splitlines()))
    tail = " ".join(text.split()[-6:])
    tail = tail if len(tail) <= 40 else "…" + tail[-39:]
    description = (
        f'cut the output off after "{tail}" (line {last_line}); '
        f"the rest, {missing} % of the text, is missing"
    )
    return text, [last_line], description


# --- add_extra_text -------------------------------------------------------------------------

_BEFORE = {
    "JSON": (
        "Sure! Here is the JSON you asked for:",
        "Here's the extracted data in JSON format:",
        "Certainly! Below is the JSON:",
    ),
    "label": ("Sure! The label is:", "Based on the request, the category is:", "Answer:"),
    "list": ("Sure! Here is the list you asked for:", "Here are the items I found:"),
    "text": ("Sure! Here is the answer:", "Certainly! Here's what I came up with:"),
}
_AFTER = (
    "Let me know if you need anything else.",
    "I hope this helps! Let me know if you'd like any changes.",
    "Feel free to ask if you have any other questions.",
)


def _content_kind(output: str) -> str:
    if _is_whole_json(output):
        return "JSON"
    if "\n" not in output.strip() and len(output.split()) <= 4:
        return "label"
    if _list_groups(output.split("\n")):
        return "list"
    return "text"


@_mutation("add_extra_text")
def add_extra_text(output: str, rng: random.Random, **_: Any) -> _Found | None:
    """Add chatty text before or after the content ("Sure! Here is the JSON…")."""
    kind = _content_kind(output)
    body = output.strip()
    lead = output[: len(output) - len(output.lstrip())]
    trail = output[len(output.rstrip()) :]
    what = "the label" if kind == "label" else "the JSON" if kind == "JSON" else "the output"
    if rng.random() < 0.5:
        added = rng.choice(_BEFORE[kind])
        glue = " " if kind == "label" else "\n\n"
        text = f"{lead}{added}{glue}{body}{trail}"
        return text, [_line_of(text, len(lead))], f'added "{added}" before {what}'
    added = rng.choice(_AFTER)
    text = f"{lead}{body}\n\n{added}{trail}"
    return text, [_line_of(text, len(text) - len(trail) - 1)], f'added "{added}" after {what}'


# --- choosing a trap ------------------------------------------------------------------------


def apply_trap(output: str, mutate: str, rng: random.Random, **options: Any) -> Mutation | None:
    """Apply the named mutation; None when it cannot apply to this output."""
    try:
        mutator = _REGISTRY[mutate]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ValueError(f"unknown mutation {mutate!r}; known: {known}") from None
    return mutator(output, rng, **options)


def diff_lines(real: str, shown: str) -> tuple[int, ...]:
    """1-based lines of `shown` that differ from `real` (for a removal, where it was)."""
    old, new = real.splitlines(), shown.splitlines()
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(j1 + 1, j2 + 1))
        elif tag == "delete":
            changed.add(min(j1 + 1, max(1, len(new))))
    return tuple(sorted(changed))


def recorded_mutation(real_output: str, trap: TrapLike) -> Mutation:
    """A recorded flawed output, as a `Mutation` named 'recorded'."""
    if trap.output is None:
        raise ValueError("a recorded trap needs its `output`")
    return Mutation(
        name="recorded",
        output=trap.output,
        changed_lines=diff_lines(real_output, trap.output),
        description=trap.note or "a recorded flawed output",
        error_kind=trap.error_kind,
        note=trap.note,
    )


def mutation_for(
    output: str, trap: TrapLike, rng: random.Random, **options: Any
) -> Mutation | None:
    """The flawed variant one trap makes of `output`, with the trap's kind and note."""
    if trap.output is not None:
        return recorded_mutation(output, trap)
    if trap.mutate is None:
        return None
    trap_options = getattr(trap, "options", None)
    merged = {**(trap_options if isinstance(trap_options, Mapping) else {}), **options}
    found = apply_trap(output, trap.mutate, rng, **merged)
    if found is None:
        return None
    return found.model_copy(
        update={"error_kind": trap.error_kind or found.error_kind, "note": trap.note}
    )


def choose_trap(
    output: str, traps: Sequence[TrapLike], rng: random.Random, **options: Any
) -> Mutation | None:
    """Try the exercise's traps in a random order; the first that applies, or None.

    `options` go to every mutation (for instance `labels=` for swap_label).
    """
    order = list(traps)
    rng.shuffle(order)
    for trap in order:
        found = mutation_for(output, trap, rng, **options)
        if found is not None:
            return found
    return None


# What an exercise's note must speak of for each mutation, so a note cannot
# disclose another flaw than the one planted ("two owners were swapped" on a date).
NOTE_TOPICS: Mapping[str, str] = MappingProxyType(
    {
        "change_number": r"figure|number|amount|total|price|rate|cap|limit|value|percent|%|"
        r"days?|months?|weeks?|changed",
        "shift_date": r"date|day|deadline|moved|shifted|week",
        "drop_item": r"removed|missing|dropped|left out|omitted|deleted",
        "truncate": r"cut|truncat|stops|missing|incomplete|short",
        "add_extra_text": r"added|extra|chat|text|around",
        "invent_citation": r"cit|source|reference|section|label|passage|document|excerpt",
        "remove_negation": r"negation|\bnot\b|reversed|flipped|opposite|removed|reverse",
        "swap_label": r"label|changed|category|queue|segment|priority|verdict",
        "swap_names": r"swapped",
    }
)
_PEOPLE = re.compile(r"\b(owners?|people|person|staff|colleagues)\b", re.I)
_EMPHATIC = re.compile(r"\b(?:do|does|did)\s+(?!not\b|n't\b)[a-z]+", re.I)
_RANGE_PAIR = re.compile(
    r"([£$€]?\d[\d,]*(?:\.\d+)?)\s*(?:-|\u2013|\u2014|\bto\b)\s*([£$€]?\d[\d,]*(?:\.\d+)?)"
)


def _turned_round(text: str) -> int:
    """How many "low-high" pairs in `text` run high to low."""

    def value(token: str) -> float:
        return float(token.lstrip("£$€").replace(",", ""))

    return sum(value(a) > value(b) for a, b in _RANGE_PAIR.findall(text))


def disclosure_problems(real: str, mutation: Mutation, note: str) -> list[str]:
    """Why the disclosed note or description would not be true of this mutation; [] if true."""
    problems = []
    edit = mutation.edit
    if edit is not None and (
        real[: edit.start] + edit.new + real[edit.start + len(edit.old) :] != mutation.output
    ):
        problems.append("the reported edit is not the change made")
    topic = NOTE_TOPICS.get(mutation.name)
    if note and topic and not re.search(topic, note, re.I):
        problems.append(f"the note does not speak of the {mutation.name} it discloses")
    if mutation.name == "change_number" and _turned_round(mutation.output) > _turned_round(real):
        problems.append("a range was turned round (its low end is now above its high end)")
    if mutation.name == "remove_negation" and len(_EMPHATIC.findall(mutation.output)) > len(
        _EMPHATIC.findall(real)
    ):
        problems.append('the removed negation left an emphatic "does …" that gives the flaw away')
    if mutation.name == "swap_names" and _PEOPLE.search(note):
        names = re.findall(r'"([^"]+)"', mutation.description)[:2]
        if any(len(name.split()) < 2 for name in names):
            problems.append(f"the note speaks of people, but {' and '.join(names)} were swapped")
    return problems


def should_plant(trap_rate: float, rng: random.Random) -> bool:
    """Whether to show a planted flaw this time, with probability `trap_rate`."""
    if not 0.0 <= trap_rate <= 1.0:
        raise ValueError(f"trap_rate must be between 0 and 1, not {trap_rate}")
    return rng.random() < trap_rate


if set(_REGISTRY) != MUTATIONS:  # pragma: no cover - caught by the tests
    raise RuntimeError("graders.names.MUTATIONS and the mutations in graders.traps disagree")
