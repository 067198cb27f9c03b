"""The capability export as data: pydantic models, one record per person.

The published JSON Schema (`schemas/capability-export.schema.json`) is
generated from `CapabilityExport` (see `coach.export.schema`), so the models
and the schema cannot drift apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from coach.export.capabilities import Capabilities
from coach.export.path import PersonPath

SCHEMA_ID: Literal["coach-capability-export/3"] = "coach-capability-export/3"

Hash = str


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)


class Demonstrated(_Model):
    """The level the engine gives on replaying every attempt, with its uncertainty."""

    level: int | None = Field(description="None before any attempt (not placed).")
    name: str | None = None
    provisional: bool = Field(description="True when the placement ended early.")
    theta: float | None = Field(None, description="Posterior mean ability (combined).")
    sd: float | None = Field(None, description="Posterior standard deviation of theta.")
    p_level: float | None = Field(None, description="Posterior probability of this level.")
    sureness: str = Field("no estimate yet", description="How sure the engine is, in words.")


class Gap(_Model):
    status: Literal["at", "below", "above", "unplaced", "no_target"]
    gap: int | None = Field(description="Levels to go; 0 at or above the target.")
    sentence: str


class LevelEvidence(_Model):
    level: int
    name: str | None = None
    attempts: int
    scored: int = Field(description="Attempts with a pass/fail outcome.")
    passed: int
    pass_rate: float | None
    last_practised: AwareDatetime | None


class CalibrationBin(_Model):
    lo: float
    hi: float
    n: int
    mean_confidence: float
    share_right: float


class JudgmentSummary(_Model):
    n: int
    hits: int
    misses: int
    false_alarms: int
    correct_rejections: int
    hit_rate: float | None
    false_alarm_rate: float | None
    d_prime: float
    bias_c: float
    n_confidence: int
    brier: float | None
    calibration: list[CalibrationBin] = Field(description="Stated confidence against being right.")


class LevelChange(_Model):
    at: AwareDatetime
    from_level: int | None
    to_level: int
    reason: str
    provisional: bool


class CheckOutcome(_Model):
    grader: str
    passed: bool
    unscored: bool = False
    negated: bool = False


class WeaknessFacts(_Model):
    """What the recurring-weakness counts read from an attempt, without its text:
    the planted flaw's mutation (if one was shown) and every check's outcome,
    each hidden input's included."""

    mutation: str | None
    checks: list[CheckOutcome]


class ChainAttempt(_Model):
    """One attempt in the learner's hash chain, with what is needed to check it.

    `content` is the attempt's canonical content as the store hashes it, and
    what `coach verify` replays. When prompts are left out (and always before
    the window), the fields in `redacted` are replaced by
    `{"sha256": <hex of their canonical JSON>}`; the store hash can then not be
    recomputed, and `seal` binds the redacted content to the chain instead: an
    HMAC-SHA256 of `hash` + canonical JSON of `content` under a key derived from
    the organisation's signing key (the export's `seal` says which scheme).
    """

    position: int = Field(ge=0, description="0-based position in the learner's chain.")
    id: int
    exercise_id: str
    finished_at: AwareDatetime
    output_score: float | None
    judgment_correct: bool | None
    sprint_id: int | None
    prev_hash: Hash = Field(pattern=r"^[0-9a-f]{64}$")
    hash: Hash = Field(pattern=r"^[0-9a-f]{64}$")
    content: dict[str, JsonValue]
    redacted: list[str]
    facts: WeaknessFacts | None = Field(
        None,
        description="When the planted flaw or per-input results are redacted: what the "
        "weakness counts read from them (sealed with the content).",
    )
    seal: Hash = Field(pattern=r"^[0-9a-f]{64}$")


class Chain(_Model):
    """The learner's attempts from their first, so `coach verify` can replay the
    level; the window the figures cover is `attempts[attempts_before_window:]`."""

    anchor: Hash = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="Hash of the attempt before the window (GENESIS, 64 zeros, from the start).",
    )
    head: Hash | None = Field(description="Hash of the last exported attempt.")
    attempts_before_window: int
    length: int = Field(description="Attempts in the window.")
    attempts: list[ChainAttempt] = Field(
        description="Every attempt from the first (empty in CSV and HTML builds)."
    )


class WeaknessRecord(_Model):
    """A recurring mistake in the learner's recent attempts (see coach.engine.weaknesses)."""

    code: str
    label: str
    detail: str
    count: int
    out_of: int


class LearnerExport(_Model):
    id: int
    name: str
    email: str | None
    role: str
    role_name: str | None
    target_level: int | None
    self_report: int | None = Field(
        description="The first-run self-report: the placement prior every replay starts from."
    )
    demonstrated: Demonstrated
    gap: Gap
    attempts: int
    passed: int
    pass_rate: float | None
    last_practised: AwareDatetime | None
    evidence_by_level: list[LevelEvidence]
    judgment: JudgmentSummary | None = Field(description="None with too few judgments.")
    weaknesses: list[WeaknessRecord] = Field(
        description="Recurring mistakes in the most recent attempts, most severe first."
    )
    private_attempts: int = Field(
        description="Attempts on the learner's own exercises: practice, never counted "
        "for the level."
    )
    evidence_note: str | None = Field(
        description="How the evidence was weighed, in words (e.g. own exercises)."
    )
    level_history: list[LevelChange]
    sprints: list[int]
    capabilities: Capabilities = Field(
        description="Produce, judge and decide where AI fits: each with its evidence "
        "count, the last 30 and 90 days before `generated_at`, and a trend."
    )
    path: PersonPath | None = Field(
        description="The gap to the role's target and what to practise first: advice "
        "from the catalog and the team's level moves, not replayed by `coach verify`."
    )
    chain: Chain


class RoleCapability(_Model):
    median: float | None = Field(
        description="Median share among the role's people with enough evidence; None if none."
    )
    people_with_evidence: int


class RoleRollup(_Model):
    role: str
    role_name: str | None
    target_level: int | None
    people: int
    by_level: dict[str, int] = Field(description="People per demonstrated level ('unplaced').")
    at_or_above_target: int
    below_target: int
    unplaced: int
    capabilities: dict[str, RoleCapability] = Field(
        description="Per capability (produce, judge, fit): the role's median share."
    )


class TeamRollup(_Model):
    people: int
    by_level: dict[str, int]
    by_role: list[RoleRollup]


class ExportSignature(_Model):
    """Ed25519 over the canonical JSON of the whole export without this member
    (see `coach.export.signing`). The public key here is only a label: `coach
    verify` checks against the organisation's key, never this one."""

    algorithm: Literal["ed25519"]
    key_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    public_key: str = Field(pattern=r"^ed25519:[A-Za-z0-9+/]{43}=$")
    value: str = Field(pattern=r"^[A-Za-z0-9+/]{86}==$")


class CapabilityExport(_Model):
    schema_: Literal["coach-capability-export/3"] = Field(SCHEMA_ID, alias="schema")
    generated_at: AwareDatetime
    since: AwareDatetime | None
    include_prompts: bool
    seal: Literal["hmac-sha256", "sha256"] = Field(
        description="hmac-sha256: attempt seals keyed by the organisation's key; "
        "sha256: unkeyed (an unsigned export)."
    )
    learners: list[LearnerExport]
    team: TeamRollup
    signature: ExportSignature | None = None
