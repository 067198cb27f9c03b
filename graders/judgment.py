"""Grading a learner's judgment of an output: was it wrong, where, and how sure.

After seeing an output the learner gives a verdict (`ok` or `wrong`), a
confidence (50–100 %) and, if they call it wrong, where: a line of the output
they were shown or a kind of error from the exercise's list. The truth about
that output comes from the deterministic checks, a planted trap or a recorded
review item. A judgment is scored only where the truth is certain; when only
a rubric (a judge model) looked at the output, the call is recorded but not
scored.

Everything here takes plain values: no runtime, store or content types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Verdict = Literal["ok", "wrong"]
TruthSource = Literal["checks", "trap", "recorded", "rubric", "none"]

# A pinpointed line counts as a hit within this many lines of a known error line:
# a dropped line has no line of its own, and wrapped text shifts lines by one.
LINE_TOLERANCE = 1


class Judgment(BaseModel):
    """What the learner said about the output they were shown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: Verdict
    confidence: float = Field(ge=0.5, le=1.0, description="How sure, 0.5 (a guess) to 1.0.")
    line: int | None = Field(default=None, ge=1, description="1-based line of the shown output.")
    error_kind: str | None = Field(default=None, description="One of the exercise's error kinds.")

    @field_validator("error_kind")
    @classmethod
    def _blank_is_none(cls, kind: str | None) -> str | None:
        if kind is None or not kind.strip():
            return None
        return kind.strip()


class Truth(BaseModel):
    """What is known about the output that was shown, and how it is known.

    `detail` is what is wrong in plain words. Its form depends on the source:
    for `checks` a phrase such as "failed 'every date present'"; for `trap`
    the mutation's description ("changed 1,240 to 1,420 on line 3", read as
    what the coach did) or a recorded trap's note (a full sentence); for
    `recorded` the review item's `why`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    wrong: bool | None
    certain: bool
    lines: frozenset[int] = frozenset()
    error_kinds: frozenset[str] = frozenset()
    source: TruthSource
    detail: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Truth:
        if self.certain and self.wrong is None:
            raise ValueError("a certain truth must say whether the output is wrong")
        if any(line < 1 for line in self.lines):
            raise ValueError("lines are 1-based")
        return self

    @classmethod
    def from_checks(
        cls,
        deterministic_verdict: bool | None,
        failed_error_kinds: Iterable[str] = (),
        rubric_only: bool = False,
        *,
        failed_checks: Iterable[str] = (),
        lines: Iterable[int] = (),
        undecided: str = "",
    ) -> Truth:
        """Truth from grading the real output.

        `deterministic_verdict` is whether the deterministic checks passed
        (None when there were none). `failed_checks` are the labels of the
        failed checks, used in the feedback; `lines` the output lines they
        point at, where a grader knows them. `undecided` says, when the
        checks do not decide, why not (a criterion no judge graded).
        """
        if deterministic_verdict is None:
            source: TruthSource = "rubric" if rubric_only else "none"
            return cls(wrong=None, certain=False, source=source, detail=undecided.strip())
        if deterministic_verdict:
            return cls(wrong=False, certain=True, source="checks", detail="passed every check")
        labels = _unique(label for label in failed_checks if label.strip())
        detail = f"failed {_quoted(labels, 'and')}" if labels else "failed its checks"
        return cls(
            wrong=True,
            certain=True,
            source="checks",
            lines=frozenset(lines),
            error_kinds=frozenset(_unique(failed_error_kinds)),
            detail=detail,
        )

    @classmethod
    def from_trap(cls, changed_lines: Iterable[int], error_kind: str | None, detail: str) -> Truth:
        """Truth for a planted flaw: wrong, for certain, where the change is."""
        return cls(
            wrong=True,
            certain=True,
            source="trap",
            lines=frozenset(changed_lines),
            error_kinds=frozenset([error_kind] if error_kind else []),
            detail=detail,
        )

    @classmethod
    def from_recorded(
        cls, wrong: bool, line: int | None, error_kind: str | None, why: str
    ) -> Truth:
        """Truth for a recorded review item, whose errors are known."""
        return cls(
            wrong=wrong,
            certain=True,
            source="recorded",
            lines=frozenset([line] if line is not None else []),
            error_kinds=frozenset([error_kind] if error_kind else []),
            detail=why,
        )


class JudgmentGrade(BaseModel):
    """The grade of one judgment. Fields are None where they do not apply."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scored: bool = Field(description="False when the truth is uncertain: recorded, not scored.")
    correct: bool | None
    pinpoint_hit: bool | None = Field(
        description="Whether the line or kind named was right; None unless a wrong output "
        "was rightly called wrong and the learner said where."
    )
    brier: float | None = Field(description="(p_wrong − truth)², 0 best, 1 worst.")
    reason: str


def grade_judgment(judgment: Judgment, truth: Truth) -> JudgmentGrade:
    """Grade a verdict, its confidence and its pinpoint against the truth."""
    if not truth.certain or truth.wrong is None:
        return JudgmentGrade(
            scored=False,
            correct=None,
            pinpoint_hit=None,
            brier=None,
            reason=_unscored_reason(truth),
        )
    called_wrong = judgment.verdict == "wrong"
    correct = called_wrong == truth.wrong
    p_wrong = judgment.confidence if called_wrong else 1.0 - judgment.confidence
    brier = (p_wrong - (1.0 if truth.wrong else 0.0)) ** 2
    pinpoint = _pinpoint(judgment, truth) if called_wrong and truth.wrong else None
    return JudgmentGrade(
        scored=True,
        correct=correct,
        pinpoint_hit=pinpoint,
        brier=brier,
        reason=_reason(judgment, truth, correct, pinpoint),
    )


# --- pinpoint -----------------------------------------------------------------


def _norm(kind: str) -> str:
    return " ".join(kind.casefold().split())


def _line_hit(line: int, truth: Truth) -> bool:
    return any(abs(line - known) <= LINE_TOLERANCE for known in truth.lines)


def _kind_hit(kind: str, truth: Truth) -> bool:
    return _norm(kind) in {_norm(known) for known in truth.error_kinds}


def _pinpoint(judgment: Judgment, truth: Truth) -> bool | None:
    """A hit if the line or the kind named matches what is known; None if nothing to compare."""
    verdicts: list[bool] = []
    if judgment.line is not None and truth.lines:
        verdicts.append(_line_hit(judgment.line, truth))
    if judgment.error_kind is not None and truth.error_kinds:
        verdicts.append(_kind_hit(judgment.error_kind, truth))
    return any(verdicts) if verdicts else None


# --- reasons ------------------------------------------------------------------


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in items if item and item.strip()))


def _join(items: list[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _quoted(items: Iterable[str], word: str = "or") -> str:
    return _join([f"'{item}'" for item in items], word)


def _lines_text(lines: frozenset[int]) -> str:
    ordered = [str(line) for line in sorted(lines)]
    return f"line {ordered[0]}" if len(ordered) == 1 else f"lines {_join(ordered, 'and')}"


def _where(truth: Truth) -> str:
    """' (line 3)' unless the detail already says where."""
    if not truth.lines or "line" in truth.detail.casefold():
        return ""
    return f" ({_lines_text(truth.lines)})"


def _clause(text: str) -> str:
    return text.strip().rstrip(".").strip()


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _what_was_wrong(truth: Truth) -> str:
    """What was wrong, as a clause that can follow 'it was:'."""
    detail = _clause(truth.detail)
    if truth.source == "checks":
        return f"it {detail or 'failed its checks'}"
    if truth.source == "trap":
        if not detail:
            return "a planted error"
        # A mutation's description says what the coach did, in lower case.
        return f"we {detail}" if detail[0].islower() else detail
    if detail:
        return detail
    if truth.error_kinds:
        return _quoted(sorted(truth.error_kinds))
    return "the output had an error"


def _look_for(truth: Truth) -> str:
    if truth.error_kinds:
        return f"look for {_quoted(sorted(truth.error_kinds))} next time"
    return "check it against every requirement before you accept it"


def _unscored_reason(truth: Truth) -> str:
    if truth.detail:
        return f"{_sentence(truth.detail)} Your call is recorded but not scored."
    if truth.source == "rubric":
        return "This output was judged only by a rubric, so your call is recorded but not scored."
    return "Nothing checked this output with certainty, so your call is recorded but not scored."


def _pinpoint_text(judgment: Judgment, truth: Truth, hit: bool | None) -> str:
    if hit is None:
        return ""
    if hit:
        found = []
        if judgment.line is not None and truth.lines and _line_hit(judgment.line, truth):
            exact = judgment.line in truth.lines
            near = f" (next to the error on {_lines_text(truth.lines)})"
            found.append(f"line {judgment.line}{'' if exact else near}")
        if judgment.error_kind and truth.error_kinds and _kind_hit(judgment.error_kind, truth):
            found.append(f"'{judgment.error_kind}'")
        return f" You found where: {_join(found, 'and')}."
    misses = []
    if judgment.line is not None and truth.lines:
        misses.append(
            f"you pointed at line {judgment.line}, the error is on {_lines_text(truth.lines)}"
        )
    if judgment.error_kind and truth.error_kinds:
        misses.append(
            f"you said '{judgment.error_kind}', it was {_quoted(sorted(truth.error_kinds))}"
        )
    return f" But not where: {'; '.join(misses)}."


def _confidence_text(judgment: Judgment, correct: bool) -> str:
    if correct or judgment.confidence < 0.8:
        return ""
    return f" You were {round(judgment.confidence * 100)} % sure."


def _missed(truth: Truth) -> str:
    where = _where(truth)
    look_for = _look_for(truth)
    if truth.source == "checks":
        failed = _clause(truth.detail) or "failed its checks"
        return f"You accepted an output that {failed}{where}: {look_for}."
    lead = "with a planted error" if truth.source == "trap" else "that was wrong"
    what = _what_was_wrong(truth)
    return f"You accepted an output {lead}: {what}{where}. {look_for[0].upper()}{look_for[1:]}."


def _reason(judgment: Judgment, truth: Truth, correct: bool, hit: bool | None) -> str:
    called_wrong = judgment.verdict == "wrong"
    if truth.wrong and called_wrong:
        text = f"You called it wrong and it was: {_what_was_wrong(truth)}{_where(truth)}."
        text += _pinpoint_text(judgment, truth, hit)
    elif truth.wrong:
        text = _missed(truth)
    else:
        text = "False alarm: the output was right." if called_wrong else "Right: it was acceptable."
        if truth.source == "checks":
            text += " It passed every check."
        elif truth.detail.strip():
            text += f" {_sentence(truth.detail)}"
    return text + _confidence_text(judgment, correct)
