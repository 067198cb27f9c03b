"""The quotes_exist_in grader: every quoted span in the output is verbatim in a source."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from graders._text import listing, plural, q
from graders.context import GradeContext
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult

INPUT = "input"  # the special material name for the hidden input the output answers

_DOUBLE = str.maketrans({c: '"' for c in "“”„‟″〝〞＂"})
_SINGLE = str.maketrans({c: "'" for c in "‘’‚‛′"})
_SPACE = re.compile(r"\s+")
_QUOTED = re.compile(r'"([^"]*)"')
_ELLIPSIS = re.compile(r"\s*\[?(?:\.\.\.|…)\]?\s*")
_TRAILING = ".,;:!?"


def normalise(text: str) -> str:
    """NFC, curly quotes made straight, whitespace runs collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_DOUBLE).translate(_SINGLE)
    return _SPACE.sub(" ", text).strip()


def quoted_spans(output: str) -> list[str]:
    """The spans in straight or curly double quotes, normalised; empty ones skipped."""
    spans = (normalise(span) for span in _QUOTED.findall(normalise(output)))
    return [span for span in spans if any(ch.isalnum() for ch in span)]


def _found_in_order(fragments: list[str], source: str) -> bool:
    position = 0
    for fragment in fragments:
        index = source.find(fragment, position)
        if index < 0:
            return False
        position = index + len(fragment)
    return True


def quote_in(span: str, source: str) -> bool:
    """Whether a quoted span appears verbatim in the (normalised) source.

    Allowed slack, as in ordinary quoting: an ellipsis ("..." or "[…]") marks
    left-out words, a full stop or comma inside the closing quote need not be
    in the source, and the first letter may change case to start a sentence.
    """
    fragments = [part for part in _ELLIPSIS.split(span) if part]
    candidates = [fragments]
    if fragments and fragments[-1].rstrip(_TRAILING) != fragments[-1]:
        candidates.append([*fragments[:-1], fragments[-1].rstrip(_TRAILING)])
    for parts in candidates:
        if not [part for part in parts if part]:
            continue
        if _found_in_order(parts, source):
            return True
        first = parts[0]
        for variant in (first[:1].lower() + first[1:], first[:1].upper() + first[1:]):
            if variant != first and _found_in_order([variant, *parts[1:]], source):
                return True
    return False


@register(
    "quotes_exist_in",
    options={"material": Opt("text", required=True), "min_quotes": Opt("count", default=1)},
    default_threshold=1.0,
)
def quotes_exist_in(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """At least `min_quotes` quoted spans, each found verbatim in the named material."""
    name: str = options["material"]
    minimum: int = options["min_quotes"]
    if name == INPUT and ctx.input_text is not None:
        source_text = ctx.input_text
        shown = "the input"
    elif name in ctx.materials:
        source_text = ctx.materials[name]
        shown = f"the {name}" if name.isidentifier() else q(name, 40)
    elif name == INPUT:
        return GradeResult.not_scored(
            "this check compares quotes with the input, but there is none",
            code="quotes_exist_in.no_input",
        )
    else:
        have = ", ".join(sorted(ctx.materials)) or "none"
        raise BadOptions(f"no material named {q(name, 40)} (materials here: {have})")
    source = normalise(source_text)
    spans = quoted_spans(output)
    missing = [span for span in spans if not quote_in(span, source)]
    verified = len(spans) - len(missing)
    score = verified / max(len(spans), minimum, 1)
    problems = []
    if missing:
        which = listing((q(span, 60) for span in missing), limit=2, each=64)
        problems.append(
            f"{plural(len(missing), 'quote')} of {len(spans)} not found in {shown}: {which}"
        )
    if len(spans) < minimum:
        needed = plural(minimum, "quote")
        problems.append(f"found {plural(len(spans), 'quote')}, at least {needed} needed")
    data = {"material": name, "quotes": len(spans), "not_found": missing[:10]}
    if problems:
        code = "quotes_exist_in.not_in_sources" if missing else "quotes_exist_in.too_few"
        return GradeResult.fail("; ".join(problems), score, code=code, data=data)
    if not spans:
        return GradeResult.ok("no quotes to check", code="quotes_exist_in.none", data=data)
    every = "the one quote appears" if len(spans) == 1 else f"all {len(spans)} quotes appear"
    return GradeResult.ok(
        f"{every} word for word in {shown}", code="quotes_exist_in.verified", data=data
    )
