"""Text helpers shared by the graders: normalising, fences, lists, short quotes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from graders.normalize import normalize

QUOTE_LIMIT = 80

_SPACE = re.compile(r"\s+")
_LANG_TAG = re.compile(r"[\w+.#-]*")
_BULLET = re.compile(r"^(?:[-*•·‣◦]\s+|\(?\d{1,3}[.)]\s+|\(?[a-zA-Z][.)]\s+(?=\S))")


def squash(text: str) -> str:
    """`graders.normalize` without case folding: NFKC, plain quotes and dashes, one space."""
    return normalize(text, case_sensitive=True)


def fold(text: str, case_sensitive: bool = False) -> str:
    """`graders.normalize`: `squash`, then case-fold unless case matters."""
    return normalize(text, case_sensitive=case_sensitive)


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters of `text` on one line, with an ellipsis if cut."""
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def q(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` shortened and quoted for a reason (single quotes if it holds double ones)."""
    short = shorten(text, limit)
    return f"'{short}'" if '"' in short else f'"{short}"'


def listing(items: Iterable[str], limit: int = 5, each: int = 40) -> str:
    """'a, b and c' (each item shortened), or 'a, b, c and 4 more'."""
    shown = [shorten(item, each) for item in items]
    if len(shown) > limit:
        return ", ".join(shown[:limit]) + f" and {len(shown) - limit} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def strip_fence(text: str) -> tuple[str, bool]:
    """The text inside a ``` fence that wraps the whole (stripped) text, and whether it had one."""
    stripped = text.strip()
    if len(stripped) < 6 or not (stripped.startswith("```") and stripped.endswith("```")):
        return stripped, False
    inner = stripped[3:-3]
    first, newline, rest = inner.partition("\n")
    if newline and _LANG_TAG.fullmatch(first.strip()):
        inner = rest
    return inner.strip(), True


def parse_items(output: str, allow_fence: bool = False) -> tuple[list[str], str]:
    """The items of a list answer, and how it was read ("JSON list" or "lines").

    A JSON list (its non-text items written as JSON) if the output is one;
    otherwise one item per non-empty line with bullets and numbering removed.
    A ``` fence is removed only when allowed.
    """
    text, fenced = strip_fence(output)
    if fenced and not allow_fence:
        text = output.strip()
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in data], "JSON list"
    items = []
    for line in text.splitlines():
        line = _BULLET.sub("", line.strip()).strip()
        if line:
            items.append(line)
    return items, "lines"
