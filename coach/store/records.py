"""What goes into the store and what comes out: pydantic models at the edge.

Datetimes must carry a timezone and are normalised to UTC, so a record reads
back exactly as it was written (and hashes the same) on any machine.
JSON fields accept only JSON values, so nothing is silently stringified.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, NamedTuple

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    model_validator,
)

from coach.store.payloads import StoredCheck, StoredJudgment, StoredTrap, checks_of


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
JsonObject = dict[str, JsonValue]
Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Record(BaseModel):
    # NaN and Infinity are refused everywhere, JSON fields included: they are
    # not JSON, PostgreSQL rejects them, and they would break the hash.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# --- learners -----------------------------------------------------------------


def learner_key(name: str, email: str | None = None) -> str:
    """A learner's identity across machines: the email if known, else the name.

    Case and spacing do not matter, so "Ada Lovelace" typed twice is one person.
    """
    if email and email.strip():
        return "email:" + email.strip().casefold()
    return "name:" + re.sub(r"\s+", " ", name.strip()).casefold()


class LearnerRecord(Record):
    id: int
    key: str
    name: str
    email: str | None
    role: str
    created_at: UtcDatetime
    self_report: int | None = None  # placement prior: an index into the self-report options


# --- attempts -----------------------------------------------------------------


class NewAttempt(Record):
    """All the evidence of one attempt, as the runtime hands it to the store.

    Every field is covered by the attempt's hash (see `hashchain`).
    """

    exercise_id: str = Field(min_length=1)
    exercise_level: int = Field(ge=1)
    kind: str = Field(min_length=1)
    # A snapshot of the exercise, so replaying history never depends on later edits.
    exercise_difficulty: float | None = None
    needs_model: str | None = None
    placement: bool | None = None  # True for the attempts of the placement test
    # True for the learner's own exercise (never counted for the level); None otherwise,
    # so the hashes of attempts stored before this field existed do not change.
    exercise_private: bool | None = None
    # A generated instance (coach.content.families): its family, version and seed,
    # which regenerate it exactly. None otherwise, so older attempts' hashes stay the same.
    family_id: str | None = None
    family_version: int | None = None
    family_seed: int | None = None
    started_at: UtcDatetime
    finished_at: UtcDatetime
    # Active time; defaults to the wall time between start and finish.
    duration_s: float | None = Field(default=None, ge=0)
    model: str | None = None
    model_tier: str | None = None
    prompt: str | None = None
    output_shown: str | None = None
    real_output: str | None = None
    # The planted flaw when the learner was shown a trap, else None.
    trap: JsonObject | None = None
    # One entry per check: grader, passed, score, reason, unscored …
    checks: list[JsonObject] = Field(default_factory=list)
    # Per-input results, step outputs, an agent's trace, eval results (multi-step kinds).
    details: JsonObject | None = None
    output_score: float | None = Field(default=None, ge=0, le=1)
    # verdict, confidence, pinpoint; None for kinds without a judgment step.
    judgment: JsonObject | None = None
    # None where the truth is not certain (rubric-only) and judgment is unscored.
    judgment_correct: bool | None = None
    brier: float | None = Field(default=None, ge=0, le=1)
    cost_usd: float | None = Field(default=None, ge=0)
    tokens_in: int | None = Field(default=None, ge=0)
    tokens_out: int | None = Field(default=None, ge=0)
    latency_s: float | None = Field(default=None, ge=0)
    sprint_id: int | None = None

    @model_validator(mode="after")
    def _times(self) -> NewAttempt:
        if self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        if self.duration_s is None:
            wall = (self.finished_at - self.started_at).total_seconds()
            object.__setattr__(self, "duration_s", wall)
        return self

    # --- typed views of the JSON payloads (see `payloads`) -------------------

    def check_results(self) -> list[StoredCheck]:
        """Every check result, each hidden input's included."""
        return checks_of(self.checks, self.details)

    def judgment_payload(self) -> StoredJudgment | None:
        return None if self.judgment is None else StoredJudgment.model_validate(self.judgment)

    def trap_payload(self) -> StoredTrap | None:
        return None if self.trap is None else StoredTrap.model_validate(self.trap)


class AttemptSummary(NamedTuple):
    """The few fields of an attempt that bulk readers (exports, boards) need.

    A plain tuple: reading hundreds of thousands of these must stay cheap.
    """

    learner_id: int
    id: int
    exercise_level: int
    finished_at: datetime
    output_score: float | None
    judgment_correct: bool | None
    model_tier: str | None
    needs_model: str | None
    sprint_id: int | None
    exercise_private: bool | None
    planted: bool  # a trap was shown
    verdict: str | None
    confidence: float | None
    truth_wrong: bool | None
    # The grade's verdict (pass, fail, partial); None for attempts from before grades
    # carried one, which keep the score rule (`graders.result.stored_verdict`).
    output_verdict: str | None = None
    # The exercise's kind (prompt, review, fit, …): the manager's report splits
    # producing, judging and deciding where AI fits by it.
    kind: str | None = None


class AttemptRecord(NewAttempt):
    """A stored attempt: the evidence plus its place in the learner's hash chain."""

    id: int
    learner_id: int
    prev_hash: Hash
    hash: Hash


# --- level events, drafts, sprints -------------------------------------------


class LevelEvent(Record):
    id: int
    learner_id: int
    at: UtcDatetime
    from_level: int | None  # None for the first placement
    to_level: int
    reason: str
    evidence: JsonObject
    provisional: bool


class NewLevelEvent(Record):
    """A level event to store with the attempt that caused it (ids come from the store)."""

    at: UtcDatetime
    from_level: int | None
    to_level: int
    reason: str
    evidence: JsonObject
    provisional: bool


class Draft(Record):
    learner_id: int
    exercise_id: str
    text: str
    updated_at: UtcDatetime


class SprintRecord(Record):
    id: int
    name: str
    spec: JsonObject  # the sprint file as parsed: duration, skills, levels …
    started_at: UtcDatetime
    ends_at: UtcDatetime
    mode: str  # "matched" or "fixed"


class Standing(Record):
    """A learner's derived standing as of chain head `head_hash` (see schema.standings)."""

    learner_id: int
    head_hash: Hash
    engine_version: str
    attempts: int = Field(ge=0)
    level: int | None
    provisional: bool
    theta: float | None = None
    sd: float | None = None
    p_level: float | None = None
    weaknesses: list[JsonObject] = Field(default_factory=list)
    updated_at: UtcDatetime
    # What recording the next attempt continues from (the engine's snapshot after
    # head_hash, the recent window): written by coach itself from JSON dumps,
    # so it is not re-validated value by value (it is large).
    tracker: dict[str, Any] | None = None
