"""One attempt, one path: start → produce → present → grade → record.

`Attempt` is the one unit of work every front end drives: the exercise
screens, the placement and `coach attempt`. Its steps are separate so the
TUI can stream the output, ask for the judgment before revealing anything,
and grade and record in a worker thread. What is not the attempt (the
learner, the model, the spend, the seeded draw) is an `AttemptSetup`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from coach import llm
from coach.config import Config
from coach.content.models import Kind
from coach.llm.choices import spec_for
from coach.runtime.fit import FitGrade, fit_outcome, grade_fit
from coach.runtime.grading import grade_context, grade_judgment_of, grade_real_output
from coach.runtime.judge import make_judge
from coach.runtime.kinds import MULTI_STEP, run_kind
from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown, TrapMode, present_output, present_review
from coach.runtime.recording import RecordedAttempt, record_outcome
from coach.runtime.render import render_prompt
from coach.runtime.runs import KindRun, Progress, conclude_run
from coach.store import Store
from graders.judgment import Judgment


def judge_for(config: Config, spend: llm.SpendTracker | None) -> Callable[[str], str] | None:
    """The rubric judge the config names (None: rubric checks stay unscored)."""
    if not config.judge_model:
        return None
    return make_judge(spec_for(config, config.judge_model), spend)


@dataclass
class AttemptSetup:
    """Everything an attempt needs that is not the attempt itself."""

    store: Store
    learner_id: int
    config: Config
    rng: random.Random
    spend: llm.SpendTracker
    trap_mode: TrapMode = "auto"
    sprint_id: int | None = None
    model: str | None = None  # a configured name or model string; None: the config's
    api_base: str | None = None
    # A rubric judge to use instead of the config's `judge_model` (tests, tools).
    judge_override: Callable[[str], str] | None = None

    def spec(self) -> llm.ModelSpec:
        """The practice model (raises llm.ModelError for a bad name or address)."""
        return spec_for(self.config, self.model, self.api_base)

    def judge(self) -> Callable[[str], str] | None:
        if self.judge_override is not None:
            return self.judge_override
        return judge_for(self.config, self.spend)

    @property
    def trap_rate(self) -> float | None:
        return self.config.trap_rate


async def stream_answer(
    spec: llm.ModelSpec,
    exercise: Any,
    prompt: str,
    *,
    on_text: Callable[[str], None] | None = None,
    spend: llm.SpendTracker | None = None,
) -> llm.CallResult:
    """Send the prompt with the exercise's materials; stream terminal-safe text to `on_text`.

    Raises llm.ModelError (StreamCutOff carries the partial text).
    """
    cleaner = llm.StreamCleaner()
    prompt_text = render_prompt(prompt, exercise.materials)
    cap = getattr(exercise, "max_tokens", None)  # None: the spec's (the config's)
    async with llm.stream(spec, prompt_text, max_tokens=cap, spend=spend) as answer:
        async for chunk in answer:
            if on_text is not None and (safe := cleaner.feed(chunk)):
                on_text(safe)
        if on_text is not None and (rest := cleaner.flush()):
            on_text(rest)
    if answer.result is None:  # the stream ended without a result: a fault, not an answer
        raise llm.ModelError("the model's answer ended without a result", "Send it again.")
    return answer.result


class AttemptError(RuntimeError):
    """A step was called out of order (a bug in the caller, not the learner's fault)."""


class Attempt:
    """One learner, one exercise: the steps in order, each at most once.

    produce (prompt and multi-step kinds) → present → grade → record. Review
    exercises skip produce; fit exercises answer with `answer_fit` instead of
    present and judgment. A model error in produce raises `llm.ModelError`
    with the learner's text kept on the attempt (`learner_input`).
    """

    def __init__(self, setup: AttemptSetup, exercise: Any, *, placement: bool = False) -> None:
        self.setup = setup
        self.exercise = exercise
        self.placement = placement
        self.started_at = datetime.now(UTC)
        self.learner_input: str | None = None
        self.call: llm.CallResult | None = None
        self.run: KindRun | None = None
        self.spec: llm.ModelSpec | None = None
        self.fit: FitGrade | None = None
        self.shown: Shown | None = None
        self.outcome: AttemptOutcome | None = None
        self.recorded: RecordedAttempt | None = None

    @property
    def kind(self) -> Kind:
        return Kind(self.exercise.kind)

    @property
    def needs_model(self) -> bool:
        return self.kind == Kind.PROMPT or self.kind in MULTI_STEP

    def may_plant(self) -> bool:
        """Whether this attempt can show a planted flaw (then its stream is not shown live)."""
        traps = self.exercise.judgment.traps
        if self.setup.trap_mode == "never" or not traps:
            return False
        rate = self.setup.trap_rate
        rate = self.exercise.judgment.trap_rate if rate is None else rate
        return self.setup.trap_mode == "always" or rate > 0

    # --- produce -----------------------------------------------------------------

    async def produce(
        self,
        learner_input: str,
        *,
        on_text: Callable[[str], None] | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        """Send the prompt (streamed to `on_text`) or run the multi-step kind.

        Raises llm.ModelError (StreamCutOff carries the partial text) and, for
        multi-step kinds, ValueError when the learner's TOML does not parse.
        """
        if not self.needs_model:
            raise AttemptError(f"a {self.kind} exercise sends nothing to a model")
        self.learner_input = learner_input
        self.spec = spec = self.setup.spec()
        if self.kind in MULTI_STEP:
            self.run = await run_kind(
                self.exercise,
                learner_input,
                spec,
                rng=self.setup.rng,
                trap_mode=self.setup.trap_mode,
                trap_rate=self.setup.trap_rate,
                on_progress=on_progress,
                spend=self.setup.spend,
                judge=self.setup.judge(),
            )
            return
        self.call = await stream_answer(
            spec, self.exercise, learner_input, on_text=on_text, spend=self.setup.spend
        )

    # --- present -------------------------------------------------------------------

    def present(self) -> Shown:
        """What the learner judges: the real output, or a disclosed planted flaw."""
        if self.shown is not None:
            return self.shown
        if self.kind == Kind.FIT:
            raise AttemptError("a fit exercise is answered step by step, not judged")
        if self.kind == Kind.REVIEW:
            self.shown = present_review(self.exercise, self.setup.rng)
        elif self.run is not None:
            self.shown = self.run.shown
        elif self.call is not None:
            self.shown = present_output(
                self.exercise,
                llm.clean_output(self.call.text),
                self.setup.trap_mode,
                self.setup.rng,
                self.setup.trap_rate,
            )
        else:
            raise AttemptError("present() before produce()")
        return self.shown

    # --- grade ---------------------------------------------------------------------

    def answer_fit(self, answers: Mapping[str, str | None]) -> AttemptOutcome:
        """Grade a fit exercise's answers (delegate / verify / human per step)."""
        if self.kind != Kind.FIT:
            raise AttemptError(f"a {self.kind} exercise is not answered step by step")
        self.fit = grade_fit(self.exercise, answers)
        self.outcome = fit_outcome(
            self.exercise, self.fit, self.started_at, placement=self.placement
        )
        return self.outcome

    def grade(self, judgment: Judgment | None) -> AttemptOutcome:
        """Grade the real output and the judgment. Blocking (a rubric judge calls a model)."""
        shown = self.present()
        spec = self.spec
        if self.run is not None:
            self.outcome = conclude_run(
                self.exercise,
                self.run,
                started_at=self.started_at,
                learner_input=self.learner_input or "",
                judgment=judgment,
                model=spec.model if spec else None,
                model_tier=spec.tier if spec else None,
                placement=self.placement,
            )
            return self.outcome
        real_output = llm.clean_output(self.call.text) if self.call is not None else None
        grade = None
        if real_output is not None and self.exercise.checks:
            ctx = grade_context(self.exercise, trusted=True, judge=self.setup.judge())
            grade = grade_real_output(self.exercise, real_output, ctx)
        truth = verdict = None
        if judgment is not None:
            truth, verdict = grade_judgment_of(self.exercise, grade, shown, judgment)
        self.outcome = AttemptOutcome.finished(
            self.exercise,
            self.started_at,
            placement=self.placement,
            model=spec.model if spec else None,
            model_tier=spec.tier if spec else None,
            prompt=self.learner_input,
            real_output=real_output,
            shown=shown,
            output_grade=grade,
            judgment=judgment,
            truth=truth,
            judgment_grade=verdict,
            call=self.call,
        )
        return self.outcome

    # --- record --------------------------------------------------------------------

    def record(self) -> RecordedAttempt:
        """Store the graded attempt with its level events and standing, in one
        transaction, and drop the exercise's draft. Blocking."""
        if self.outcome is None:
            raise AttemptError("record() before grade()")
        if self.recorded is None:
            self.recorded = record_outcome(
                self.setup.store,
                self.setup.learner_id,
                self.outcome,
                sprint_id=self.setup.sprint_id,
            )
        return self.recorded

    def finish(self, judgment: Judgment | None) -> RecordedAttempt:
        """Grade and record: what a worker thread runs after the learner's judgment."""
        self.grade(judgment)
        return self.record()
