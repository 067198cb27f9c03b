"""Proofreading: verbs agree with whose words they are, and the same advice shows once."""

from __future__ import annotations

from graded import graded_outcome

from coach.coaching.check_notes import YOURS, Writer
from coach.coaching.feedback import coaching_notes
from coach.content.models import PromptExercise


def test_verbs_agree_with_plural_inputs() -> None:
    prompt = Writer(prompt="", yours="your prompt")
    assert f"{prompt.opening} {prompt.verb('sets')}" == "Your prompt sets"
    for kind, yours in YOURS.items():
        w = Writer(prompt="", yours=yours)
        assert w.verb("sets") == "set", kind
        assert w.verb("asks") == "ask", kind
        assert w.verb("does") == "do", kind
    agent = Writer(prompt="", yours=YOURS["agent"])
    assert f"{agent.opening} {agent.verb('asks')}" == "Your agent's instructions ask"


def test_the_same_advice_is_given_once() -> None:
    # Two checks with one cause (the same missing phrase) used to give two identical bullets.
    check = {"grader": "contains", "value": "24 months"}
    exercise = PromptExercise.model_validate(
        {
            "id": "t-twice",
            "level": 1,
            "kind": "prompt",
            "title": "Twice",
            "brief": "Summarise the call.",
            "materials": {"notes": "The contract runs for 24 months."},
            "checks": [check, dict(check)],
            "reference": {"good_output": "x", "bad_output": "y", "explain": "Because."},
        }
    )
    outcome = graded_outcome(exercise, "A short summary.", "Summarise it.")
    assert len([c for c in outcome.output_grade.checks if not c.passed]) == 2
    texts = [note.text for note in coaching_notes(exercise, outcome)]
    assert len(texts) == len(set(texts)) >= 1
    assert any("24 months" in text for text in texts)
