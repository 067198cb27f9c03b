"""Three capabilities per person besides the level, from the slim attempt rows.

- produce: the share of graded outputs that passed (prompting, instructions,
  pipelines, agents, evals; never review or fit exercises);
- judge: the share of judged outputs called right, with hits, false alarms
  and how well stated confidence matched being right;
- fit: the share of "where does AI fit" answers that matched the key.

Each over the export's window, and over the last 30 and 90 days before the
export's date, with a trend (last 30 days against the 60 before them). Below
`MIN_EVIDENCE` attempts a figure is None and the words say "not enough
evidence yet": a share of four attempts would move by 25 points on the next one.

Pure: `coach verify` recomputes these from the exported attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.engine.evidence import outcome_of
from coach.runtime.evidence import known_need, known_tier
from coach.store.records import AttemptSummary

CapabilityName = Literal["produce", "judge", "fit"]
CAPABILITIES: tuple[CapabilityName, ...] = ("produce", "judge", "fit")
TITLES: dict[str, str] = {
    "produce": "Produce with AI",
    "judge": "Judge AI output",
    "fit": "Decide where AI fits",
}
MIN_EVIDENCE = 8  # fewer attempts than this: no figure, "not enough evidence yet"
TREND_STEP = 0.10  # a change smaller than 10 points is "steady"
RECENT_DAYS = (30, 90)
NOT_ENOUGH = "not enough evidence yet"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Span(_Model):
    """One stretch of time: how many attempts, and the share that went well."""

    n: int = Field(description="Attempts with a result for this capability.")
    share: float | None = Field(description=f"None below {MIN_EVIDENCE} attempts.")


class Capability(_Model):
    capability: CapabilityName
    n: int = Field(description="Attempts with a result in the export's window.")
    share: float | None = Field(
        description="Share that went well (passed, called right, matched the key); "
        f"None below {MIN_EVIDENCE} attempts."
    )
    last_30_days: Span
    last_90_days: Span
    trend: Literal["up", "down", "steady", "unknown"] = Field(
        description="Last 30 days against the 60 days before them; unknown without "
        f"{MIN_EVIDENCE} attempts in each."
    )
    words: str = Field(description="The figure in plain words, for a manager.")
    # judge only
    hit_rate: float | None = Field(None, description="Flawed outputs caught (judge).")
    false_alarm_rate: float | None = Field(None, description="Sound outputs called wrong (judge).")
    overconfidence: float | None = Field(
        None,
        description="Mean stated confidence minus share right, over judgments with a "
        "confidence (judge); positive: more sure than right.",
    )


class Capabilities(_Model):
    produce: Capability
    judge: Capability
    fit: Capability


@dataclass
class _Tally:
    n: int = 0
    good: int = 0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.good += ok

    def share(self) -> float | None:
        return self.good / self.n if self.n >= MIN_EVIDENCE else None


def _results(row: AttemptSummary) -> dict[CapabilityName, bool]:
    """What this attempt says about each capability (absent: nothing)."""
    found: dict[CapabilityName, bool] = {}
    if row.exercise_private:  # own exercises are practice, as for the level
        return found
    graded = row.output_score is not None or row.output_verdict is not None
    output = (
        outcome_of(
            row.output_score,
            None,
            known_tier(row.model_tier),
            known_need(row.needs_model),
            kind=row.kind,
            output_verdict=row.output_verdict,
        )
        if graded
        else None
    )
    if output is not None:
        found["fit" if row.kind == "fit" else "produce"] = output
    if row.truth_wrong is not None and row.verdict is not None and row.kind != "fit":
        found["judge"] = (row.verdict == "wrong") == row.truth_wrong
    return found


def _trend(recent: _Tally, before: _Tally) -> Literal["up", "down", "steady", "unknown"]:
    a, b = recent.share(), before.share()
    if a is None or b is None:
        return "unknown"
    if a - b >= TREND_STEP:
        return "up"
    if b - a >= TREND_STEP:
        return "down"
    return "steady"


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _words(name: str, tally: _Tally, extra: str = "") -> str:
    if tally.n < MIN_EVIDENCE:
        return f"{NOT_ENOUGH} ({tally.n} of the {MIN_EVIDENCE} attempts needed)"
    share = tally.good / tally.n
    what = {
        "produce": "of graded outputs passed",
        "judge": "of judged outputs called right",
        "fit": "of AI-fit decisions matched the key",
    }[name]
    return f"{_pct(share)} {what} ({tally.good} of {tally.n}){extra}"


def capabilities_of(rows: Sequence[AttemptSummary], now: datetime) -> Capabilities:
    """The three capabilities over `rows` (the export's window), as of `now`."""
    cut30, cut90 = now - timedelta(days=30), now - timedelta(days=90)
    totals = {c: _Tally() for c in CAPABILITIES}
    last30 = {c: _Tally() for c in CAPABILITIES}
    last90 = {c: _Tally() for c in CAPABILITIES}
    before = {c: _Tally() for c in CAPABILITIES}
    signal = hits = noise = alarms = 0
    conf_n, conf_sum, conf_right = 0, 0.0, 0
    for row in rows:
        for name, ok in _results(row).items():
            totals[name].add(ok)
            if row.finished_at > now:
                continue
            if row.finished_at >= cut90:
                last90[name].add(ok)
                (last30 if row.finished_at >= cut30 else before)[name].add(ok)
        if row.truth_wrong is not None and row.verdict is not None and row.kind != "fit":
            said_wrong = row.verdict == "wrong"
            if row.truth_wrong:
                signal += 1
                hits += said_wrong
            else:
                noise += 1
                alarms += said_wrong
            if row.confidence is not None:
                conf_n += 1
                conf_sum += row.confidence
                conf_right += said_wrong == row.truth_wrong
    built: dict[str, Capability] = {}
    for name in CAPABILITIES:
        tally = totals[name]
        extra = ""
        judge: dict[str, float | None] = {}
        if name == "judge" and tally.n >= MIN_EVIDENCE:
            hit = hits / signal if signal else None
            alarm = alarms / noise if noise else None
            over = (conf_sum - conf_right) / conf_n if conf_n >= MIN_EVIDENCE else None
            judge = {"hit_rate": hit, "false_alarm_rate": alarm, "overconfidence": over}
            parts = []
            if hit is not None:
                parts.append(f"caught {hits} of {signal} flawed outputs")
            if alarm is not None:
                parts.append(f"{alarms} false alarm{'s' if alarms != 1 else ''} in {noise}")
            if over is not None and abs(over) >= TREND_STEP:
                parts.append(
                    f"{'more' if over > 0 else 'less'} sure than right by "
                    f"{100 * abs(over):.0f} points"
                )
            elif over is not None:
                parts.append("confidence matches accuracy")
            extra = "; " + ", ".join(parts) if parts else ""
        built[name] = Capability(
            capability=name,
            n=tally.n,
            share=tally.share(),
            last_30_days=Span(n=last30[name].n, share=last30[name].share()),
            last_90_days=Span(n=last90[name].n, share=last90[name].share()),
            trend=_trend(last30[name], before[name]),
            words=_words(name, tally, extra),
            **judge,
        )
    return Capabilities(**built)


def sureness(sd: float | None, p_level: float | None, provisional: bool) -> str:
    """How sure the engine is of a level, in words."""
    if p_level is None:
        return "no estimate yet"
    if provisional:
        return "provisional: the placement ended early"
    if p_level >= 0.8:
        return "fairly sure"
    if p_level >= 0.5:
        return "moderately sure"
    return "unsure: the evidence fits neighbouring levels almost as well"
