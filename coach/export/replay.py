"""Recomputing an exported learner's record from the attempts in the file.

`coach verify` rebuilds each person's attempts from their exported chain,
replays them through the engine exactly as recording does (`replay_of`,
`standing_of`), computes the record with the export's own function
(`learner_record`), and names the first headline figure that differs.

Level and role names are labels from the content, not figures: they are left
alone (the signature covers them). A redacted attempt's planted flaw and
per-input results are replaced by their `facts` (mutation, check outcomes), so
the recurring weaknesses are recomputed from those.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from coach.engine.weaknesses import WINDOW, CheckFact, WeaknessEvidence
from coach.export.build import LearnerRows, _window_start, learner_record, team_rollup
from coach.export.chain import REDACTED_FIELDS
from coach.export.records import ChainAttempt, LearnerExport, TeamRollup
from coach.runtime.evidence import weakness_evidence_of
from coach.runtime.recording import replay_of, standing_of
from coach.store import GENESIS
from coach.store.records import AttemptRecord, AttemptSummary, LearnerRecord, learner_key
from graders.result import stored_verdict

# Redacted text the engine never reads: left out of the rebuilt attempt.
_TEXT_ONLY = frozenset({"prompt", "output_shown", "real_output"})
# Redacted fields the weaknesses read (the planted flaw's kind, per-input checks).
_WEAKNESS_INPUTS = frozenset(REDACTED_FIELDS) - _TEXT_ONLY
# Labels from the local content, not figures.
_LABELS = frozenset({"name"})
# `path` is advice from the catalog and other people's moves: not replayable.
_IDENTITY = (
    "id",
    "name",
    "email",
    "role",
    "role_name",
    "target_level",
    "self_report",
    "chain",
    "path",
)


class FigureIssue(BaseModel):
    """A headline figure that does not follow from the exported attempts."""

    model_config = ConfigDict(frozen=True)

    learner: str
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def _record(learner_id: int, attempt: dict[str, Any]) -> AttemptRecord:
    content = dict(attempt["content"])
    for name in attempt["redacted"]:
        if name in _TEXT_ONLY:
            content.pop(name, None)
    # A redacted trap or details stays a (hash) object: "a flaw was planted" survives.
    return AttemptRecord.model_validate(
        {
            **content,
            "id": attempt["id"],
            "learner_id": learner_id,
            "prev_hash": attempt["prev_hash"],
            "hash": attempt["hash"],
        }
    )


def summary_of(record: AttemptRecord) -> AttemptSummary:
    """The slim row the store's bulk read gives for this attempt."""
    judgment = record.judgment or {}
    verdict, confidence, truth = (
        judgment.get("verdict"),
        judgment.get("confidence"),
        judgment.get("truth_wrong"),
    )
    return AttemptSummary(
        learner_id=record.learner_id,
        id=record.id,
        exercise_level=record.exercise_level,
        finished_at=record.finished_at,
        output_score=record.output_score,
        judgment_correct=record.judgment_correct,
        model_tier=record.model_tier,
        needs_model=record.needs_model,
        sprint_id=record.sprint_id,
        exercise_private=record.exercise_private,
        planted=record.trap is not None,
        verdict=verdict if isinstance(verdict, str) else None,
        confidence=float(confidence)
        if isinstance(confidence, int | float) and not isinstance(confidence, bool)
        else None,
        truth_wrong=truth if isinstance(truth, bool) else None,
        output_verdict=stored_verdict(record.checks),
        kind=record.kind,
    )


def _learner(person: dict[str, Any], created: datetime) -> LearnerRecord:
    return LearnerRecord(
        id=person["id"],
        key=learner_key(person["name"], person["email"]),
        name=person["name"],
        email=person["email"],
        role=person["role"],
        created_at=created,
        self_report=person["self_report"],
    )


@dataclass(frozen=True)
class Replayed:
    record: LearnerExport
    start: int  # where the window starts for the export's `since`
    weaknesses_known: bool  # False when their inputs were redacted


def recompute(person: dict[str, Any], since: datetime | None, now: datetime) -> Replayed:
    """The record the exported attempts give."""
    attempts = person["chain"]["attempts"]
    records = [_record(person["id"], a) for a in attempts]
    learner = _learner(person, records[0].started_at if records else datetime.now(UTC))
    tracker = replay_of(learner, records)
    head = records[-1].hash if records else GENESIS
    # As `refresh_standing` does it: the same replay, the same weakness window.
    recent = [
        _weakness_evidence(r, a) for r, a in zip(records[-WINDOW:], attempts[-WINDOW:], strict=True)
    ]
    standing = standing_of(learner.id, head, len(records), tracker, recent)
    rows = [summary_of(r) for r in records]
    read = LearnerRows(
        rows=rows,
        start=_window_start([r.finished_at for r in rows], since),
        anchor=person["chain"]["anchor"],
        head=person["chain"]["head"],
        standing=standing,
        events=tracker.events,
    )
    rebuilt = learner_record(
        None,
        learner,
        read,
        role_name=person["role_name"],
        target_level=person["target_level"],
        chain_items=[ChainAttempt.model_validate(a) for a in attempts],
        now=now,
    )
    return Replayed(rebuilt, read.start, weaknesses_checkable(attempts))


def _weakness_evidence(record: AttemptRecord, attempt: dict[str, Any]) -> WeaknessEvidence:
    """What the weakness counts read: from the content, or from the sealed facts
    where the planted flaw or per-input results were redacted."""
    facts = attempt.get("facts")
    if facts is None:
        return weakness_evidence_of(record)
    shown = weakness_evidence_of(record)  # the top-level checks, still in the content
    checks = tuple(CheckFact(**c) for c in facts["checks"])
    if checks[: len(shown.checks)] != shown.checks:
        raise ValueError(f"attempt {record.id}: its facts do not match its checks")
    return WeaknessEvidence(shown.evidence, checks, facts["mutation"])


def weaknesses_checkable(attempts: list[dict[str, Any]]) -> bool:
    """Whether the attempts the weaknesses read have their planted flaws and
    checks, in the content or as facts."""
    return all(
        a.get("facts") is not None or not (_WEAKNESS_INPUTS & set(a["redacted"]))
        for a in attempts[-WINDOW:]
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int):
        if isinstance(a, bool) or isinstance(b, bool):
            return a is b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def first_difference(shown: Any, rebuilt: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place (a dotted path) where two JSON values differ, labels aside."""
    if isinstance(shown, dict) and isinstance(rebuilt, dict):
        for key in sorted(set(shown) | set(rebuilt), key=str):
            if key in _LABELS and path:
                continue
            found = first_difference(shown.get(key), rebuilt.get(key), f"{path}.{key}".lstrip("."))
            if found:
                return found
        return None
    if isinstance(shown, list) and isinstance(rebuilt, list):
        if len(shown) != len(rebuilt):
            return (f"{path} (entries)", len(shown), len(rebuilt))
        for index, (a, b) in enumerate(zip(shown, rebuilt, strict=True)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if _same(shown, rebuilt) else (path, shown, rebuilt)


def _normal(person: LearnerExport, known_weaknesses: bool) -> dict[str, Any]:
    data = person.model_dump(mode="json", exclude=set(_IDENTITY))
    if not known_weaknesses:
        data.pop("weaknesses")
    return data


def check_figures(
    person: dict[str, Any], since: datetime | None, now: datetime
) -> FigureIssue | None:
    """The first headline figure of `person` that a replay of their attempts contradicts."""
    who = f"{person.get('name')} (id {person.get('id')})"
    try:
        shown = LearnerExport.model_validate(person)
        replayed = recompute(person, since, now)
    except (ValidationError, ValueError, KeyError, TypeError) as error:
        first = str(error).splitlines()[0]
        return FigureIssue(
            learner=who, field="chain", message=f"{who}: its attempts cannot be replayed: {first}"
        )
    before, start = person["chain"]["attempts_before_window"], replayed.start
    if start != before:
        return FigureIssue(
            learner=who,
            field="chain.attempts_before_window",
            message=f"{who}: the window starts after {before} attempts in the file, but "
            f"after {start} for attempts since {since}",
        )
    known = replayed.weaknesses_known
    found = first_difference(_normal(shown, known), _normal(replayed.record, known))
    if found is None:
        return None
    field, in_file, replayed = found
    return FigureIssue(
        learner=who,
        field=field,
        message=f"{who}: {field} is {in_file!r} in the file, but {replayed!r} from its attempts",
    )


def check_team(learners: list[dict[str, Any]], team: dict[str, Any]) -> str | None:
    """The first figure of the team roll-up that its people's records contradict."""
    people = [LearnerExport.model_validate(p) for p in learners]
    rebuilt = team_rollup(people).model_dump(mode="json")
    found = first_difference(TeamRollup.model_validate(team).model_dump(mode="json"), rebuilt)
    if found is None:
        return None
    field, in_file, replayed = found
    return f"team: {field} is {in_file!r} in the file, but {replayed!r} from the records"
