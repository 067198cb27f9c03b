"""Put the exercise's materials into the learner's prompt.

`{name}` for a known material is replaced by its text; any other braces are
left alone (prompts often hold JSON examples). A prompt that names no
material gets every material appended in labelled blocks, so the model sees
what the learner saw. Plain string work: no code runs in a template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)\}")


def placeholders(template: str, names: Mapping[str, str]) -> set[str]:
    return {match.group(1) for match in _PLACEHOLDER.finditer(template) if match.group(1) in names}


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace `{name}` for the given names only, in one pass (values are never re-scanned)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return _PLACEHOLDER.sub(value, template)


def render_prompt(prompt: str, materials: Mapping[str, str]) -> str:
    if not materials or placeholders(prompt, materials):
        return fill(prompt, materials)
    blocks = "\n\n".join(f"--- {name} ---\n{text.strip()}" for name, text in materials.items())
    return f"{prompt.rstrip()}\n\n{blocks}"
