"""Prompt templates for pipeline steps: `{name}` placeholders and nothing else.

A template is plain text. `{name}` is replaced by the value of a known name
(the hidden input, an earlier step's output, a material); every other brace
is left alone, so JSON examples survive. No code runs, there is no attribute
access and no format spec: `{input.upper}` or `{input:>10}` are just text.

Escapes: `{{` renders as `{` (so `{{input}}` is the literal text `{input}`).
`}}` renders as `}` only in a template that uses `{{` somewhere; otherwise it
is kept as is, because valid JSON never holds `{{` but often ends with `}}`
(`{"a": {"b": 1}}`), and a learner pasting a JSON example must get it intact.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_PLACEHOLDER = re.compile(r"\{(" + _NAME + r")\}")
_WITH_ESCAPES = re.compile(r"\{\{|\}\}|\{(" + _NAME + r")\}")
_OPEN_ESCAPE_ONLY = re.compile(r"\{\{|\{(" + _NAME + r")\}")


def _pattern(template: str) -> re.Pattern[str]:
    return _WITH_ESCAPES if "{{" in template else _OPEN_ESCAPE_ONLY


def placeholders(template: str) -> list[str]:
    """Every `{name}` the template refers to, in order of first use (escapes excluded)."""
    seen: dict[str, None] = {}
    for match in _pattern(template).finditer(template):
        if match.group(1) is not None:
            seen.setdefault(match.group(1), None)
    return list(seen)


def render(template: str, values: Mapping[str, str]) -> str:
    """Substitute known names in one pass; values are never re-scanned for placeholders."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]  # `{{` → `{`, `}}` → `}`
        return values[name] if name in values else match.group(0)

    return _pattern(template).sub(one, template)


def check_template(template: str, known: Collection[str]) -> list[str]:
    """Problems with a template: placeholders that name nothing known."""
    names = ", ".join(known) or "nothing"
    return [
        f"template refers to {{{name}}}, which is not {_what(known)} — known: {names}"
        for name in placeholders(template)
        if name not in known
    ]


def _what(known: Collection[str]) -> str:
    return "the input or an earlier step" if "input" in known else "a known name"
