"""Building review outputs whose planted flaws the proof can re-check."""

from __future__ import annotations

from typing import Any

from coach.content.families.base import Flaw


class ReviewBuilder:
    """Collects `[[outputs]]` and the flaws planted in the wrong ones."""

    def __init__(self) -> None:
        self.outputs: list[dict[str, Any]] = []
        self.flaws: list[Flaw] = []

    def correct(self, output: str, why: str) -> None:
        self.outputs.append({"output": output, "wrong": False, "why": why})

    def replace(
        self,
        correct: str,
        line: int,
        old: str,
        new: str,
        error_kind: str,
        why: str,
        names: tuple[str, ...] = (),
    ) -> None:
        """`correct` with `old` replaced by `new` on 1-based `line`."""
        lines = correct.split("\n")
        if old not in lines[line - 1] or old == new:
            raise ValueError(f"cannot plant {new!r} for {old!r} on line {line}")
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        output = "\n".join(lines)
        self.flaws.append(Flaw(len(self.outputs), correct, "replace", old, new, line, names))
        self.outputs.append(
            {"output": output, "wrong": True, "error_kind": error_kind, "line": line, "why": why}
        )

    def drop(self, correct: str, line: int, old: str, error_kind: str, why: str) -> None:
        """`correct` without its 1-based `line` (which holds `old`)."""
        lines = correct.split("\n")
        if old not in lines[line - 1]:
            raise ValueError(f"line {line} does not hold {old!r}")
        output = "\n".join(lines[: line - 1] + lines[line:])
        self.flaws.append(Flaw(len(self.outputs), correct, "drop", old, "", None))
        self.outputs.append({"output": output, "wrong": True, "error_kind": error_kind, "why": why})

    def recorded(
        self, output: str, error_kind: str, line: int, why: str, old: str, new: str
    ) -> None:
        """A wrong output written whole (not derived from a correct one): `new` on `line`."""
        if new not in output.split("\n")[line - 1]:
            raise ValueError(f"line {line} does not hold {new!r}")
        self.flaws.append(Flaw(len(self.outputs), "", "recorded", old, new, line))
        self.outputs.append(
            {"output": output, "wrong": True, "error_kind": error_kind, "line": line, "why": why}
        )
