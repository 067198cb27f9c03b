"""A coach model's critique of one attempt: three short suggestions, grounded in the checks.

Optional and off by default: it runs only when `coach_model` is set (never the
tiny offline model implicitly). The coach model sees only what the attempt
produced: the task, the learner's prompt, the output shown, every check with
its reason, the judgment and any disclosed planted flaw. What it writes is
advice from a model, never a grade, and `Critique.source` says so.

It calls the model through `coach.llm` (which loads litellm on first use), so
this module imports neither textual nor litellm.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from coach import llm
from coach.config import Config
from coach.llm.choices import spec_for
from coach.runtime.outcome import AttemptOutcome
from graders.result import CheckResult

SUGGESTIONS = 3
SUGGESTION_CHARS = 320  # about two sentences; longer ones are cut
PROMPT_CHARS = 4000  # of the learner's prompt sent to the coach model
OUTPUT_CHARS = 2400  # of the output shown
REASON_CHARS = 300  # of one check's reason
MAX_INPUTS = 8  # per-input results listed for multi-step kinds
# What the learner wrote, by exercise kind (the prompt kind's is the default).
WORK = {
    "instructions": "INSTRUCTIONS",
    "pipeline": "PIPELINE STEPS",
    "agent": "AGENT SET-UP",
    "evals": "EVAL CASES",
}
CRITIQUE_MAX_TOKENS = 400
KNOWN_FROM = {"checks": "the checks", "trap": "the planted flaw", "recorded": "the answer key"}

SYSTEM = f"""\
You are an experienced practitioner who coaches people in working with \
generative AI models. You are reviewing one practice attempt.

Ground every suggestion ONLY in what you are given: the task, the learner's \
prompt, the output the learner was shown, the result of each automatic check \
with its reason, and the learner's judgment of the output. Make no claim the \
check results do not support and guess at nothing outside the attempt.

Write exactly {SUGGESTIONS} suggestions, numbered 1. to {SUGGESTIONS}., one per \
line. Each is at most two sentences and names one specific thing to change in \
the learner's prompt or, where their judgment went wrong, in how they judged \
the output. Point at the failed checks first. Do not rewrite the whole prompt. \
Plain text only: no headings, no markdown, nothing before or after the list."""


class Critique(BaseModel):
    """What the coach model suggested, and what it cost. Model-written: advice, not a grade."""

    model_config = ConfigDict(frozen=True)

    model: str  # the coach model's name, as the learner configured it
    suggestions: list[str]
    complete: bool  # False: the model gave fewer than three usable suggestions
    source: Literal["model"] = "model"
    cost_usd: float | None = None  # None when the price is unknown
    tokens_in: int | None = None
    tokens_out: int | None = None

    def cost_line(self) -> str:
        """`cost $0.0012 · 350 tokens`, or `cost unknown` where there is no price."""
        if self.cost_usd is None:
            cost = "cost unknown"
        elif self.cost_usd == 0:
            cost = "cost $0"  # runs on this machine
        else:
            cost = f"cost ${self.cost_usd:.4f}"
        if self.tokens_in is None and self.tokens_out is None:
            return cost
        return f"{cost} · {(self.tokens_in or 0) + (self.tokens_out or 0)} tokens"


def coach_model_spec(config: Config) -> llm.ModelSpec | None:
    """The coach model, or None when `coach_model` is unset (critique is off by default).

    Raises InvalidApiBase for a bad server URL, before any call.
    """
    if not config.coach_model:
        return None
    return spec_for(config, config.coach_model)


def worth_critique(outcome: AttemptOutcome) -> bool:
    """Whether the attempt has something of the learner's to comment on: a prompt or a judgment."""
    return bool((outcome.prompt or "").strip()) or outcome.judgment is not None


async def critique(
    spec: llm.ModelSpec,
    exercise: Any,
    outcome: AttemptOutcome,
    *,
    prompt: str | None = None,
    spend: llm.SpendTracker | None = None,
) -> Critique:
    """Ask the coach model for three suggestions. Errors are `llm.ModelError`s.

    `prompt` is the learner's prompt (default: the one in the outcome). Raises
    BadResponse when the reply holds no usable suggestion.
    """
    learner_prompt = outcome.prompt if prompt is None else prompt
    messages = critique_messages(exercise, outcome, learner_prompt or "")
    result = await llm.complete(
        spec, messages, temperature=0.2, max_tokens=CRITIQUE_MAX_TOKENS, spend=spend
    )
    suggestions = parse_suggestions(result.text)
    if not suggestions:
        raise llm.BadResponse(
            f"The coach model ({spec.name}) answered, but with no suggestions in it.",
            "Try again, or choose a more capable coach model in Settings.",
            model=spec.model,
            detail=cut(llm.clean_output(result.text), 200),
        )
    usage = result.usage
    return Critique(
        model=spec.name,
        suggestions=suggestions,
        complete=len(suggestions) == SUGGESTIONS,
        cost_usd=result.cost_usd,
        tokens_in=usage.tokens_in if usage else None,
        tokens_out=usage.tokens_out if usage else None,
    )


# --- what the coach model is told ------------------------------------------------


def critique_messages(exercise: Any, outcome: AttemptOutcome, prompt: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": attempt_summary(exercise, outcome, prompt)},
    ]


def attempt_summary(exercise: Any, outcome: AttemptOutcome, prompt: str) -> str:
    """The attempt as plain text: task, prompt, output shown, checks, judgment, planted flaw."""
    parts = [f"TASK\n{exercise.brief.strip()}"]
    if exercise.materials:
        parts[0] += f"\n(Materials sent with the prompt: {', '.join(exercise.materials)}.)"
    work = WORK.get(str(exercise.kind), "PROMPT")
    written = (
        fenced(prompt.strip(), PROMPT_CHARS) or "(none: here the learner only judged an output)"
    )
    parts.append(f"THE LEARNER'S {work}\n{written}")
    shown = outcome.shown.text
    if shown.strip():
        parts.append(f"OUTPUT SHOWN TO THE LEARNER\n{fenced(shown.strip(), OUTPUT_CHARS)}")
    parts.append(f"CHECKS\n{checks_text(outcome)}")
    parts.append(f"JUDGMENT\n{judgment_text(outcome)}")
    mutation = outcome.shown.mutation
    if mutation is not None:
        note = f" {mutation.note}" if mutation.note else ""
        parts.append(
            "PLANTED FLAW (disclosed to the learner after the judgment)\n"
            f"The output shown was a copy with a planted flaw: {mutation.description}.{note} "
            "The checks graded the model's real output."
        )
    return "\n\n".join(parts)


def fenced(text: str, limit: int) -> str:
    """Learner or model text between markers, shortened (head and tail) past `limit`."""
    if not text:
        return ""
    return f"<<<\n{shorten(text, limit)}\n>>>"


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head, tail = text[: limit * 2 // 3], text[-(limit // 3) :]
    return f"{head}\n[… {len(text) - len(head) - len(tail)} characters not shown …]\n{tail}"


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _check_line(check: CheckResult) -> str:
    mark = "NOT SCORED" if check.unscored else ("PASS" if check.passed else "FAIL")
    return f"- {mark} {check.name}: {cut(' '.join(check.reason.split()), REASON_CHARS)}"


def checks_text(outcome: AttemptOutcome) -> str:
    grade = outcome.output_grade
    if grade is None or not grade.checks:
        return "No automatic checks ran on this attempt."
    verdict = "passed" if grade.passed else "not passed"
    score = "" if grade.score is None else f", score {grade.score:.0%}"
    lines = [f"Overall: {verdict}{score}."]
    lines.extend(_check_line(check) for check in grade.checks)
    lines.extend(_per_input(outcome.details))
    return "\n".join(lines)


def _per_input(details: dict[str, Any] | None) -> list[str]:
    """For multi-step kinds: each hidden input's checks, so the suggestions can be specific."""
    entries = (details or {}).get("inputs") or []
    lines: list[str] = []
    for entry in entries[:MAX_INPUTS]:
        verdict = "passed" if entry.get("passed") else "failed"
        lines.append(f"Input {entry.get('id', '?')}: {verdict}")
        if entry.get("error"):
            lines.append(f"- ERROR {cut(str(entry['error']), REASON_CHARS)}")
        for raw in entry.get("checks") or []:
            try:
                lines.append(_check_line(CheckResult.model_validate(raw)))
            except ValueError:
                continue  # an entry we cannot read adds nothing the totals above do not say
    if len(entries) > MAX_INPUTS:
        lines.append(f"({len(entries) - MAX_INPUTS} more inputs not listed.)")
    return lines


def judgment_text(outcome: AttemptOutcome) -> str:
    judgment, grade = outcome.judgment, outcome.judgment_grade
    if judgment is None:
        return "The learner gave no judgment of the output."
    said = "acceptable" if judgment.verdict == "ok" else "wrong"
    where = []
    if judgment.line is not None:
        where.append(f"line {judgment.line}")
    if judgment.error_kind:
        where.append(f"error kind '{judgment.error_kind}'")
    pinpoint = f", pointing at {' and '.join(where)}" if where else ""
    text = f"The learner called the output {said} ({judgment.confidence:.0%} sure{pinpoint})."
    if grade is not None:
        if not grade.scored:
            result = "recorded, not scored"
        else:
            result = "right" if grade.correct else "not right"
        text += f" Result: {result}. {grade.reason}"
    truth = outcome.truth
    if truth is not None and truth.certain:
        known = "wrong" if truth.wrong else "sound"
        source = KNOWN_FROM.get(truth.source, truth.source)
        detail = f": {truth.detail.rstrip('.')}" if truth.detail else ""
        text += f"\nThe output shown was {known} (known from {source}){detail}."
    return text


# --- reading the reply ------------------------------------------------------------

_FENCE = re.compile(r"^```[\w-]*\s*\n?|\n?```\s*$")
_ITEM = re.compile(r"^\s*(?:\(?\d{1,2}[.):]|[-*•–])\s+(.*)$")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_LABEL = re.compile(r"^(?:suggestion\s*\d+\s*[:.-]\s*)", re.IGNORECASE)


def parse_suggestions(text: str) -> list[str]:
    """Up to three suggestions from a numbered list, bullets, JSON or paragraphs; cleaned."""
    body = _FENCE.sub("", llm.clean_output(text).strip()).strip()
    items = _from_json(body)
    if items is None:
        items = _from_list(body)
    if not items:
        items = [para for para in re.split(r"\n\s*\n", body) if para.strip()]
    suggestions: list[str] = []
    for item in items:
        tidy = _tidy(item)
        if tidy and tidy not in suggestions:
            suggestions.append(tidy)
    return suggestions[:SUGGESTIONS]


def _from_json(body: str) -> list[str] | None:
    if not body.startswith(("[", "{")):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = next((value for value in data.values() if isinstance(value, list)), None)
    if not isinstance(data, list):
        return None
    items = []
    for entry in data:
        if isinstance(entry, dict):  # {"suggestion": "..."} or {"text": "..."}
            entry = next((v for v in entry.values() if isinstance(v, str)), "")
        if isinstance(entry, str):
            items.append(entry)
    return items


def _from_list(body: str) -> list[str]:
    """Numbered or bulleted items. A line that starts no item continues the one before,
    up to a blank line: text after the list ("Good luck!") is not a suggestion."""
    items: list[str] = []
    open_item = False
    for line in body.splitlines():
        match = _ITEM.match(line)
        if match:
            items.append(match.group(1))
            open_item = True
        elif not line.strip():
            open_item = False
        elif open_item:
            items[-1] += " " + line.strip()
    return items


def _tidy(item: str) -> str:
    flat = " ".join(item.split())
    flat = _EMPHASIS.sub(r"\2", flat)
    flat = _LABEL.sub("", flat).strip()
    return cut(flat, SUGGESTION_CHARS)
