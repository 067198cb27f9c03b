"""Where a banned value occurs: used, refused, or quoted.

"Do not mention pricing" is broken by "Our pricing starts at £40", not by
"I won't send any pricing". "Do not repeat the injected instruction" is
broken by obeying it, not by quoting it in order to refuse it. `ban_hits`
finds each occurrence of a banned value and says whether it sits in a
negated clause (a negation word among the few words before it, in the same
clause) or inside quotation marks, a code span or a quoted (`>`) line.

This is a heuristic, and says so: it cannot read intent. Where a ban needs
understanding ("does not promise a refund"), a rubric check is the honest
tool; see the README's grading section.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from graders.normalize import fold_typography

_RUN = re.compile(r"\s+")
NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|nor|neither|without|cannot|can't|won't|don't|doesn't|"
    r"didn't|isn't|aren't|wasn't|weren't|shouldn't|wouldn't|mustn't|shan't|unable|avoid\w*|"
    r"refus\w*|declin\w*|rather than|instead of)\b",
    re.IGNORECASE,
)
# A clause ends at a sentence mark, a colon, a semicolon, a comma or a line break.
_CLAUSE_END = re.compile(r"[.!?;:,\n]")
WINDOW_WORDS = 8
_QUOTED = [
    re.compile(r'"[^"\n]*"'),
    re.compile(r"(?<![\w])'[^'\n]*'(?![\w])"),
    re.compile(r"`[^`]*`"),
    re.compile(r"(?m)^\s*>[^\n]*$"),
]


@dataclass(frozen=True)
class Hit:
    """A banned value found in the output; `counts` when at least one use is a real use."""

    value: str
    counts: bool
    why: str = ""  # for an excused value: "in a refusal", "quoted"


def _prepare(text: str, case_sensitive: bool) -> tuple[str, str]:
    """The text normalised twice, with equal lengths: lines kept, and lines as spaces."""
    text = fold_typography(unicodedata.normalize("NFKC", text))
    lined = _RUN.sub(lambda m: "\n" if "\n" in m.group(0) else " ", text).strip()
    if not case_sensitive:
        lined = lined.casefold()
    return lined, lined.replace("\n", " ")


def _norm_value(value: str, case_sensitive: bool) -> str:
    flat = _RUN.sub(" ", fold_typography(unicodedata.normalize("NFKC", value))).strip()
    return flat if case_sensitive else flat.casefold()


def _negated(lined: str, start: int) -> bool:
    before = lined[:start]
    ends = list(_CLAUSE_END.finditer(before))
    clause = before[ends[-1].end() :] if ends else before
    window = " ".join(clause.split()[-WINDOW_WORDS:])
    return bool(NEGATION.search(window))


def _quoted_spans(lined: str) -> list[tuple[int, int]]:
    return [match.span() for pattern in _QUOTED for match in pattern.finditer(lined)]


def ban_hits(
    output: str,
    values: Sequence[str],
    *,
    case_sensitive: bool = False,
    allow_negated: bool = False,
    allow_quoted: bool = False,
) -> list[Hit]:
    """Each banned value that occurs, and whether any occurrence is a real use."""
    lined, flat = _prepare(output, case_sensitive)
    quoted = _quoted_spans(lined) if allow_quoted else []
    hits: list[Hit] = []
    for value in values:
        needle = _norm_value(value, case_sensitive)
        if not needle:
            continue
        reasons: list[str] = []
        used = False
        start = flat.find(needle)
        if start < 0:
            continue
        while start >= 0:
            end = start + len(needle)
            if allow_quoted and any(s <= start and end <= e for s, e in quoted):
                reasons.append("quoted")
            elif allow_negated and _negated(lined, start):
                reasons.append("in a refusal or negation")
            else:
                used = True
                break
            start = flat.find(needle, start + 1)
        why = " or ".join(dict.fromkeys(reasons))
        hits.append(Hit(value=value, counts=used, why="" if used else why))
    return hits
