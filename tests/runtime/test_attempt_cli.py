"""`coach attempt`: one graded attempt through the entry point, against the loopback fake."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from fake_openai import FakeOpenAI, Reply

from coach.cli import main
from coach.content import load_catalog
from coach.store import open_store

EXERCISE = "l1-renewal-dates-to-json"
REFERENCE = load_catalog().exercise(EXERCISE).reference  # type: ignore[union-attr]


def attempt(fake: FakeOpenAI, *args: str, exercise: str = EXERCISE) -> dict[str, Any]:
    result = CliRunner().invoke(
        main,
        [
            "attempt",
            exercise,
            "--prompt",
            "List the dates as JSON.",
            "--model",
            "openai/fake-model",
            "--api-base",
            fake.base_url,
            "--json",
            *args,
        ],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_good_output_passes_and_a_correct_ok_is_scored(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=REFERENCE.good_output))
    report = attempt(fake, "--verdict", "ok", "--confidence", "90")
    assert report["exercise"] == EXERCISE
    assert report["output_passed"] is True
    assert report["output_score"] == 1.0
    assert all(check["passed"] for check in report["checks"])
    assert report["trap"] is None
    assert report["judgment_correct"] is True
    assert report["brier"] == pytest.approx(0.01)
    assert report["output_shown"] == REFERENCE.good_output


def test_a_bad_output_fails_and_accepting_it_is_a_miss(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=REFERENCE.bad_output))
    report = attempt(fake, "--verdict", "ok", "--confidence", "80")
    assert report["output_passed"] is False
    failed = [check for check in report["checks"] if not check["passed"]]
    assert failed and all(check["reason"] for check in failed)
    assert report["judgment_correct"] is False
    assert report["brier"] == pytest.approx(0.64)
    assert "accepted" in report["judgment_feedback"]


def test_a_planted_trap_is_disclosed_and_graded_against_the_real_output(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=REFERENCE.good_output))
    report = attempt(fake, "--trap", "always", "--verdict", "wrong", "--seed", "11")
    assert report["trap"] is not None and report["trap"]["description"]
    assert report["output_shown"] != REFERENCE.good_output
    assert report["output_passed"] is True  # the real output is graded, not the trap
    assert report["judgment_correct"] is True


def test_the_attempt_is_stored_with_its_evidence(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=REFERENCE.good_output))
    report = attempt(fake, "--verdict", "ok")
    with open_store() as store:
        (learner,) = store.list_learners()
        (stored,) = store.attempts(learner.id)
        assert stored.id == report["attempt_id"]
        assert stored.real_output == REFERENCE.good_output
        assert stored.prompt == "List the dates as JSON."
        assert stored.model == "openai/fake-model"
        assert stored.judgment_correct is True
        assert store.verify(learner.id) == []
        events = store.level_events(learner.id)
    assert report["level_before"] is None
    assert report["level_after"] == events[-1].to_level


def test_the_prompt_reaches_the_model_with_the_materials(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text=REFERENCE.good_output))
    attempt(fake)
    sent = json.dumps(fake.chat_requests[0].body)
    assert "List the dates as JSON." in sent
    assert "2026" in sent  # the email's text came along


def test_a_review_exercise_needs_no_model(fake: FakeOpenAI) -> None:
    result = CliRunner().invoke(
        main,
        ["attempt", "l1-price-change-summaries", "--verdict", "wrong", "--seed", "1", "--json"],
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["checks"] == [] and report["output_passed"] is None
    assert report["judgment_correct"] in (True, False)
    assert fake.chat_requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["attempt", "no-such-id", "--prompt", "x"], "no exercise 'no-such-id'"),
        (["attempt", EXERCISE], "give your prompt"),
        (["attempt", EXERCISE, "--prompt", "x", "--error-kind", "typo"], "unknown error kind"),
    ],
)
def test_bad_requests_get_a_plain_message(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_that_is_down_is_named(closed_port: int) -> None:
    result = CliRunner().invoke(
        main,
        [
            "attempt",
            EXERCISE,
            "--prompt",
            "x",
            "--model",
            "openai/m",
            "--api-base",
            f"http://127.0.0.1:{closed_port}/v1",
        ],
    )
    assert result.exit_code == 1
    assert "127.0.0.1" in result.stderr or "connect" in result.stderr.lower()


def test_an_instructions_exercise_runs_every_hidden_input(fake: FakeOpenAI) -> None:
    exercise = load_catalog().exercise("l3-hr-helpdesk-instructions")
    assert exercise is not None
    for item in exercise.inputs:
        needle = item.text.splitlines()[-1]  # the question line is unique per input
        fake.reply_when(needle, behaviour=Reply(text=exercise.reference.good_outputs[item.id]))
    report = attempt(fake, "--verdict", "ok", "--seed", "4", exercise="l3-hr-helpdesk-instructions")
    assert report["kind"] == "instructions"
    assert report["output_passed"] is True
    assert len(report["checks"]) == len(exercise.inputs)
    assert {entry["id"] for entry in report["details"]["inputs"]} == {i.id for i in exercise.inputs}
    assert len(fake.chat_requests) == len(exercise.inputs)
    assert report["judgment_correct"] is True


def test_bad_pipeline_steps_are_refused_before_any_call(fake: FakeOpenAI) -> None:
    result = CliRunner().invoke(
        main,
        [
            "attempt",
            "l4-lead-routing-pipeline",
            "--prompt",
            '[[steps]]\nname = "a"\ntemplate = "{nope}"',
            "--model",
            "openai/fake-model",
            "--api-base",
            fake.base_url,
        ],
    )
    assert result.exit_code == 1
    assert "nope" in result.stderr
    assert fake.chat_requests == []
