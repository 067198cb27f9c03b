"""The TUI's Session, headless: profile, selection, one attempt each kind, drafts, metrics."""

from __future__ import annotations

from datetime import date

import pytest
from fake_openai import Reply

from coach.config import Config, ConfigError, ModelEntry, config_path
from coach.engine import ENGINE_VERSION
from coach.runtime.fit import grade_fit
from coach.runtime.recording import is_fresh
from coach.runtime.session import PLAYABLE, Session
from graders.judgment import Judgment


def fake_config(base_url: str) -> Config:
    return Config(
        model="fake",
        models=[ModelEntry(name="fake", model="openai/fake-model", api_base=base_url)],
    )


def test_open_with_a_corrupt_config_raises_its_message() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("model = [\n")
    with pytest.raises(ConfigError) as error:
        Session.open()
    assert "config.toml" in str(error.value)


def test_first_run_profile_and_level() -> None:
    session = Session.open(seed=1)
    assert session.is_first_run
    session.save_profile("Ada", "analyst", "local/smollm2")
    assert not session.is_first_run
    assert session.learner.name == "Ada"
    reopened = Session.open()
    assert reopened.config.learner.role == "analyst"
    assert reopened.level == 1
    assert reopened.target_level == reopened.role.target_level  # type: ignore[union-attr]
    assert reopened.role_gap() is not None


def test_next_exercise_is_playable_and_seeded() -> None:
    first = Session.open(seed=7).next_exercise()
    second = Session.open(seed=7).next_exercise()
    assert first is not None and first.kind in PLAYABLE
    assert first.id == second.id


async def test_prompt_attempt_records_and_clears_the_draft(fake) -> None:
    session = Session.open(fake_config(fake.base_url), seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "fake")
    exercise = session.exercise("l1-renewal-dates-to-json")
    fake.queue(Reply(text=exercise.reference.good_output))
    session.save_draft(exercise.id, "my prompt")
    assert session.load_draft(exercise.id) == "my prompt"
    pieces: list[str] = []
    attempt = session.start(exercise)
    await attempt.produce("my prompt", on_text=pieces.append)
    assert attempt.call is not None and "".join(pieces) == attempt.call.text
    attempt.present()
    outcome = attempt.grade(Judgment(verdict="ok", confidence=0.8))
    assert outcome.output_passed and outcome.prompt == "my prompt"
    recorded = attempt.record()
    assert recorded.record.id
    assert session.load_draft(exercise.id) is None
    assert len(session.history()) == 1
    assert session.streak() == 1
    assert session.judgment_summary().n == 1


def test_fit_grade_is_the_share_of_steps_right() -> None:
    session = Session.open()
    exercise = session.exercise("l1-offsite-planning-fit")
    key = {step.id: step.answer for step in exercise.steps}
    assert grade_fit(exercise, key).score == 1.0
    assert grade_fit(exercise, key).passed
    wrong = dict(key)
    first = exercise.steps[0].id
    wrong[first] = "human" if key[first] != "human" else "delegate"
    graded = grade_fit(exercise, wrong)
    assert graded.score == pytest.approx((len(key) - 1) / len(key))
    assert graded.passed == (graded.score >= exercise.pass_share)
    assert grade_fit(exercise, {}).score == 0.0
    attempt = session.start(exercise)
    attempt.answer_fit(wrong)
    assert attempt.record().record.output_score == pytest.approx(graded.score)


def test_streak_counts_days_in_a_row() -> None:
    session = Session.open()
    assert session.streak(date(2026, 1, 1)) == 0


def test_session_imports_neither_textual_nor_litellm() -> None:
    import json
    import subprocess
    import sys

    code = (
        "import json, sys, coach.runtime.session\n"
        "print(json.dumps(sorted(m for m in ('textual', 'litellm') if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def _judge_review(session: Session, verdict: str = "ok") -> None:
    attempt = session.start(session.exercise("l1-seat-quote-review"))
    attempt.present()
    attempt.finish(Judgment(verdict="wrong" if verdict == "wrong" else "ok", confidence=0.8))


def test_progress_replays_level_and_ability_attempt_by_attempt() -> None:
    from coach.engine.replay import LearnerTracker
    from coach.runtime.evidence import evidence_of

    session = Session.open(seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "local/smollm2")
    assert session.progress() == []
    for verdict in ("ok", "wrong", "ok", "ok"):
        _judge_review(session, verdict)
    points = session.progress()
    assert [p.number for p in points] == [1, 2, 3, 4]
    assert [p.at for p in points] == [r.finished_at for r in session.history()]
    assert points[-1].level == session.level
    tracker = LearnerTracker()
    for point, record in zip(points, session.history(), strict=True):
        tracker.observe(evidence_of(record))
        assert point.level == tracker.level
        assert point.theta == pytest.approx(tracker.ability.theta())
        # level k's centre on the logit scale maps to k
        assert point.ability == pytest.approx(point.theta / 2.0 + 3.5)
    assert all(0.0 <= p.ability <= 7.0 for p in points)


# --- multi-step kinds ---------------------------------------------------------


def test_multi_step_kinds_are_playable() -> None:
    kinds = {exercise.kind for exercise in Session.open(seed=1).playable()}
    assert {"instructions", "pipeline", "agent", "evals"} <= {str(kind) for kind in kinds}


def test_starter_text_per_kind_parses_where_it_can() -> None:
    from coach.runtime.evals import parse_cases
    from coach.runtime.pipeline import parse_steps

    session = Session.open(seed=1)
    assert session.starter_text(session.exercise("l3-hr-helpdesk-instructions")) == ""
    pipeline = session.starter_text(session.exercise("l4-refund-amount-pipeline"))
    assert [step.name for step in parse_steps(pipeline)] == ["step1"]
    assert "{input}" in pipeline
    agent_exercise = session.exercise("l5-supplier-payables-agent")
    agent = session.starter_text(agent_exercise)
    assert agent.startswith('instructions = """\n"""\n\n[permissions]\ntools = [')
    assert all(f'"{tool}"' in agent for tool in agent_exercise.agent.tools)
    assert 'approval = "ask"' in agent
    evals = session.starter_text(session.exercise("l6-ticket-routing-evals"))
    assert parse_cases(evals).ids == ["example"]
    assert session.starter_text(session.exercise("l1-renewal-dates-to-json")) == ""


async def test_run_and_conclude_an_instructions_attempt(fake) -> None:
    session = Session.open(fake_config(fake.base_url), seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "fake")
    exercise = session.exercise("l3-hr-helpdesk-instructions")
    for item in exercise.inputs:
        fake.reply_when(
            item.text.splitlines()[-1],
            behaviour=Reply(text=exercise.reference.good_outputs[item.id]),
        )
    seen: list[tuple[str, int, int]] = []
    attempt = session.start(exercise)
    await attempt.produce(exercise.reference.solution, on_progress=lambda *p: seen.append(p))
    assert attempt.run is not None and attempt.run.grade.passed and seen[-1][1:] == (4, 4)
    outcome = attempt.grade(Judgment(verdict="ok", confidence=0.8))
    assert outcome.model == "openai/fake-model"
    assert outcome.details is not None and len(outcome.details["inputs"]) == 4
    assert outcome.judgment_grade is not None and outcome.judgment_grade.correct
    attempt.record()
    assert session.history()[0].exercise_id == exercise.id


async def test_run_raises_input_errors_before_any_call(fake) -> None:
    from coach.runtime.pipeline import PipelineError

    session = Session.open(fake_config(fake.base_url), seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "fake")
    bad = '[[steps]]\nname = "a"\ntemplate = "{nothing}"\n'
    with pytest.raises(PipelineError):
        await session.start(session.exercise("l4-refund-amount-pipeline")).produce(bad)
    assert fake.chat_requests == []


async def test_recording_an_attempt_stores_a_fresh_standing(fake) -> None:
    session = Session.open(fake_config(fake.base_url), seed=1, trap_mode="never")
    session.save_profile("Ada", "analyst", "fake")
    exercise = session.exercise("l1-renewal-dates-to-json")
    for _ in range(2):
        fake.queue(Reply(text=exercise.reference.good_output))
        attempt = session.start(exercise)
        await attempt.produce("my prompt")
        recorded = attempt.finish(Judgment(verdict="ok", confidence=0.8))
        standing = session.store.standings()[session.learner.id]
        assert standing.head_hash == recorded.record.hash
        assert standing.engine_version == ENGINE_VERSION
        assert is_fresh(standing, recorded.record.hash, len(session.history()))
        assert standing.level == recorded.level_after
