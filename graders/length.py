"""The length grader: limits on words, sentences and characters."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from graders._text import plural
from graders.context import GradeContext
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult

# Abbreviations whose full stop does not end a sentence (lower-cased, without the final dot).
ABBREVIATIONS = frozenset(
    {
        "e.g", "i.e", "etc", "vs", "cf", "approx", "ca", "incl", "excl", "esp", "viz", "al",
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "fig", "figs",
        "p", "pp", "vol", "ch", "sec", "dept", "inc", "ltd", "co", "corp", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "u.s",
        "u.k", "ph.d", "ref", "tel", "ext",
    }
)  # fmt: skip

CAN_END = frozenset({"etc", "al", "inc", "ltd", "co", "corp", "a.m", "p.m"})

_WORD = re.compile(r"\S+")
# An end mark (one or more of . ! ? …), then optional closing quotes or brackets,
# then whitespace or the end of the text. "4.5" has no space after the dot.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def count_words(text: str) -> int:
    """Whitespace-separated tokens holding at least one letter or digit ("—" is not a word)."""
    return sum(1 for token in _WORD.findall(text) if any(ch.isalnum() for ch in token))


def split_sentences(text: str) -> list[str]:
    """Sentences, split after . ! ? followed by a space or the end, skipping abbreviations."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end_mark = match.group(0)
        if end_mark == ".":
            token = _TOKEN_BEFORE.search(text, 0, match.start())
            word = (token.group(1) if token else "").lstrip("(\"'“‘")
            # An abbreviation ("e.g.", "Dr.") or an initial ("J. Smith") does not end a sentence.
            if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                # "etc." often ends a sentence: it does when a capital follows.
                following = text[match.end() :].lstrip()[:1]
                if not (word.lower() in CAN_END and following.isupper()):
                    continue
        piece = text[start : match.end()].strip()
        if any(ch.isalnum() for ch in piece):
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if any(ch.isalnum() for ch in tail):
        sentences.append(tail)
    return sentences


LIMITS = ("min_words", "max_words", "min_sentences", "max_sentences", "min_chars", "max_chars")


@register("length", options={name: Opt("count") for name in LIMITS})
def length(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """Every given limit holds: words, sentences, characters (the output stripped)."""
    limits = {name: options[name] for name in LIMITS if options.get(name) is not None}
    if not limits:
        raise BadOptions(f"give at least one of {', '.join(LIMITS)}")
    text = unicodedata.normalize("NFC", output).strip()
    measures = {
        "words": count_words(text),
        "sentences": len(split_sentences(text)),
        "chars": len(text),
    }
    nouns = {"words": "word", "sentences": "sentence", "chars": "character"}
    problems = []
    facts = []
    over = False
    for name, limit in limits.items():
        bound, unit = name.split("_", 1)
        value = measures[unit]
        fact = plural(value, nouns[unit])
        if bound == "max" and value > limit:
            over = True
            problems.append(f"{fact}, over the limit of {limit} by {value - limit}")
        elif bound == "min" and value < limit:
            problems.append(f"{fact}, under the minimum of {limit} by {limit - value}")
        else:
            facts.append(f"{fact} ({'at most' if bound == 'max' else 'at least'} {limit})")
    data = {"measured": measures, "limits": limits}
    if problems:
        code = "length.over" if over else "length.under"
        return GradeResult.fail("; ".join(problems), code=code, data=data)
    return GradeResult.ok("; ".join(dict.fromkeys(facts)), code="length.within", data=data)
