"""A learner's recurring weaknesses, read from their recent attempts (pure).

The runtime turns each stored attempt into `WeaknessEvidence` (the engine's
evidence, the attempt's check results and the sort of any planted flaw);
this module counts and names the weaknesses.

Only the most recent `window` attempts (40 by default) are read, so a
weakness that has been trained away drops out. Each weakness is a mistake
counted against its opportunities:

- a planted flaw of one sort accepted as fine: wrong numbers or dates,
  invented sources, dropped or changed facts, a broken or padded format (the
  nine mutations of `graders.traps`, grouped). Opportunity: a scored judgment
  of an output carrying that sort of planted flaw (a named mutation, or a
  recorded trap whose error kind is a mutation's default one);
- too sure when wrong: a scored judgment made at 80 % confidence or more that
  was wrong. Opportunity: a scored judgment made at 80 % or more;
- an output check failing, by group: format (json, regex, exact, label_in),
  required content (contains*, set_equals), forbidden content
  (must_not_contain, or a negated contains*), length, grounding in the sources
  (quotes_exist_in, numbers_grounded), numbers (number). An attempt counts
  once per group: a mistake when any scored check of the group failed, an
  opportunity when it has a scored check of the group. Unscored checks are
  left out, and so is every check of an attempt whose model was below the
  exercise's need: a weak model fails good prompts (see `engine.evidence`).

Such a weakness is named when it happened at least `MIN_COUNT` (3) times and
in at least `MIN_SHARE` (40 %) of its opportunities.

Judgment bias is read from signal detection (`engine.judgment_metrics`) and
needs at least `MIN_JUDGMENTS` (8) scored judgments of known truth: bias
c ≤ −0.5 with at least 3 false alarms is "flags correct outputs as wrong too
often", c ≥ +0.5 with at least 3 misses "accepts flawed outputs too often"
(the count threshold keeps the log-linear correction alone, with no sound
outputs seen, from naming a bias).

Most severe first: the larger share of opportunities, then the larger count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from coach.engine.evidence import AttemptEvidence, model_below_need
from coach.engine.judgment_metrics import judgment_metrics, records_from_evidence

WINDOW = 40
MIN_COUNT = 3
MIN_SHARE = 0.4
MIN_JUDGMENTS = 8
BIAS_LIMIT = 0.5
CONFIDENT = 0.8


class Weakness(BaseModel):
    """One recurring mistake, with the figures behind it and what trains it."""

    model_config = ConfigDict(frozen=True)

    code: str  # stable id, e.g. "misses_wrong_numbers"
    label: str  # short, in the learner's terms: "misses wrong numbers or dates"
    detail: str  # one sentence with the figures
    count: int  # times the mistake happened in the window
    out_of: int  # opportunities in the window
    train_graders: tuple[str, ...] = ()  # checks whose exercises train it
    train_mutations: tuple[str, ...] = ()  # planted-flaw types that train it


class CheckFact(NamedTuple):
    """One check result of an attempt, as the weakness counts read it."""

    grader: str
    passed: bool
    unscored: bool = False
    negated: bool = False


@dataclass(frozen=True)
class WeaknessEvidence:
    """One attempt: its engine evidence, its checks (every hidden input's too)
    and the planted-flaw mutation it showed (a recorded flaw mapped to the
    mutation of its error kind), if any."""

    evidence: AttemptEvidence
    checks: tuple[CheckFact, ...] = ()
    mutation: str | None = None


@dataclass(frozen=True)
class _Kind:
    """One sort of mistake: how it is named and what trains it."""

    code: str
    label: str
    phrase: str  # the mistake, completing "… N of M …"
    graders: tuple[str, ...] = ()
    mutations: tuple[str, ...] = ()


# Planted flaws missed: "accepted N of M outputs <phrase>".
_MISSED = (
    _Kind(
        "misses_wrong_numbers",
        "misses wrong numbers or dates",
        "with a changed number or date",
        mutations=("change_number", "shift_date"),
    ),
    _Kind(
        "misses_invented_sources",
        "misses invented sources",
        "with an invented citation",
        mutations=("invent_citation",),
    ),
    _Kind(
        "misses_changed_facts",
        "misses dropped or changed facts",
        "with a dropped item, swapped names or labels, or a lost negation",
        mutations=("drop_item", "swap_names", "swap_label", "remove_negation"),
    ),
    _Kind(
        "misses_broken_format",
        "misses a broken or padded output",
        "cut short or padded with extra text",
        mutations=("truncate", "add_extra_text"),
    ),
)

# Output checks failing: "the output failed <phrase> in N of the M attempts that had one".
_CHECKS = (
    _Kind(
        "forgets_format",
        "forgets the output format",
        "a format check",
        graders=("json", "regex", "exact", "label_in"),
    ),
    _Kind(
        "leaves_out_content",
        "leaves out required content",
        "a required-content check",
        graders=("contains", "contains_all", "contains_any", "set_equals"),
    ),
    _Kind(
        "lets_forbidden_through",
        "lets forbidden content through",
        "a forbidden-content check",
        graders=("must_not_contain",),
    ),
    _Kind("wrong_length", "misses the length limit", "the length check", graders=("length",)),
    _Kind(
        "ungrounded_output",
        "output not grounded in the sources",
        "a grounding check",
        graders=("quotes_exist_in", "numbers_grounded"),
    ),
    _Kind(
        "numbers_wrong", "gets numbers wrong in the output", "a number check", graders=("number",)
    ),
)

_OVERCONFIDENT = _Kind("overconfident", "too sure when wrong", "")
_FALSE_ALARMS = _Kind("false_alarms", "flags correct outputs as wrong too often", "")
_TOO_TRUSTING = _Kind(
    "too_trusting",
    "accepts flawed outputs too often",
    "",
    mutations=tuple(sorted(name for kind in _MISSED for name in kind.mutations)),
)

_MUTATION_KIND = {name: kind for kind in _MISSED for name in kind.mutations}
_NEGATABLE = {"contains", "contains_all", "contains_any"}
_GRADER_KIND = {name: kind for kind in _CHECKS for name in kind.graders}


def _add(tally: dict[str, list[int]], code: str, mistake: bool) -> None:
    counts = tally.setdefault(code, [0, 0])
    counts[0] += mistake
    counts[1] += 1


def _check_kind(check: CheckFact) -> _Kind | None:
    grader = check.grader
    if check.negated and grader in _NEGATABLE:
        grader = "must_not_contain"  # "must not contain X": forbidden content
    return _GRADER_KIND.get(grader)


def _count_checks(tally: dict[str, list[int]], seen: WeaknessEvidence) -> None:
    evidence = seen.evidence
    if model_below_need(evidence.model_tier, evidence.needs_model):
        return
    failed: dict[str, bool] = {}
    for check in seen.checks:
        kind = _check_kind(check)
        if kind is None or check.unscored:
            continue
        failed[kind.code] = failed.get(kind.code, False) or not check.passed
    for code, mistake in failed.items():
        _add(tally, code, mistake)


def _count_judgment(tally: dict[str, list[int]], seen: WeaknessEvidence) -> None:
    evidence = seen.evidence
    if evidence.judgment_correct is None or evidence.said_wrong is None:
        return
    missed = _MUTATION_KIND.get(seen.mutation) if seen.mutation else None
    if missed is not None:
        _add(tally, missed.code, not evidence.said_wrong)
    if evidence.confidence is not None and evidence.confidence >= CONFIDENT:
        _add(tally, _OVERCONFIDENT.code, not evidence.judgment_correct)


def _named(kind: _Kind, detail: str, count: int, out_of: int) -> Weakness:
    return Weakness(
        code=kind.code,
        label=kind.label,
        detail=detail,
        count=count,
        out_of=out_of,
        train_graders=kind.graders,
        train_mutations=kind.mutations,
    )


def _signed(value: float) -> str:
    return f"{value:+.1f}".replace("-", "\N{MINUS SIGN}")


def _bias(evidence: Sequence[AttemptEvidence], span: str) -> Weakness | None:
    judged = records_from_evidence(evidence)
    if len(judged) < MIN_JUDGMENTS:
        return None
    m = judgment_metrics(judged)
    c = f"(bias c = {_signed(m.bias_c)})"
    if m.bias_c <= -BIAS_LIMIT and m.false_alarms >= MIN_COUNT:
        detail = f"called {m.false_alarms} of {m.noise} sound outputs wrong {span}"
        weakness = _named(_FALSE_ALARMS, detail, m.false_alarms, m.noise)
    elif m.bias_c >= BIAS_LIMIT and m.misses >= MIN_COUNT:
        detail = f"accepted {m.misses} of {m.signal} flawed outputs {span}"
        weakness = _named(_TOO_TRUSTING, detail, m.misses, m.signal)
    else:
        return None
    return weakness.model_copy(update={"label": f"{weakness.label} {c}"})


def detect_weaknesses(
    attempts: Sequence[WeaknessEvidence], *, window: int = WINDOW
) -> list[Weakness]:
    """The recurring weaknesses in the last `window` of `attempts` (oldest first), worst first."""
    recent = list(attempts)[-window:] if window > 0 else []
    span = f"in your last {len(recent)} attempts"
    of_span = f"of your last {len(recent)}"
    tally: dict[str, list[int]] = {}
    for seen in recent:
        _count_checks(tally, seen)
        _count_judgment(tally, seen)
    evidence = [seen.evidence for seen in recent]

    found: list[Weakness] = []
    for kind in (*_MISSED, _OVERCONFIDENT, *_CHECKS):
        count, out_of = tally.get(kind.code, (0, 0))
        if count < MIN_COUNT or count < MIN_SHARE * out_of:
            continue
        if kind in _MISSED:
            detail = f"accepted {count} of {out_of} outputs {kind.phrase} {span}"
        elif kind is _OVERCONFIDENT:
            detail = (
                f"was wrong on {count} of {out_of} calls made at "
                f"{CONFIDENT:.0%} confidence or more {span}"
            )
        else:
            detail = (
                f"the output failed {kind.phrase} in {count} of the {out_of} attempts "
                f"that had one, {of_span}"
            )
        found.append(_named(kind, detail, count, out_of))
    bias = _bias(evidence, span)
    if bias is not None:
        found.append(bias)
    found.sort(key=lambda w: (-w.count / w.out_of, -w.count, w.code))
    return found


def training_items(
    weaknesses: Iterable[Weakness], items: Iterable[tuple[str, Iterable[str], Iterable[str]]]
) -> frozenset[str]:
    """Ids of the items (id, check graders, planted-flaw mutations) training one of `weaknesses`."""
    wanted = list(weaknesses)
    graders = {name for w in wanted for name in w.train_graders}
    mutations = {name for w in wanted for name in w.train_mutations}
    if not graders and not mutations:
        return frozenset()
    return frozenset(
        item_id
        for item_id, item_graders, item_mutations in items
        if graders.intersection(item_graders) or mutations.intersection(item_mutations)
    )
