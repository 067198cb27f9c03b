"""Building the export from the store in a few bulk reads.

Each person's level and posterior come from their stored standing (kept fresh
by every recorded attempt; replayed here when stale), and the evidence,
judgment and chain figures from one slim read of every attempt: no prompt or
output text is loaded unless the JSON chain needs it.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from coach.content.loader import Catalog
from coach.engine.evidence import outcome_of
from coach.engine.judgment_metrics import JudgmentTally
from coach.engine.replay import LevelEventData
from coach.engine.role_gap import role_gap
from coach.export.capabilities import CAPABILITIES, capabilities_of, sureness
from coach.export.chain import WEAKNESS_FIELDS, export_content, sealed
from coach.export.path import MovesByLevel, gap_words, level_moves, path_of
from coach.export.records import (
    CalibrationBin,
    CapabilityExport,
    Chain,
    ChainAttempt,
    CheckOutcome,
    Demonstrated,
    Gap,
    JudgmentSummary,
    LearnerExport,
    LevelChange,
    LevelEvidence,
    RoleCapability,
    RoleRollup,
    TeamRollup,
    WeaknessFacts,
    WeaknessRecord,
)
from coach.export.signing import SEAL_KEYED, SEAL_PLAIN, Sealer, keyed_sealer, plain_seal
from coach.runtime.evidence import known_need, known_tier, weakness_evidence_of
from coach.runtime.recording import standing_for
from coach.store import GENESIS, Store
from coach.store.records import (
    AttemptRecord,
    AttemptSummary,
    LearnerRecord,
    LevelEvent,
    Standing,
)

MIN_JUDGMENTS = 5  # fewer scored judgments than this: judgment figures are null
CALIBRATION_BINS = 5


def _level_name(catalog: Catalog | None, number: int | None) -> str | None:
    if catalog is None or number is None:
        return None
    level = catalog.level(number)
    return level.name if level else None


def _rate(passes: int, scored: int) -> float | None:
    return passes / scored if scored else None


def _judgment(tally: JudgmentTally) -> JudgmentSummary | None:
    if tally.n < MIN_JUDGMENTS:
        return None
    m = tally.metrics()
    width = 0.5 / tally.n_bins
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
        calibration=[
            CalibrationBin(
                lo=round(0.5 + k * width, 3),
                hi=round(0.5 + (k + 1) * width, 3),
                n=int(n),
                mean_confidence=sum_c / n,
                share_right=right / n,
            )
            for k, (n, sum_c, right) in sorted(tally.bins.items())
        ],
    )


def _window_start(times: Sequence[datetime], since: datetime | None) -> int:
    """Index of the first attempt (chain order) finished at or after `since`.

    The window runs from there to the newest attempt, so it is one unbroken
    stretch of the chain.
    """
    if since is None:
        return 0
    for index, at in enumerate(times):
        if at >= since:
            return index
    return len(times)


def _chain_items(
    records: Sequence[AttemptRecord], start: int, include_prompts: bool, sealer: Sealer
) -> list[ChainAttempt]:
    """Every attempt from the first: the window's text only when asked for, the
    earlier attempts' never (they are there for `coach verify` to replay)."""
    items: list[ChainAttempt] = []
    for position, rec in enumerate(records):
        content, redacted = export_content(rec, include_prompts and position >= start)
        facts = _facts(rec) if set(WEAKNESS_FIELDS) & set(redacted) else None
        plain = None if facts is None else facts.model_dump(mode="json")
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
                facts=facts,
                seal=sealer(rec.hash, sealed(content, plain)),
            )
        )
    return items


def _facts(record: AttemptRecord) -> WeaknessFacts:
    """What the weakness counts read from the attempt, as the record keeps it."""
    seen = weakness_evidence_of(record)
    return WeaknessFacts(
        mutation=seen.mutation,
        checks=[CheckOutcome(**fact._asdict()) for fact in seen.checks],
    )


@dataclass
class WindowFigures:
    """Everything the record counts over the window, gathered in one pass."""

    attempts: int = 0
    scored: int = 0
    passed: int = 0
    private: int = 0
    last_practised: datetime | None = None
    sprints: set[int] = field(default_factory=set)
    # level -> [attempts, scored, passed]; level -> last practised
    per_level: dict[int, list[int]] = field(default_factory=dict)
    level_last: dict[int, datetime] = field(default_factory=dict)
    judgments: JudgmentTally = field(default_factory=lambda: JudgmentTally(CALIBRATION_BINS))


def window_figures(window: Sequence[AttemptSummary]) -> WindowFigures:
    figures = WindowFigures(attempts=len(window))
    for row in window:
        outcome = outcome_of(
            row.output_score,
            row.judgment_correct,
            known_tier(row.model_tier),
            known_need(row.needs_model),
            output_verdict=row.output_verdict,
        )
        counts = figures.per_level.get(row.exercise_level)
        if counts is None:
            counts = figures.per_level[row.exercise_level] = [0, 0, 0]
        counts[0] += 1
        if outcome is not None:
            counts[1] += 1
            figures.scored += 1
            if outcome:
                counts[2] += 1
                figures.passed += 1
        at = row.finished_at
        seen = figures.level_last.get(row.exercise_level)
        if seen is None or at > seen:
            figures.level_last[row.exercise_level] = at
        if figures.last_practised is None or at > figures.last_practised:
            figures.last_practised = at
        if row.exercise_private:
            figures.private += 1
        if row.sprint_id is not None:
            figures.sprints.add(row.sprint_id)
        if row.truth_wrong is not None and row.verdict is not None:
            c = row.confidence
            figures.judgments.add(
                row.truth_wrong, row.verdict == "wrong", c if isinstance(c, int | float) else None
            )
    return figures


def _evidence_by_level(catalog: Catalog | None, figures: WindowFigures) -> list[LevelEvidence]:
    return [
        LevelEvidence(
            level=lvl,
            name=_level_name(catalog, lvl),
            attempts=a,
            scored=s,
            passed=p,
            pass_rate=_rate(p, s),
            last_practised=figures.level_last[lvl],
        )
        for lvl, (a, s, p) in sorted(figures.per_level.items())
    ]


def _demonstrated(catalog: Catalog | None, standing: Standing) -> Demonstrated:
    return Demonstrated(
        level=standing.level,
        name=_level_name(catalog, standing.level),
        provisional=standing.provisional,
        theta=standing.theta,
        sd=standing.sd,
        p_level=standing.p_level,
        sureness=sureness(standing.sd, standing.p_level, standing.provisional),
    )


def _gap(role: str, role_name: str | None, target: int | None, level: int | None) -> Gap:
    if level is None:
        return Gap(status="unplaced", gap=None, sentence="Not placed yet: no level to compare.")
    if target is None:
        return Gap(
            status="no_target",
            gap=None,
            sentence=f"Level {level}; the role {role!r} has no target level.",
        )
    found = role_gap(target, level, role_name)
    return Gap(status=found.status, gap=found.gap, sentence=found.sentence)


def _evidence_note(private: int) -> str | None:
    if not private:
        return None
    return (
        f"{private} attempt{'s' if private != 1 else ''} on the learner's own exercises: "
        "practice, not counted for the level (self-written checks are easier to game)."
    )


@dataclass(frozen=True)
class LearnerRows:
    """What the export read about one learner: every attempt (slim), the window
    start, the chain ends, and the standing (stored if fresh, else replayed)."""

    rows: Sequence[AttemptSummary]
    start: int
    anchor: str
    head: str | None
    standing: Standing
    events: Sequence[LevelEvent | LevelEventData]


def build_learner(
    store: Store,
    catalog: Catalog | None,
    learner: LearnerRecord,
    read: LearnerRows,
    *,
    include_prompts: bool = False,
    with_chain: bool = True,
    sealer: Sealer = plain_seal,
    now: datetime | None = None,
) -> LearnerExport:
    """One person's record. The level comes from all their attempts (the
    standing); evidence, judgment, sprints and the chain cover the window.

    `with_chain=False` leaves the per-attempt chain out (CSV and HTML do not
    show it), keeping anchor, head and length.
    """
    items: list[ChainAttempt] = []
    if with_chain and read.rows:
        # Attempts recorded since the slim read are not part of this record.
        records = store.attempts(learner.id)[: len(read.rows)]
        items = _chain_items(records, read.start, include_prompts, sealer)
    role = catalog.role(learner.role) if catalog else None
    return learner_record(
        catalog,
        learner,
        read,
        role_name=role.name if role else None,
        target_level=role.target_level if role else None,
        chain_items=items,
        now=now or datetime.now(UTC),
    )


def learner_record(
    catalog: Catalog | None,
    learner: LearnerRecord,
    read: LearnerRows,
    *,
    role_name: str | None,
    target_level: int | None,
    chain_items: list[ChainAttempt],
    now: datetime,
) -> LearnerExport:
    """The record from what was read: the one function `build_learner` and
    `coach verify` (replaying the exported attempts) both compute figures with."""
    window = read.rows[read.start :]
    figures = window_figures(window)
    return LearnerExport(
        id=learner.id,
        name=learner.name,
        email=learner.email,
        role=learner.role,
        role_name=role_name,
        target_level=target_level,
        self_report=learner.self_report,
        demonstrated=_demonstrated(catalog, read.standing),
        gap=_gap(learner.role, role_name, target_level, read.standing.level),
        attempts=figures.attempts,
        passed=figures.passed,
        pass_rate=_rate(figures.passed, figures.scored),
        last_practised=figures.last_practised,
        evidence_by_level=_evidence_by_level(catalog, figures),
        judgment=_judgment(figures.judgments),
        weaknesses=[_weakness(w) for w in read.standing.weaknesses],
        private_attempts=figures.private,
        evidence_note=_evidence_note(figures.private),
        level_history=[
            LevelChange(
                at=e.at,
                from_level=e.from_level,
                to_level=e.to_level,
                reason=e.reason,
                provisional=e.provisional,
            )
            for e in read.events
        ],
        sprints=sorted(figures.sprints),
        capabilities=capabilities_of(window, now),
        path=None,
        chain=Chain(
            anchor=read.anchor,
            head=read.head,
            attempts_before_window=read.start,
            length=len(window),
            attempts=chain_items,
        ),
    )


def _weakness(stored: dict[str, Any]) -> WeaknessRecord:
    # The standing also keeps what trains each weakness; the record shows what it is.
    return WeaknessRecord(**{name: stored[name] for name in WeaknessRecord.model_fields})


def read_learners(
    store: Store, learners: Sequence[LearnerRecord], since: datetime | None
) -> Iterator[tuple[LearnerRecord, LearnerRows]]:
    """Everything the export needs, in a few bulk queries rather than per person."""
    ids = [learner.id for learner in learners]
    by_learner: dict[int, list[AttemptSummary]] = defaultdict(list)
    for row in store.attempt_summaries(ids):
        by_learner[row.learner_id].append(row)
    starts = {
        i: _window_start([row.finished_at for row in by_learner[i]], since) if since else 0
        for i in ids
    }
    wanted = []
    for i in ids:
        rows = by_learner[i]
        if rows:
            wanted.append(rows[-1].id)
            if starts[i] < len(rows):
                wanted.append(rows[starts[i]].id)
    links = store.chain_links(wanted)
    stored = store.standings(ids)
    events = store.level_events_of(ids)
    for learner in learners:
        rows = by_learner[learner.id]
        start = starts[learner.id]
        head = links[rows[-1].id][1] if rows else None
        anchor = links[rows[start].id][0] if start < len(rows) else (head or GENESIS)
        standing = standing_for(store, learner, stored.get(learner.id), head or GENESIS, len(rows))
        yield (
            learner,
            LearnerRows(
                rows=rows,
                start=start,
                anchor=anchor,
                head=head if start < len(rows) else None,
                standing=standing,
                events=events[learner.id],
            ),
        )


def with_path(
    catalog: Catalog | None,
    person: LearnerExport,
    weaknesses: Sequence[dict[str, Any]],
    moves: MovesByLevel,
) -> LearnerExport:
    """The person's record with their path (it needs everyone's level moves)."""
    role = catalog.role(person.role) if catalog else None
    found = path_of(
        catalog,
        role,
        person.demonstrated.level,
        gap_words(person.name, person.gap.status, person.demonstrated.level, person.target_level),
        weaknesses,  # the standing's, with what trains each
        person.capabilities,
        moves,
    )
    return person.model_copy(update={"path": found})


def _role_capability(people: Sequence[LearnerExport], name: str) -> RoleCapability:
    shares = [s for p in people if (s := getattr(p.capabilities, name).share) is not None]
    return RoleCapability(
        median=statistics.median(shares) if shares else None, people_with_evidence=len(shares)
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
                capabilities={name: _role_capability(people, name) for name in CAPABILITIES},
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
    seal_key: bytes | None = None,
) -> CapabilityExport:
    """`seal_key` (from the organisation's signing key) keys the attempt seals;
    without it they are plain sha256, which anyone can recompute."""
    sealer = plain_seal if seal_key is None else keyed_sealer(seal_key)
    now = now or datetime.now(UTC)
    people = []
    history = []
    weaknesses: list[Sequence[dict[str, Any]]] = []
    for learner, read in read_learners(store, learners, since):
        person = build_learner(
            store,
            catalog,
            learner,
            read,
            include_prompts=include_prompts,
            with_chain=with_chain,
            sealer=sealer,
            now=now,
        )
        people.append(person)
        history.append((read.events, [row.finished_at for row in read.rows], learner.role))
        weaknesses.append(read.standing.weaknesses)
        if on_learner is not None:
            on_learner(person)
    moves = level_moves(history)
    people = [
        with_path(catalog, person, weak, moves)
        for person, weak in zip(people, weaknesses, strict=True)
    ]
    return CapabilityExport(
        generated_at=now,
        since=since,
        include_prompts=include_prompts,
        seal=SEAL_PLAIN if seal_key is None else SEAL_KEYED,
        learners=people,
        team=team_rollup(people),
    )
