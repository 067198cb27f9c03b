"""What a grader may know besides the output: materials, input, trust, a judge."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class GradeContext:
    """Everything a grader may use besides the output and the check's options.

    - materials: the exercise's named materials (for quotes_exist_in, rubric).
    - input_text: the hidden input this output answers, where there is one.
    - trusted: whether the pack is trusted to run python checks.
    - judge: prompt -> raw model text, injected by the caller so graders
      never import a model client. None means no judge: rubric is unscored.
    - timeout_s: the wall-clock limit for a python check.
    - pack_dir: where a python check's `file` option is resolved.
    - extra: what a runtime adds for its own graders (an agent run: `trace`, `files`).
    """

    materials: Mapping[str, str] = field(default_factory=dict)
    input_text: str | None = None
    trusted: bool = False
    judge: Callable[[str], str] | None = None
    timeout_s: float = 5.0
    pack_dir: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
