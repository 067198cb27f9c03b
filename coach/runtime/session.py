"""The TUI's single entry point: one learner, their config, catalog and store.

Plain Python (no textual), so everything a screen does is testable headless.
It holds what is not an attempt: who is practising, what comes next, their
standing, drafts and history. Each attempt is an `Attempt` (`start`), the
one path every front end drives.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from coach import llm
from coach.config import Config, load_config, save_config
from coach.content import all_sources, load_catalog
from coach.content.loader import Catalog
from coach.content.models import Kind, Level, Role
from coach.engine.evidence import ItemInfo
from coach.engine.judgment_metrics import JudgmentMetrics, judgment_metrics, records_from_evidence
from coach.engine.placement import start_level
from coach.engine.replay import LearnerTracker
from coach.engine.role_gap import RoleGap, role_gap
from coach.engine.select import next_exercise
from coach.llm.choices import spec_for
from coach.runtime.attempt import Attempt, AttemptSetup, stream_answer
from coach.runtime.calibration import current_calibration
from coach.runtime.evidence import evidence_of, known_need
from coach.runtime.home_view import (
    HomeView,
    NextUp,
    Point,
    RecentRow,
    current_config_mtime,
    judgment_words,
    save_view,
)
from coach.runtime.instances import (
    as_family_item,
    draw_instance,
    family_items,
    fresh_exercises,
)
from coach.runtime.kinds import MULTI_STEP
from coach.runtime.learner import DEFAULT_ROLE, current_learner
from coach.runtime.present import TrapMode
from coach.runtime.recording import current_standing
from coach.runtime.serving import withhold_unproven
from coach.runtime.weaknesses import WINDOW, Weakness, detect_weaknesses, training_exercises
from coach.store import Store, open_store
from coach.store.records import AttemptRecord, LearnerRecord, Standing

# Kinds the TUI runs end to end so far.
PLAYABLE = frozenset({Kind.PROMPT, Kind.REVIEW, Kind.FIT}) | MULTI_STEP
# d′ means little on fewer judgments than this, of each truth.
MIN_FOR_D_PRIME = 5
RECENT = 5  # attempts listed on Home


def item_info(exercise: Any, *, calibrated: bool = True) -> ItemInfo:
    """The engine's view of an exercise, with its calibrated difficulty where there is one
    (unless `calibrated` is False: the authored one, as a simulation wants)."""
    info = ItemInfo(
        exercise_id=exercise.id,
        level=exercise.level,
        difficulty=exercise.difficulty,
        kind=str(exercise.kind),
        skills=tuple(exercise.skills),
        needs_model=known_need(str(exercise.needs_model)),
    )
    calibration = current_calibration() if calibrated else None
    return calibration.apply(info) if calibration is not None else info


PIPELINE_STARTER = """\
# Your steps, run in order on every hidden input. {input} is the input;
# {<step name>} is an earlier step's output; {previous} the last one.
# Add validate = true to a step that answers VALID or INVALID: <reason>.

[[steps]]
name = "step1"
template = \"\"\"Do the first part of the task for this text:
{input}\"\"\"
"""

EVALS_STARTER = """\
# Your eval cases: each input is sent to the system under test and its
# output checked. A good suite passes on the reference and catches each bug.

[[cases]]
id = "example"
input = "A typical input for the system under test."
checks = [
  { grader = "contains", value = "what a correct output must contain" },
]
"""


def starter_text(exercise: Any) -> str:
    kind = exercise.kind
    if kind == Kind.PIPELINE:
        return PIPELINE_STARTER
    if kind == Kind.AGENT:
        tools = ", ".join(f'"{tool}"' for tool in exercise.agent.tools)
        return f'instructions = """\n"""\n\n[permissions]\ntools = [{tools}]\napproval = "ask"\n'
    if kind == Kind.EVALS:
        return EVALS_STARTER
    return ""


class Session:
    def __init__(
        self,
        config: Config,
        catalog: Catalog,
        store: Store,
        *,
        seed: int | None = None,
        trap_mode: TrapMode = "auto",
    ) -> None:
        self.config = config
        self.catalog = catalog
        self.store = store
        self.seed = secrets.randbits(32) if seed is None else seed
        self.rng = random.Random(self.seed)
        self.trap_mode: TrapMode = trap_mode
        # A timed sprint in progress: attempts carry its id and `sprint_draw` picks
        # the next exercise within its filters (see coach.sprints.live.attach).
        self.sprint_id: int | None = None
        self.sprint_draw: Callable[[], Any | None] | None = None
        self.spend = llm.SpendTracker(config.spend_cap_usd)
        self._learner: LearnerRecord | None = None

    @classmethod
    def open(cls, config: Config | None = None, **options: Any) -> Session:
        """Load config (ConfigError propagates), catalog and store."""
        config = config if config is not None else load_config()
        catalog = withhold_unproven(load_catalog(all_sources(config.pack_dirs())))
        store = open_store(config.effective_database_url())
        return cls(config, catalog, store, **options)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def reload_catalog(self) -> None:
        """Load the content again (after the learner saved an exercise of their own)."""
        self.catalog = withhold_unproven(load_catalog(all_sources(self.config.pack_dirs())))

    # --- who and where ----------------------------------------------------------

    @property
    def is_first_run(self) -> bool:
        return not self.config.learner.name

    @property
    def learner(self) -> LearnerRecord:
        if self._learner is None:
            self._learner = current_learner(self.store, self.config)
        return self._learner

    def standing(self) -> Standing:
        """The learner's stored standing (a replay only when it is stale)."""
        return current_standing(self.store, self.learner)

    @property
    def placing(self) -> bool:
        """True until a placement (or the first practice attempt) has set a level."""
        return self.standing().level is None

    @property
    def level(self) -> int:
        level = self.standing().level
        return level if level is not None else start_level(self.learner.self_report)

    def level_info(self, number: int | None = None) -> Level | None:
        return self.catalog.level(self.level if number is None else number)

    @property
    def role(self) -> Role | None:
        return self.catalog.role(self.config.learner.role or DEFAULT_ROLE)

    @property
    def target_level(self) -> int | None:
        role = self.role
        return role.target_level if role else None

    def role_gap(self) -> RoleGap | None:
        role = self.role
        return role_gap(role.target_level, self.level, role.name) if role else None

    def save_profile(
        self, name: str, role: str, model: str | None = None, self_report: int | None = None
    ) -> None:
        """Save the first-run answers. The self-report (an index into
        `SELF_REPORT_OPTIONS`) sets the placement prior; it is kept only while the
        learner has no attempts, since every replay starts from it."""
        learner = self.config.learner.model_copy(update={"name": name.strip(), "role": role})
        update: dict[str, Any] = {"learner": learner}
        if model:
            update["model"] = model
        config = self.config.model_copy(update=update)
        save_config(config)
        self.config = config
        self._learner = None
        if self.learner.role != role:
            self._learner = self.store.update_learner_role(self.learner.id, role)
        if self_report is not None and not self.history(limit=1):
            self._learner = self.store.set_self_report(self.learner.id, self_report)

    # --- one attempt --------------------------------------------------------------

    def playable(self) -> list[Any]:
        return [e.exercise for e in self.catalog.exercises if e.exercise.kind in PLAYABLE]

    def next_exercise(self) -> Any | None:
        """The engine's pick at the learner's level (seeded rng), or the sprint's."""
        if self.sprint_draw is not None:
            return self.sprint_draw()
        playable = self.playable()
        records = self.history()
        # Generated families always offer something new: while they do, an exercise
        # already done is not offered again (a fresh instance beats any repeat).
        families = family_items(self.catalog.families, PLAYABLE)
        if families:
            playable = fresh_exercises(playable, records)
        bank = [item_info(exercise) for exercise in playable] + families
        history = [as_family_item(evidence_of(record)) for record in records]
        try:
            tier = self.spec().tier
        except llm.ModelError:
            tier = None
        prefer = training_exercises(detect_weaknesses(records), playable)
        item = next_exercise(bank, self.level, history, self.rng, model_tier=tier, prefer=prefer)
        if item is None:
            return None
        drawn = draw_instance(self.catalog.families, item.exercise_id, records, self.rng)
        return drawn if drawn is not None else self.catalog.exercise(item.exercise_id)

    def weaknesses(self) -> list[Weakness]:
        """The learner's recurring weaknesses in their recent attempts, worst first."""
        return detect_weaknesses(self.history(limit=WINDOW))

    def exercise(self, exercise_id: str) -> Any | None:
        return self.catalog.exercise(exercise_id)

    def spec(self) -> llm.ModelSpec:
        return spec_for(self.config)

    def start(
        self,
        exercise: Any,
        *,
        placement: bool = False,
        model: str | None = None,
        api_base: str | None = None,
    ) -> Attempt:
        """A new attempt at `exercise` by this learner, on the practice model unless
        `model` (a configured name or a model string) says otherwise."""
        setup = AttemptSetup(
            store=self.store,
            learner_id=self.learner.id,
            config=self.config,
            rng=self.rng,
            spend=self.spend,
            trap_mode=self.trap_mode,
            sprint_id=self.sprint_id,
            model=model,
            api_base=api_base,
        )
        return Attempt(setup, exercise, placement=placement)

    async def sample(
        self, exercise: Any, prompt: str, on_text: Callable[[str], None] | None = None
    ) -> llm.CallResult:
        """One answer from the practice model, not an attempt (an own task's example output)."""
        return await stream_answer(self.spec(), exercise, prompt, on_text=on_text, spend=self.spend)

    def starter_text(self, exercise: Any) -> str:
        """What the editor starts with for a multi-step kind (empty for the others)."""
        return starter_text(exercise)

    # --- drafts ---------------------------------------------------------------------

    def save_draft(self, exercise_id: str, text: str) -> None:
        if text.strip():
            self.store.save_draft(self.learner.id, exercise_id, text)
        else:
            self.clear_draft(exercise_id)

    def load_draft(self, exercise_id: str) -> str | None:
        draft = self.store.load_draft(self.learner.id, exercise_id)
        return draft.text if draft else None

    def clear_draft(self, exercise_id: str) -> None:
        self.store.delete_draft(self.learner.id, exercise_id)

    # --- progress -------------------------------------------------------------------

    def history(self, limit: int | None = None) -> list[AttemptRecord]:
        """The learner's attempts, oldest first."""
        return self.store.attempts(self.learner.id, limit=limit)

    def progress(self) -> list[Point]:
        """Level and ability after each attempt, oldest first: the engine replayed step by step."""
        tracker = LearnerTracker(self.learner.self_report)
        ability = tracker.ability
        mid = (ability.scale.n_levels + 1) / 2
        points: list[Point] = []
        for index, record in enumerate(self.history(), start=1):
            evidence = evidence_of(record)
            tracker.observe(evidence)
            theta = ability.theta()
            points.append(
                Point(
                    number=index,
                    at=evidence.at,
                    level=tracker.level,
                    ability=theta / ability.scale.spacing + mid,
                    theta=theta,
                )
            )
        return points

    def home_view(self) -> HomeView:
        """Everything Home shows, from the store and the catalog (saved for the next start)."""
        standing = self.standing()
        level = standing.level if standing.level is not None else self.level
        info = self.level_info(level)
        gap = self.role_gap()
        metrics = self.judgment_summary()
        words, detail = judgment_words(
            metrics.n, metrics.hits, metrics.signal, metrics.false_alarms, metrics.noise
        )
        upcoming = self.next_exercise()
        recent = []
        for record in reversed(self.history(limit=RECENT)):
            score = "–" if record.output_score is None else f"{record.output_score:.0%}"
            judged = {True: "✓", False: "✗", None: "–"}[record.judgment_correct]
            recent.append(
                RecentRow(
                    exercise_id=record.exercise_id, kind=record.kind, output=score, judged=judged
                )
            )
        view = HomeView(
            learner_id=self.learner.id,
            head_hash=standing.head_hash,
            config_mtime=current_config_mtime(),
            level=level,
            level_name=info.name if info else None,
            level_summary=info.summary if info else None,
            placing=standing.level is None,
            target=gap.sentence if gap else "No role set.",
            judgment=words,
            judgment_detail=detail,
            streak=self.streak(),
            next_up=None
            if upcoming is None
            else NextUp(
                exercise_id=upcoming.id,
                title=upcoming.title,
                kind=str(upcoming.kind),
                level=upcoming.level,
            ),
            weaknesses=[(w.label, w.detail) for w in self.weaknesses()],
            recent=recent,
            problems=[str(problem) for problem in self.catalog.problems],
            points=self.progress(),
        )
        save_view(view)
        return view

    def judgment_summary(self) -> JudgmentMetrics:
        history = [evidence_of(record) for record in self.history()]
        return judgment_metrics(records_from_evidence(history))

    def streak(self, today: date | None = None) -> int:
        """Days in a row, ending today (or yesterday), with at least one attempt."""
        days = {record.finished_at.astimezone(UTC).date() for record in self.history()}
        day = today or datetime.now(UTC).date()
        if day not in days:
            day -= timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        return count
