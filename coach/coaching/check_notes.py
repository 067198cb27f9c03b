"""Notes on failed checks: what the output did, and what in the learner's text caused it.

One function per grader, registered with `note_for`. Each reads the check's
options, its result `code` and `data` (what was expected, what was found) and
the output it graded, and looks at the learner's own prompt (`CUES`) to say
what it did or did not ask for. Notes choose their wording by code, never by
the wording of a grader's reason; the reason is only quoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coach.coaching.note import CoachNote
from coach.runtime.evals import REFERENCE_GRADER
from graders._text import fold, listing, q
from graders.result import CheckResult

# --- what the learner's prompt says -------------------------------------------------

_NUMBER_WORD = (
    r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|sixty|hundred|single"
)
CUES: Mapping[str, re.Pattern[str]] = {
    # Asks for the answer alone: "return only JSON", "nothing else", "no other text"
    # (not any "only": "use only the email body" says nothing about the output).
    "only": re.compile(
        r"\b(?:return|output|reply|respond|answer|give|print|write)\b[^.\n]{0,40}\bonly\b|"
        r"\bonly\b[^.\n]{0,30}\b(?:json|list|array|object|answer|output|csv|label|number)\b|"
        r"nothing else|no other (?:text|words)|no (?:extra|additional) (?:text|words)|"
        r"no (?:intro\w*|preamble|explanations?|commentary)|"
        r"without (?:any )?(?:other|extra|additional) (?:text|words)",
        re.IGNORECASE,
    ),
    "fence": re.compile(r"```|code[ -]?fences?|code[ -]?blocks?|markdown", re.IGNORECASE),
    "length": re.compile(
        rf"\b(?:{_NUMBER_WORD})(?:\s*(?:-|to|or)\s*\d+)?[\s-]*"
        r"(?:words?|sentences?|characters?|chars|lines?|paragraphs?|bullets?)\b",
        re.IGNORECASE,
    ),
    "working": re.compile(
        r"show (?:your |the |each |every )?(?:working|work|calculations?|steps|arithmetic|maths?)|"
        r"step[- ]by[- ]step|calculat\w*|work (?:it )?out|add (?:them )?up",
        re.IGNORECASE,
    ),
    "verbatim": re.compile(
        r"verbatim|word[- ]for[- ]word|exact (?:words|wording|quotes?|quotations?)|"
        r"direct quot\w*|quote\w* (?:directly|exactly)",
        re.IGNORECASE,
    ),
    "leave_out": re.compile(
        r"\b(?:do not|don't|never|must not|without|exclude|leave out|omit|no)\b", re.IGNORECASE
    ),
}


def says(prompt: str, cue: str) -> bool:
    """Whether the learner's text asks for `cue` (a key of CUES) in any common wording."""
    return bool(CUES[cue].search(prompt))


# --- one failed check, with what it needs ---------------------------------------------


@dataclass(frozen=True)
class Failed:
    """A failed, scored check, with the options it ran with and the output it graded."""

    check: CheckResult
    options: Mapping[str, Any]
    output: str | None

    @property
    def wanted(self) -> str:
        """' (for "label")' when the check has a label, to tie the note to the check list."""
        return f" (for {q(self.check.label, 60)})" if self.check.label else ""

    @property
    def code(self) -> str:
        """The result's code without the grader ("missing" for "contains.missing")."""
        return self.check.code.partition(".")[2]

    @property
    def detail(self) -> str:
        """What the grader found, in its words (quoted in notes, never parsed)."""
        return self.check.reason.removeprefix("not: ")


@dataclass(frozen=True)
class Writer:
    """Whose words the notes talk about: 'your prompt', 'your instructions', …"""

    prompt: str
    yours: str

    @property
    def opening(self) -> str:
        """'Your prompt', to start a sentence."""
        return self.yours[:1].upper() + self.yours[1:]

    def verb(self, singular: str) -> str:
        """`singular` ('asks', 'does') agreeing with whose words: 'your steps ask'."""
        if not self.yours.endswith("s"):  # your prompt
            return singular
        return "do" if singular == "does" else singular.removesuffix("s")


YOURS = {
    "instructions": "your instructions",
    "pipeline": "your steps",
    "agent": "your agent's instructions",
    "evals": "your cases",
}

NoteFn = Callable[[Failed, Writer], CoachNote | None]
NOTES: dict[str, NoteFn] = {}


def note_for(*graders: str) -> Callable[[NoteFn], NoteFn]:
    def register(fn: NoteFn) -> NoteFn:
        for grader in graders:
            NOTES[grader] = fn
        return fn

    return register


def _present(values: Iterable[str], text: str | None, case_sensitive: bool = False) -> list[str]:
    if text is None:
        return []
    folded = fold(text, case_sensitive)
    return [value for value in values if fold(value, case_sensitive) in folded]


# --- format ---------------------------------------------------------------------


@note_for("json")
def _json(f: Failed, w: Writer) -> CoachNote:
    if f.code in {"text_before", "text_after"}:
        where = "before" if f.code == "text_before" else "after"
        extra = f.detail.removeprefix(f"extra text {where} the JSON: ")  # said once
        found = f"The output had extra text {where} the JSON ({extra})"
        if says(w.prompt, "only"):
            fix = (
                f"{w.opening} {w.verb('asks')} "
                "for only the JSON, yet the model added it: repeat that rule "
                "as the last line, and say the answer must start with [ or {."
            )
        else:
            fix = (
                f"{w.opening} did not say 'only the JSON, nothing else', so the model added a "
                "friendly line: say 'Return only the JSON, with no other text.'"
            )
        return CoachNote(topic="format", text=f"{found}. {fix}")
    if f.code == "fenced":
        if says(w.prompt, "fence"):
            fix = (
                f"{w.opening} {w.verb('mentions')} "
                "fences, but say it plainly: 'no code fence, no markdown'."
            )
        else:
            fix = f"{w.opening} did not say 'no code fence': say it, since many models add one."
        return CoachNote(topic="format", text=f"The JSON was wrapped in a code fence (```). {fix}")
    if f.code == "schema":
        return CoachNote(
            topic="format",
            text=f"The JSON had the wrong shape{f.wanted}: {f.detail}. Spell out the shape in "
            f"{w.yours}: every key, its type, and a one-line example.",
        )
    if f.code == "empty":
        return CoachNote(
            topic="format", text=f"The output was empty where JSON was expected{f.wanted}."
        )
    return CoachNote(
        topic="format",
        text=f"The output was not valid JSON ({f.detail}). Ask for strict JSON (double quotes, "
        "no comments, no trailing commas) and show a small example of the exact shape.",
    )


@note_for("exact")
def _exact(f: Failed, w: Writer) -> CoachNote:
    expected = str(f.options.get("expected", "")).strip()
    wrote = f"the model wrote {q(f.output.strip(), 60)}" if f.output else f.check.reason
    return CoachNote(
        topic="format",
        text=f"The answer had to be exactly {q(expected, 60)}; {wrote}. Tell the model to reply "
        "with exactly that form and nothing else: no full stop, no explanation.",
    )


@note_for("label_in")
def _label(f: Failed, w: Writer) -> CoachNote:
    if f.code in {"not_a_label", "empty"}:
        return CoachNote(
            topic="format",
            text=f"The answer was not one of the allowed labels: {f.check.reason}. List the "
            f"labels in {w.yours} and say to answer with one of them and nothing else.",
        )
    return CoachNote(
        topic="wrong answer",
        text=f"The model picked the wrong label: {f.check.reason}. Give it the rule that "
        "decides between the labels, or one short example of each.",
    )


@note_for("length")
def _length(f: Failed, w: Writer) -> CoachNote:
    over = f.code == "over"
    found = f"The output was too {'long' if over else 'short'}: {f.check.reason}."
    if not says(w.prompt, "length"):
        fix = f"{w.opening} did not set a length: give the number (for example 'at most 60 words')."
    elif over:
        fix = (
            f"{w.opening} {w.verb('sets')} "
            "a length, but models count loosely: ask for a little under the "
            "limit, or for a number of sentences, and count before you accept."
        )
    else:
        fix = (
            f"{w.opening} {w.verb('sets')} "
            "a length: say it is a minimum, and what the words must cover."
        )
    return CoachNote(topic="length", text=f"{found} {fix}")


@note_for("regex")
def _regex(f: Failed, w: Writer) -> CoachNote:
    if f.check.label:
        return CoachNote(
            topic="requirement",
            text=f"The output missed {q(f.check.label, 80)}. Check that {w.yours} "
            f"{w.verb('asks')} for it "
            "in so many words, and that the materials give the model what it needs.",
        )
    pattern = str(f.options.get("pattern", ""))
    return CoachNote(
        topic="format",
        text=f"The output did not have the expected form (the pattern {q(pattern, 60)}). "
        f"Show the exact form you want in {w.yours}.",
    )


# --- content ---------------------------------------------------------------------


@note_for("contains")
def _contains(f: Failed, w: Writer) -> CoachNote:
    value = str(f.options.get("value") or "")
    if not value:  # the check's options are not to hand: its reason names the value
        return CoachNote(
            topic="missing content", text=f"The output fell short{f.wanted}: {f.check.reason}."
        )
    text = f"The output never mentioned {q(value, 60)}{f.wanted}."
    if _present([value], w.prompt):
        text += (
            f" {w.opening} {w.verb('mentions')} "
            "it, but not as a requirement: say 'the answer must include …'."
        )
    else:
        text += f" Ask for it by name in {w.yours}."
    return CoachNote(topic="missing content", text=text)


@note_for("contains_all")
def _contains_all(f: Failed, w: Writer) -> CoachNote:
    values = [str(v) for v in f.options.get("values", [])]
    case = bool(f.options.get("case_sensitive", False))
    found_missing = f.check.data.get("missing")
    if isinstance(found_missing, list):
        missing = [str(v) for v in found_missing]
    elif f.output is not None:
        present = _present(values, f.output, case)
        missing = [v for v in values if v not in present]
    else:
        missing = []
    what = listing(q(v, 40) for v in missing) if missing else "some of the required items"
    text = f"The output left out {what}{f.wanted}."
    if missing and not _present(missing, w.prompt, case):
        text += (
            f" {w.opening} {w.verb('does')} "
            f"not name {'it' if len(missing) == 1 else 'them'}: ask for "
            "every item, or tell the model to go through the material item by item."
        )
    else:
        text += " Ask the model to go through the material item by item and cover each one."
    return CoachNote(topic="missing content", text=text)


@note_for("contains_any")
def _contains_any(f: Failed, w: Writer) -> CoachNote:
    values = f.options.get("values") or []
    named = listing(q(str(v), 40) for v in values) if values else "the expected words"
    return CoachNote(
        topic="missing content",
        text=f"The output had none of {named}{f.wanted}. Say in {w.yours} what the answer must "
        "cover, in those words.",
    )


@note_for("set_equals", "f1")
def _items(f: Failed, w: Writer) -> CoachNote:
    missing = bool(f.check.data.get("missing"))
    extra = bool(f.check.data.get("unexpected"))
    text = f"The list was off{f.wanted}: {f.detail}."
    if missing and extra:
        text += (
            f" Items were misread or swapped: say in {w.yours} how to read the material "
            "(formats, conventions, what counts)."
        )
    elif missing:
        text += " Ask the model to go through the material line by line and list every item."
    elif extra:
        text += f" Say in {w.yours} what does not count, so the model leaves it out."
    return CoachNote(topic="missing content", text=text)


@note_for("must_not_contain")
def _must_not(f: Failed, w: Writer) -> CoachNote:
    values = [str(v) for v in f.options.get("values", [])]
    case = bool(f.options.get("case_sensitive", False))
    found = f.check.data.get("found")
    leaked = (
        [str(v) for v in found] if isinstance(found, list) else _present(values, f.output, case)
    )
    shown = listing(q(v, 40) for v in leaked) if leaked else "a banned value"
    text = f"The output contained {shown}, which must not appear{f.wanted}."
    if says(w.prompt, "leave_out") and _present(leaked, w.prompt, case):
        text += (
            f" {w.opening} {w.verb('names')} "
            "it, and the model still used it: keep the rule short and "
            "explicit ('do not mention …') and ask the model to check its answer for it."
        )
    else:
        text += f" {w.opening} did not say what to leave out: name it ('do not mention …')."
    return CoachNote(topic="leaked content", text=text)


@note_for("number")
def _number(f: Failed, w: Writer) -> CoachNote:
    data = f.check.data
    if f.code in {"not_found", "pattern_not_found"} or "found" not in data:
        return CoachNote(
            topic="numbers",
            text=f"The output gave no figure where one was expected{f.wanted}. Ask for the "
            "number in a fixed place (for example 'Total: <number>').",
        )
    if f.code in {"no_currency", "wrong_currency", "no_percent", "wrong_unit"}:
        return CoachNote(
            topic="numbers",
            text=f"The figure was right but not in the form asked for{f.wanted}: {f.detail}. "
            f"Say in {w.yours} the currency or unit the answer must carry.",
        )
    found, expected = _figure(data["found"]), _figure(data["expected"])
    text = f"The model's figure was {found}; the right one is {expected}{f.wanted}."
    if says(w.prompt, "working"):
        text += (
            " Give it every figure it needs, and ask it to check each step of the "
            "calculation before the final number."
        )
    else:
        text += (
            f" {w.opening} did not ask it to show the calculation: give it the figures and "
            "ask for each step, so you can check the arithmetic."
        )
    return CoachNote(topic="numbers", text=text)


def _figure(value: Any) -> str:
    return f"{value:.12g}" if isinstance(value, int | float) else str(value)


@note_for("mentions")
def _mentions(f: Failed, w: Writer) -> CoachNote:
    kind = str(f.check.data.get("kind", "value"))
    if f.code == "range_inverted":
        text = (
            f"The output wrote the range high to low{f.wanted}: {f.detail}. Ask for ranges "
            "low to high ('3 to 5')."
        )
    elif f.code in {"no_currency", "wrong_currency", "no_percent", "wrong_unit"}:
        text = (
            f"The output had the right {kind} in the wrong form{f.wanted}: {f.detail}. Say in "
            f"{w.yours} which currency or unit to use."
        )
    else:
        text = (
            f"The output never gave the right {kind}{f.wanted}: {f.detail}. Give the model "
            f"the figures it needs, and ask for the {kind} by name in {w.yours}."
        )
    return CoachNote(topic="numbers", text=text)


@note_for("quotes_exist_in")
def _quotes(f: Failed, w: Writer) -> CoachNote:
    if f.code == "not_in_sources":
        text = (
            f"The output quoted words that are not in the materials ({f.detail}): an invented "
            "or reworded quotation."
        )
        if says(w.prompt, "verbatim"):
            text += (
                f" {w.opening} {w.verb('asks')} "
                "for exact quotes: also ask the model to copy each one from "
                "the text and to say so when the materials do not cover a point."
            )
        else:
            text += (
                " Ask for word-for-word quotes copied from the materials, and for 'not in "
                "the sources' when they do not cover a point."
            )
        return CoachNote(topic="sources", text=text)
    return CoachNote(
        topic="sources",
        text=f"The output did not quote the materials enough ({f.detail}). Ask for the exact "
        "words that support each claim, in quotation marks.",
    )


@note_for("python")
def _python(f: Failed, w: Writer) -> CoachNote:
    return CoachNote(
        topic="requirement",
        text=f"The exercise's own check{f.wanted} failed: {f.check.reason}. Reread the brief "
        f"for that requirement and make it explicit in {w.yours}.",
    )


@note_for("rubric")
def _rubric(f: Failed, w: Writer) -> CoachNote:
    return CoachNote(
        topic="quality (a judge's view)",
        text=f"A judge model found the output short of the rubric: {f.detail}. This is a "
        "model's view, not a certainty: reread the rubric yourself, and put its rules "
        f"in {w.yours} rather than a general 'make it good'.",
    )


# --- agents ----------------------------------------------------------------------


@note_for("tool_called")
def _tool_called(f: Failed, w: Writer) -> CoachNote:
    tool = f.options.get("tool", "the tool")
    return CoachNote(
        topic="tools",
        text=f"The agent never used {tool}{f.wanted}. Say in {w.yours} when to use it "
        f"(for example 'use {tool} for every …').",
    )


@note_for("tool_not_called")
def _tool_not_called(f: Failed, w: Writer) -> CoachNote:
    tool = f.options.get("tool", "the tool")
    return CoachNote(
        topic="tools",
        text=f"The agent called {tool} when it should not have{f.wanted}: {f.check.reason}. "
        f"Leave {tool} out of its permissions, or say plainly in {w.yours} that it must not "
        "use it.",
    )


@note_for("tool_order")
def _tool_order(f: Failed, w: Writer) -> CoachNote:
    before, after = f.options.get("before", "?"), f.options.get("after", "?")
    return CoachNote(
        topic="tools",
        text=f"The agent worked in the wrong order{f.wanted}: {f.check.reason}. Give the order "
        f"in {w.yours}: {before} first, then {after}.",
    )


@note_for("numbers_grounded")
def _grounded(f: Failed, w: Writer) -> CoachNote:
    return CoachNote(
        topic="numbers",
        text=f"The agent's answer had numbers no tool gave it ({f.detail}). Tell it to use only "
        "figures it read from a file or worked out with the calculator, and to say where "
        "each one came from.",
    )


@note_for("file_state")
def _file_state(f: Failed, w: Writer) -> CoachNote:
    return CoachNote(
        topic="files",
        text=f"The files were not left as required{f.wanted}: {f.check.reason}. Say in "
        f"{w.yours} which files the agent must write, and which it must leave alone; then "
        "read the trace for each write and delete.",
    )


# --- fit and evals -----------------------------------------------------------------


@note_for("fit_key")
def _fit(f: Failed, w: Writer) -> CoachNote:
    return CoachNote(
        topic="where AI fits",
        text="Some steps were placed differently from the key (see the steps above). For each "
        "step ask: what happens if the AI gets it wrong, and would anyone notice? Cheap, "
        "visible mistakes can be delegated; costly or hidden ones need a check or a person.",
    )


@note_for(REFERENCE_GRADER)
def _evals_reference(f: Failed, w: Writer) -> CoachNote:
    return CoachNote(
        topic="eval cases",
        text=f"Some of {w.yours} fail on the correct system ({f.check.reason}), so no catch "
        "counts. A case must pass on the right answer: loosen its checks until it does.",
    )


def variants_note(missed: Sequence[CheckResult]) -> CoachNote:
    bugs = listing((q(check.label, 60) for check in missed), limit=4, each=64)
    return CoachNote(
        topic="eval cases",
        text=f"No case caught {bugs}. For each, write an input where that bug changes the "
        "answer, and a check that sees the change.",
    )


# --- one note per failed check -------------------------------------------------------


def distinct(failed: Sequence[Failed]) -> list[Failed]:
    """Drop failures that repeat another's finding.

    Two checks with the same grader and reason (a general JSON check and an
    input's own) are one mistake; a list check whose items are all there
    failed only because the JSON check failed, which has its own note.
    """
    bad_form = any(item.check.grader == "json" for item in failed)
    seen: set[tuple[str, str]] = set()
    kept: list[Failed] = []
    for item in failed:
        key = (item.check.grader, item.check.reason)
        if key in seen:
            continue
        seen.add(key)
        if bad_form and item.check.grader in {"set_equals", "f1"} and item.output is not None:
            expected = [str(v) for v in item.options.get("expected", [])]
            if len(_present(expected, item.output)) == len(expected):
                continue
        kept.append(item)
    return kept


def note_on(item: Failed, writer: Writer) -> CoachNote | None:
    """The note for one failed check; None for a grader with nothing to say."""
    if item.check.negated:
        return _negated(item, writer)
    fn = NOTES.get(item.check.grader)
    return fn(item, writer) if fn is not None else None


def check_notes(failed: Sequence[Failed], writer: Writer) -> list[CoachNote]:
    """One note per distinct failed check."""
    return [note for item in distinct(failed) if (note := note_on(item, writer)) is not None]


def _negated(f: Failed, w: Writer) -> CoachNote:
    """A `not` check failed: the output had what it must not have."""
    name = q(f.check.label, 80) if f.check.label else f"the {f.check.grader} check"
    return CoachNote(
        topic="requirement",
        text=f"The output broke {name}: {f.detail}. Say in {w.yours} what must not appear, "
        "and what to do instead.",
    )
