"""The known-bad output every exercise carries, derived from the acceptable one.

Each candidate is a realistic model mistake aimed at one check: a required
phrase left out, a key missing from the JSON, a banned phrase mentioned, a
chatty answer over the word limit. The first candidate that fails a
deterministic check is the known-bad output; if none does, the checks would
pass anything and the exercise is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from coach.authoring.form import TaskForm
from graders.context import GradeContext
from graders.length import count_words
from graders.registry import grade_output

CHATTY = " I hope this helps! Let me know if you would like me to change anything."


@dataclass(frozen=True)
class BadOutput:
    text: str
    what: str  # the mistake, in plain words, for the explain text
    error_kind: str


def _without(text: str, phrase: str) -> str:
    cut = re.sub(re.escape(phrase), "", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", cut).strip()


def _without_key(text: str, key: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or key not in value:
        return None
    value.pop(key)
    return json.dumps(value, indent=2, ensure_ascii=False)


def _candidates(form: TaskForm, good: str) -> Iterator[BadOutput]:
    for phrase in form.must_contain:
        yield BadOutput(_without(good, phrase), f'leaves out "{phrase}"', "missing content")
    if form.contains_any:
        text = good
        for phrase in form.contains_any:
            text = _without(text, phrase)
        yield BadOutput(text, "mentions none of the expected phrases", "missing content")
    for key in form.json_keys:
        if (dropped := _without_key(good, key)) is not None:
            yield BadOutput(dropped, f'drops the key "{key}" from the JSON', "wrong format")
    if form.json_keys:
        yield BadOutput(
            "Here is the JSON you asked for:\n" + good,
            "puts a sentence before the JSON",
            "wrong format",
        )
    for phrase in form.must_not_mention:
        yield BadOutput(
            f"{good.rstrip()}\n\nNote: {phrase}.",
            f'mentions "{phrase}"',
            "mentions something banned",
        )
    if form.max_words:
        padded = good.rstrip()
        while count_words(padded) <= form.max_words:
            padded += CHATTY
        yield BadOutput(padded, f"runs over {form.max_words} words", "wrong length")
    if form.min_words:
        short = " ".join(good.split()[: form.min_words // 2])
        yield BadOutput(short, f"stops short of {form.min_words} words", "wrong length")
    if form.regex:
        yield BadOutput(
            re.sub(form.regex, "", good), "lacks what the pattern requires", "wrong format"
        )


def derive_bad(form: TaskForm, good: str, checks: Sequence[Any], ctx: GradeContext) -> BadOutput:
    """The first candidate the deterministic checks reject.

    Raises ValueError when every candidate passes: the checks cannot tell a
    wrong output from a right one.
    """
    for candidate in _candidates(form, good):
        if candidate.text.strip() == good.strip():
            continue
        if grade_output(candidate.text, checks, ctx).deterministic_verdict is False:
            return candidate
    raise ValueError(
        "these checks would pass anything; add a check (a phrase the output must contain, "
        "JSON keys, a phrase it must not mention, or a word limit)"
    )
