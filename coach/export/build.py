"""Building the export from the store: replay each learner, gather the evidence."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from coach.content.loader import Catalog
from coach.engine.evidence import AttemptEvidence, passed
from coach.engine.judgment_metrics import judgment_metrics, records_from_evidence
from coach.engine.replay import LearnerTracker
from coach.engine.role_gap import role_gap
from coach.export.chain import export_content, seal
from coach.export.records import (
    CalibrationBin,
    CapabilityExport,
    Chain,
    ChainAttempt,
    Demonstrated,
    Gap,
    JudgmentSummary,
    LearnerExport,
    LevelChange,
    LevelEvidence,
    RoleRollup,
    TeamRollup,
)
from coach.runtime.progress import evidence_of
from coach.store import GENESIS, Store
from coach.store.records import AttemptRecord, LearnerRecord

MIN_JUDGMENTS = 5  # fewer scored judgments than this: judgment figures are null
CALIBRATION_BINS = 5


def _level_name(catalog: Catalog | None, number: int | None) -> str | None:
    if catalog is None or number is None:
        return None
    level = catalog.level(number)
    return level.name if level else None


def _rate(passes: int, scored: int) -> float | None:
    return passes / scored if scored else None


def _calibration(history: Sequence[AttemptEvidence]) -> list[CalibrationBin]:
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    width = 0.5 / CALIBRATION_BINS
    for rec in records_from_evidence(history):
        if rec.confidence is None:
            continue
        c = rec.confidence / 100.0 if rec.confidence > 1.0 else rec.confidence
        index = min(CALIBRATION_BINS - 1, max(0, int((c - 0.5) / width + 1e-9)))
        bins[index].append((c, rec.truth_wrong == rec.said_wrong))
    return [
        CalibrationBin(
            lo=round(0.5 + k * width, 3),
            hi=round(0.5 + (k + 1) * width, 3),
            n=len(members),
            mean_confidence=sum(c for c, _ in members) / len(members),
            share_right=sum(r for _, r in members) / len(members),
        )
        for k, members in sorted(bins.items())
    ]


def _judgment(history: Sequence[AttemptEvidence]) -> JudgmentSummary | None:
    records = records_from_evidence(history)
    if len(records) < MIN_JUDGMENTS:
        return None
    m = judgment_metrics(records)
    return JudgmentSummary(
        n=m.n,
        hits=m.hits,
        misses=m.misses,
        false_alarms=m.false_alarms,
        correct_rejections=m.correct_rejections,
        hit_rate=m.hit_rate,
        false_alarm_rate=m.false_alarm_rate,
        d_prime=m.d_prime,
        bias_c=m.bias_c,
        n_confidence=m.n_confidence,
        brier=m.brier,
        calibration=_calibration(history),
    )


def _window_start(records: Sequence[AttemptRecord], since: datetime | None) -> int:
    """Index of the first attempt (chain order) finished at or after `since`.

    The window runs from there to the newest attempt, so it is one unbroken
    stretch of the chain.
    """
    if since is None:
        return 0
    for index, rec in enumerate(records):
        if rec.finished_at >= since:
            return index
    return len(records)


def _chain(
    records: Sequence[AttemptRecord], start: int, include_prompts: bool, with_content: bool
) -> Chain:
    window = records[start:]
    anchor = window[0].prev_hash if window else (records[-1].hash if records else GENESIS)
    items: list[ChainAttempt] = []
    if with_content:
        for position, rec in enumerate(window):
            content, redacted = export_content(rec, include_prompts)
            items.append(
                ChainAttempt(
                    position=position,
                    id=rec.id,
                    exercise_id=rec.exercise_id,
                    finished_at=rec.finished_at,
                    output_score=rec.output_score,
                    judgment_correct=rec.judgment_correct,
                    sprint_id=rec.sprint_id,
                    prev_hash=rec.prev_hash,
                    hash=rec.hash,
                    content=content,
                    redacted=redacted,
                    seal=seal(rec.hash, content),
                )
            )
    return Chain(
        anchor=anchor,
        head=window[-1].hash if window else None,
        attempts_before_window=start,
        length=len(window),
        attempts=items,
    )


def build_learner(
    store: Store,
    catalog: Catalog | None,
    learner: LearnerRecord,
    *,
    since: datetime | None = None,
    include_prompts: bool = False,
    with_chain: bool = True,
) -> LearnerExport:
    """One person's record. The level comes from replaying *all* their attempts;
    evidence, judgment, sprints and the chain cover the window (`since`).

    `with_chain=False` leaves the per-attempt chain out (CSV and HTML do not
    show it), keeping anchor, head and length.
    """
    records = store.attempts(learner.id)
    history = [evidence_of(rec) for rec in records]
    tracker = LearnerTracker.from_history(history)
    level = tracker.level
    role = catalog.role(learner.role) if catalog else None
    target = role.target_level if role else None

    demonstrated = Demonstrated(
        level=level,
        name=_level_name(catalog, level),
        provisional=bool(tracker.events and tracker.events[-1].provisional),
    )
    if level is not None:
        probs = tracker.ability.level_probabilities()
        demonstrated = demonstrated.model_copy(
            update={
                "theta": round(tracker.ability.theta(), 4),
                "sd": round(tracker.ability.combined.sd(), 4),
                "p_level": round(probs[level - 1], 4) if level - 1 < len(probs) else None,
            }
        )

    if level is None:
        gap = Gap(status="unplaced", gap=None, sentence="Not placed yet: no level to compare.")
    elif target is None:
        gap = Gap(
            status="no_target",
            gap=None,
            sentence=f"Level {level}; the role {learner.role!r} has no target level.",
        )
    else:
        found = role_gap(target, level, role.name if role else None)
        gap = Gap(status=found.status, gap=found.gap, sentence=found.sentence)

    start = _window_start(records, since)
    window = history[start:]
    outcomes = [passed(ev) for ev in window]
    per_level: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    last: dict[int, datetime] = {}
    for ev, outcome in zip(window, outcomes, strict=True):
        counts = per_level[ev.level]
        counts[0] += 1
        counts[1] += outcome is not None
        counts[2] += outcome is True
        if ev.level not in last or ev.at > last[ev.level]:
            last[ev.level] = ev.at
    evidence = [
        LevelEvidence(
            level=lvl,
            name=_level_name(catalog, lvl),
            attempts=a,
            scored=s,
            passed=p,
            pass_rate=_rate(p, s),
            last_practised=last[lvl],
        )
        for lvl, (a, s, p) in sorted(per_level.items())
    ]
    scored = sum(o is not None for o in outcomes)
    passes = sum(o is True for o in outcomes)

    history_events = [
        LevelChange(
            at=e.at,
            from_level=e.from_level,
            to_level=e.to_level,
            reason=e.reason,
            provisional=e.provisional,
        )
        for e in store.level_events(learner.id)
    ]
    window_records = records[start:]
    return LearnerExport(
        id=learner.id,
        name=learner.name,
        email=learner.email,
        role=learner.role,
        role_name=role.name if role else None,
        target_level=target,
        demonstrated=demonstrated,
        gap=gap,
        attempts=len(window),
        passed=passes,
        pass_rate=_rate(passes, scored),
        last_practised=max((r.finished_at for r in window_records), default=None),
        evidence_by_level=evidence,
        judgment=_judgment(window),
        level_history=history_events,
        sprints=sorted({r.sprint_id for r in window_records if r.sprint_id is not None}),
        chain=_chain(records, start, include_prompts, with_chain),
    )


def team_rollup(learners: Sequence[LearnerExport]) -> TeamRollup:
    """People per demonstrated level, by role, against each role's target."""

    def key(level: int | None) -> str:
        return "unplaced" if level is None else str(level)

    def ordered(counter: Counter[str]) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: (not kv[0].isdigit(), kv[0].zfill(3))))

    groups: dict[str, list[LearnerExport]] = defaultdict(list)
    for person in learners:
        groups[person.role].append(person)
    roles = []
    for role, people in sorted(groups.items()):
        levels = [p.demonstrated.level for p in people]
        target = people[0].target_level
        roles.append(
            RoleRollup(
                role=role,
                role_name=people[0].role_name,
                target_level=target,
                people=len(people),
                by_level=ordered(Counter(key(lv) for lv in levels)),
                at_or_above_target=sum(
                    lv is not None and target is not None and lv >= target for lv in levels
                ),
                below_target=sum(
                    lv is not None and target is not None and lv < target for lv in levels
                ),
                unplaced=sum(lv is None for lv in levels),
            )
        )
    return TeamRollup(
        people=len(learners),
        by_level=ordered(Counter(key(p.demonstrated.level) for p in learners)),
        by_role=roles,
    )


def build_export(
    store: Store,
    catalog: Catalog | None,
    learners: Sequence[LearnerRecord],
    *,
    since: datetime | None = None,
    include_prompts: bool = False,
    with_chain: bool = True,
    on_learner: Callable[[LearnerExport], None] | None = None,
    now: datetime | None = None,
) -> CapabilityExport:
    people = []
    for learner in learners:
        person = build_learner(
            store,
            catalog,
            learner,
            since=since,
            include_prompts=include_prompts,
            with_chain=with_chain,
        )
        people.append(person)
        if on_learner is not None:
            on_learner(person)
    return CapabilityExport(
        generated_at=now or datetime.now(UTC),
        since=since,
        include_prompts=include_prompts,
        learners=people,
        team=team_rollup(people),
    )
