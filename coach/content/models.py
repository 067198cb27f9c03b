"""The content schema: levels, roles and exercises, as pydantic models.

Exercises are a union discriminated by `kind`; each kind adds the fields it
needs (hidden inputs, workflow steps, agent tools, buggy variants). Every
model forbids unknown fields so a typo in a TOML file is reported, not
silently ignored.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from graders.names import KNOWN_GRADERS, MUTATIONS
from graders.safe_regex import pattern_problems

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- levels and roles -------------------------------------------------------


class Level(Strict):
    number: int = Field(ge=1, le=12)
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    does: str = Field(min_length=1, description="What a person at this level does.")
    signals: list[str] = Field(min_length=1, description="Observable signs of the level.")
    tools: list[str] = Field(default_factory=list, description="Typical tools at this level.")


# What a person can do with AI besides their level (see coach.export.capabilities).
Capability = Literal["produce", "judge", "fit"]


class Role(Strict):
    """A role profile: the level the role needs and, optionally, the capabilities
    and skills that matter most for it (they come first in each person's path)."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    target_level: int = Field(ge=1)
    why: str = Field(min_length=1)
    capabilities: list[Capability] = Field(default_factory=list, max_length=3)
    skills: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(
        default_factory=list, max_length=8
    )


class LevelsFile(Strict):
    levels: list[Level] = Field(min_length=1)


class RolesFile(Strict):
    roles: list[Role] = Field(min_length=1)


# --- exercise parts ---------------------------------------------------------


class Kind(StrEnum):
    PROMPT = "prompt"
    INSTRUCTIONS = "instructions"
    REVIEW = "review"
    FIT = "fit"
    PIPELINE = "pipeline"
    AGENT = "agent"
    EVALS = "evals"


class ModelTier(StrEnum):
    """How capable a model an exercise needs for its output to count in full."""

    ANY = "any"  # the tiny offline model is enough
    CAPABLE = "capable"  # a small hosted or mid-size local model
    FRONTIER = "frontier"  # a frontier hosted model


class Check(BaseModel):
    """One check on an output. Grader-specific options are kept as extra fields."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    grader: str
    weight: float = Field(default=1.0, gt=0)
    negate: bool = Field(default=False, alias="not")
    threshold: float | None = Field(default=None, ge=0, le=1)
    label: str = ""

    @field_validator("grader")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in KNOWN_GRADERS:
            known = ", ".join(sorted(KNOWN_GRADERS))
            raise ValueError(f"unknown grader {name!r}; known graders: {known}")
        return name

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    @model_validator(mode="after")
    def _safe_pattern(self) -> Check:
        # A pack regex must not be able to hang grading (graders.safe_regex).
        pattern, flags = self.options.get("pattern"), self.options.get("flags", "")
        if (
            isinstance(pattern, str)
            and isinstance(flags, str)
            and (problems := pattern_problems(pattern, flags))
        ):
            raise ValueError(problems[0])
        return self


class Trap(Strict):
    """A planted flaw: a recorded flawed output, or a named mutation of the real one."""

    mutate: str | None = None
    output: str | None = None
    error_kind: str | None = None
    note: str = Field(default="", description="What is wrong, disclosed after the judgment.")

    @model_validator(mode="after")
    def _one_source(self) -> Trap:
        if (self.mutate is None) == (self.output is None):
            raise ValueError("a trap needs exactly one of `mutate` or `output`")
        return self


class JudgmentSpec(Strict):
    error_kinds: list[str] = Field(default_factory=list)
    trap_rate: float = Field(default=0.25, ge=0, le=1)
    traps: list[Trap] = Field(default_factory=list)

    @field_validator("traps")
    @classmethod
    def _known_mutations(cls, traps: list[Trap]) -> list[Trap]:
        for trap in traps:
            if trap.mutate is not None and trap.mutate not in MUTATIONS:
                known = ", ".join(sorted(MUTATIONS))
                raise ValueError(f"unknown mutation {trap.mutate!r}; known: {known}")
        return traps


class Reference(Strict):
    """What proves the exercise: a passing answer, a failing one, and the teaching text."""

    solution: str | None = Field(default=None, description="A reference prompt or instructions.")
    good_output: str | None = None
    # Other correct answers, worded differently: they must pass too, so the checks
    # are fair to a right answer that is not phrased like the reference.
    also_good: list[str] = Field(default_factory=list)
    bad_output: str | None = None
    good_outputs: dict[str, str] = Field(default_factory=dict, description="Per hidden input id.")
    bad_outputs: dict[str, str] = Field(default_factory=dict, description="Per hidden input id.")
    hints: list[str] = Field(default_factory=list)
    explain: str = Field(min_length=1)


class FairGood(Strict):
    """A correct output worded unlike the reference: it must pass every check."""

    output: str = Field(min_length=1)
    style: str = Field(min_length=1, description="How it differs: terse, bullets, British, …")
    input: str | None = Field(default=None, description="The hidden input it answers.")


class FairBad(Strict):
    """A subtly wrong output: some check must fail it."""

    output: str = Field(min_length=1)
    why: str = Field(min_length=1, description="What is wrong with it, in a few words.")
    input: str | None = Field(default=None, description="The hidden input it answers.")
    check: str | None = Field(
        default=None, description="The label (or grader) of the check that must catch it."
    )


class Fairness(Strict):
    """Outputs a careful reviewer would sign as right or wrong, whatever their wording.

    `coach check` proves every `good` one passes and every `bad` one fails, so the
    checks grade meaning, not the reference's phrasing.
    """

    good: list[FairGood] = Field(default_factory=list)
    bad: list[FairBad] = Field(default_factory=list)


class HiddenInput(Strict):
    """One input that reusable instructions or a pipeline must handle."""

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    checks: list[Check] = Field(default_factory=list, description="Checks for this input only.")


class ReviewItem(Strict):
    """A recorded output to judge, with the truth about it."""

    output: str = Field(min_length=1)
    wrong: bool
    error_kind: str | None = None
    line: int | None = Field(default=None, ge=1, description="1-based line holding the error.")
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _truth_complete(self) -> ReviewItem:
        if self.wrong and self.error_kind is None and self.line is None:
            raise ValueError("a wrong output needs an `error_kind` or a `line`")
        if self.line is not None and self.line > len(self.output.splitlines()):
            raise ValueError(f"line {self.line} is past the end of the output")
        return self


FitAnswer = Literal["delegate", "verify", "human"]


class FitStep(Strict):
    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    answer: FitAnswer
    why: str = Field(min_length=1)


class PipelineStep(Strict):
    name: str = Field(pattern=ID_PATTERN)
    template: str = Field(min_length=1)
    validate_output: bool = Field(default=False, alias="validate")


class AgentSetup(Strict):
    tools: list[
        Literal[
            "list_files",
            "read_file",
            "write_file",
            "calculator",
            "search",
            "delete_file",
            "send_message",
        ]
    ] = Field(min_length=1)
    files: dict[str, str] = Field(default_factory=dict)
    documents: dict[str, str] = Field(default_factory=dict)
    max_steps: int = Field(default=12, ge=1, le=50)
    max_tokens: int = Field(default=20_000, ge=100)


class EvalVariant(Strict):
    """A seeded buggy version of the system under test."""

    id: str = Field(pattern=ID_PATTERN)
    description: str = Field(min_length=1)
    system: str = Field(min_length=1, description="The buggy prompt or program.")


class EvalTarget(Strict):
    system: str = Field(min_length=1, description="The reference prompt or program under test.")
    variants: list[EvalVariant] = Field(min_length=1)


# --- exercises --------------------------------------------------------------


class ExerciseBase(Strict):
    id: str = Field(pattern=ID_PATTERN)
    level: int = Field(ge=1)
    title: str = Field(min_length=1)
    brief: str = Field(min_length=1)
    difficulty: float = Field(default=0.0, ge=-1.5, le=1.5)
    minutes: int = Field(default=5, ge=1, le=90)
    skills: list[str] = Field(default_factory=list)
    functions: list[str] = Field(default_factory=list, description="Work functions it serves.")
    needs_model: ModelTier = ModelTier.CAPABLE
    # The longest answer a model may give to one prompt here (None: the config's `max_tokens`).
    max_tokens: int | None = Field(default=None, ge=16, le=32_000)
    materials: dict[str, str] = Field(default_factory=dict)
    checks: list[Check] = Field(default_factory=list)
    judgment: JudgmentSpec = Field(default_factory=JudgmentSpec)
    reference: Reference
    fairness: Fairness = Field(default_factory=Fairness)
    # Never read from the TOML: the loader marks the learner's own exercises.
    _private: bool = PrivateAttr(default=False)

    @property
    def private(self) -> bool:
        """A learner's own exercise: its attempts never count for the level."""
        return self._private

    def mark_private(self) -> None:
        self._private = True

    # Never read from the TOML: the loader marks where an exercise came from.
    # None: built in code, not loaded from a pack (the caller decides).
    _trusted: bool | None = PrivateAttr(default=None)
    _pack_dir: Path | None = PrivateAttr(default=None)

    # A pack (not built-in content) whose trust is checked again before code runs.
    _recheck: bool = PrivateAttr(default=False)

    def mark_source(self, *, trusted: bool, pack_dir: Path | None, recheck: bool = False) -> None:
        self._trusted = trusted
        self._pack_dir = pack_dir
        self._recheck = recheck

    @property
    def recheck_trust(self) -> bool:
        return self._recheck

    @property
    def pack_dir(self) -> Path | None:
        """The pack's folder: a python check's `file` is found there; trust is given to it."""
        return self._pack_dir

    @property
    def trusted(self) -> bool | None:
        """Whether its pack may run python checks (built-in: yes); None if not from a pack."""
        return self._trusted

    def python_allowed(self, caller: bool) -> bool:
        """May its python checks run? A loaded exercise's pack decides; else the caller."""
        return caller if self._trusted is None else self._trusted

    def _require_good_and_bad(self) -> None:
        if not self.checks:
            kind = getattr(self, "kind", "graded")  # the base class has no kind of its own
            raise ValueError(f"a {kind} exercise needs at least one check")
        if self.reference.good_output is None or self.reference.bad_output is None:
            raise ValueError("reference needs both `good_output` and `bad_output`")


class PromptExercise(ExerciseBase):
    kind: Literal[Kind.PROMPT]

    @model_validator(mode="after")
    def _complete(self) -> PromptExercise:
        self._require_good_and_bad()
        _fairness_inputs(self.fairness, set())
        return self


def _fairness_inputs(fairness: Fairness, ids: set[str]) -> None:
    """Hidden-input exercises name an input on every corpus entry; others name none."""
    for side in ("good", "bad"):
        for index, entry in enumerate(getattr(fairness, side)):
            if ids and entry.input not in ids:
                known = ", ".join(sorted(ids))
                raise ValueError(
                    f"fairness.{side}.{index}: `input` must name a hidden input ({known}), "
                    f"got {entry.input!r}"
                )
            if not ids and entry.input is not None:
                raise ValueError(f"fairness.{side}.{index}: this exercise has no hidden inputs")


def _outputs_cover(inputs: list[HiddenInput], reference: Reference) -> None:
    ids = {item.id for item in inputs}
    for field in ("good_outputs", "bad_outputs"):
        given = set(getattr(reference, field))
        if missing := ids - given:
            raise ValueError(f"reference.{field} is missing inputs: {', '.join(sorted(missing))}")
        if extra := given - ids:
            raise ValueError(f"reference.{field} names unknown inputs: {', '.join(sorted(extra))}")


class InstructionsExercise(ExerciseBase):
    kind: Literal[Kind.INSTRUCTIONS]
    inputs: list[HiddenInput] = Field(min_length=2)
    pass_rate: float = Field(default=1.0, gt=0, le=1, description="Share of inputs to pass.")

    @model_validator(mode="after")
    def _complete(self) -> InstructionsExercise:
        _outputs_cover(self.inputs, self.reference)
        _fairness_inputs(self.fairness, {item.id for item in self.inputs})
        return self


class PipelineExercise(ExerciseBase):
    kind: Literal[Kind.PIPELINE]
    inputs: list[HiddenInput] = Field(min_length=1)
    reference_steps: list[PipelineStep] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> PipelineExercise:
        _outputs_cover(self.inputs, self.reference)
        _fairness_inputs(self.fairness, {item.id for item in self.inputs})
        return self


def _no_corpus(fairness: Fairness, kind: str) -> None:
    """A corpus proves a grade; review, fit and evals exercises grade no output text."""
    if fairness.good or fairness.bad:
        raise ValueError(
            f"a {kind} exercise grades no output text, so a fairness corpus would prove nothing"
        )


class ReviewExercise(ExerciseBase):
    kind: Literal[Kind.REVIEW]
    needs_model: ModelTier = ModelTier.ANY
    outputs: list[ReviewItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _kinds_declared(self) -> ReviewExercise:
        _no_corpus(self.fairness, "review")
        for item in self.outputs:
            if item.error_kind and item.error_kind not in self.judgment.error_kinds:
                raise ValueError(f"error kind {item.error_kind!r} is not in judgment.error_kinds")
        return self


class FitExercise(ExerciseBase):
    kind: Literal[Kind.FIT]
    needs_model: ModelTier = ModelTier.ANY
    steps: list[FitStep] = Field(min_length=2)
    pass_share: float = Field(default=0.8, gt=0, le=1)

    @model_validator(mode="after")
    def _no_fairness(self) -> FitExercise:
        _no_corpus(self.fairness, "fit")
        return self


class AgentExercise(ExerciseBase):
    kind: Literal[Kind.AGENT]
    agent: AgentSetup

    @model_validator(mode="after")
    def _complete(self) -> AgentExercise:
        self._require_good_and_bad()
        _fairness_inputs(self.fairness, set())
        return self


class EvalsExercise(ExerciseBase):
    kind: Literal[Kind.EVALS]
    target: EvalTarget

    @model_validator(mode="after")
    def _no_fairness(self) -> EvalsExercise:
        _no_corpus(self.fairness, "evals")
        return self


Exercise = Annotated[
    PromptExercise
    | InstructionsExercise
    | ReviewExercise
    | FitExercise
    | PipelineExercise
    | AgentExercise
    | EvalsExercise,
    Field(discriminator="kind"),
]
