"""The fairness corpus: its schema, and how `coach check` proves it (issue #16 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.content.loader import LoadedExercise, load_exercise
from coach.content.sources import BUILTIN
from coach.runtime import prove as prove_module
from coach.runtime.prove import MIN_BAD, MIN_GOOD, prove

GOOD = Path(__file__).parent.parent / "fixtures" / "pack-good" / "meeting-dates.toml"

CORPUS = """
[[fairness.good]]
style = "spaced"
output = '[ "2026-03-03" , "2026-04-15" ]'

[[fairness.good]]
style = "other order"
output = '["2026-04-15", "2026-03-03"]'

[[fairness.good]]
style = "one per line"
output = '''[
  "2026-03-03",
  "2026-04-15"
]'''

[[fairness.good]]
style = "trailing newline"
output = '''
["2026-03-03", "2026-04-15"]
'''

[[fairness.good]]
style = "no spaces"
output = '["2026-03-03","2026-04-15"]'

[[fairness.bad]]
why = "one date missing"
check = "set_equals"
output = '["2026-03-03"]'

[[fairness.bad]]
why = "wrong day"
output = '["2026-03-03", "2026-04-16"]'

[[fairness.bad]]
why = "prose, not JSON"
check = "json"
output = "3 March and 15 April 2026"
"""


def load(tmp_path: Path, text: str, *, level: int = 1, builtin: bool = False) -> LoadedExercise:
    path = tmp_path / "exercise.toml"
    path.write_text(text.replace("level = 1", f"level = {level}", 1))
    exercise, problems = load_exercise(path, path.name)
    assert problems == [] and exercise is not None, problems
    return LoadedExercise(exercise, path, BUILTIN if builtin else str(tmp_path))


def messages(loaded: LoadedExercise) -> list[str]:
    return [problem.message for problem in prove(loaded, trusted=True)]


def fixture_with(corpus: str) -> str:
    return GOOD.read_text() + corpus


def test_a_sound_corpus_is_proved(tmp_path: Path) -> None:
    assert messages(load(tmp_path, fixture_with(CORPUS))) == []


def test_the_corpus_is_read_in_order_with_styles_and_reasons(tmp_path: Path) -> None:
    exercise = load(tmp_path, fixture_with(CORPUS)).exercise
    assert [g.style for g in exercise.fairness.good][:2] == ["spaced", "other order"]
    assert exercise.fairness.bad[0].why == "one date missing"
    assert exercise.fairness.bad[0].check == "set_equals"


def test_a_correct_output_that_fails_is_named_with_the_check_at_fault(tmp_path: Path) -> None:
    corpus = CORPUS.replace('"2026-04-15", "2026-03-03"', '"2026-04-15", "2026-03-03", "x"')
    (message,) = messages(load(tmp_path, fixture_with(corpus)))
    assert "fairness.good.1 (other order)" in message
    assert "set_equals" in message


def test_a_wrong_output_that_passes_is_named(tmp_path: Path) -> None:
    corpus = CORPUS.replace('"2026-04-16"', '"2026-04-15"')
    (message,) = messages(load(tmp_path, fixture_with(corpus)))
    assert "fairness.bad.1 (wrong day)" in message
    assert "passes every check" in message


def test_a_wrong_output_that_passes_names_the_check_meant_to_catch_it(tmp_path: Path) -> None:
    corpus = CORPUS.replace(
        "output = '[\"2026-03-03\"]'", 'output = \'["2026-04-15", "2026-03-03"]\''
    )
    (message,) = messages(load(tmp_path, fixture_with(corpus)))
    assert "fairness.bad.0 (one date missing)" in message
    assert "'set_equals' should fail it" in message


def test_a_wrong_output_caught_by_another_check_than_named_is_a_problem(tmp_path: Path) -> None:
    corpus = CORPUS.replace('check = "set_equals"', 'check = "json"')
    (message,) = messages(load(tmp_path, fixture_with(corpus)))
    assert "fairness.bad.0" in message and "'json'" in message


def test_a_builtin_exercise_of_a_required_level_needs_six_and_four(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prove_module, "CORPUS_LEVELS", frozenset({2}))
    # Only the reference: 1 correct and 1 wrong output.
    (message,) = messages(load(tmp_path, fixture_with(""), level=2, builtin=True))
    assert f"at least {MIN_GOOD} correct" in message and f"{MIN_BAD} wrong" in message
    assert "1 correct and 1 wrong" in message
    # With the corpus: 6 correct, 4 wrong.
    assert messages(load(tmp_path, fixture_with(CORPUS), level=2, builtin=True)) == []
    # Other levels and packs prove what they carry, without a minimum.
    assert messages(load(tmp_path, fixture_with(""), level=1, builtin=True)) == []
    assert messages(load(tmp_path, fixture_with(""), level=2)) == []


def test_one_corpus_entry_too_few_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prove_module, "CORPUS_LEVELS", frozenset({1}))
    corpus = CORPUS.split('[[fairness.bad]]\nwhy = "prose')[0]
    (message,) = messages(load(tmp_path, fixture_with(corpus), builtin=True))
    assert "6 correct and 3 wrong" in message


def test_a_prompt_exercise_entry_may_not_name_an_input(tmp_path: Path) -> None:
    path = tmp_path / "exercise.toml"
    path.write_text(
        fixture_with(CORPUS.replace('style = "spaced"', 'style = "spaced"\ninput = "a"'))
    )
    exercise, problems = load_exercise(path, path.name)
    assert exercise is None
    assert any("no hidden inputs" in problem.message for problem in problems)


def test_hidden_input_entries_must_name_a_known_input(tmp_path: Path) -> None:
    exercises = Path(__file__).parent.parent.parent / "exercises"
    (source,) = exercises.rglob("l3-warranty-desk-instructions.toml")
    text = source.read_text() + '\n[[fairness.good]]\nstyle = "x"\noutput = "y"\n'
    path = tmp_path / "e.toml"
    path.write_text(text)
    exercise, problems = load_exercise(path, path.name)
    assert exercise is None
    assert any("must name a hidden input" in problem.message for problem in problems)


def test_a_trap_note_that_discloses_another_flaw_is_named(tmp_path: Path) -> None:
    text = fixture_with("").replace('note = "One date was removed."', 'note = "A date was moved."')
    (message,) = messages(load(tmp_path, text))
    assert "judgment.traps.0 (drop_item)" in message
    assert "the note does not speak of the drop_item" in message


def test_a_review_exercise_may_not_carry_a_corpus(tmp_path: Path) -> None:
    exercises = Path(__file__).parent.parent.parent / "exercises"
    (source,) = exercises.rglob("l1-seat-quote-review.toml")
    path = tmp_path / "e.toml"
    path.write_text(source.read_text() + '\n[[fairness.good]]\nstyle = "x"\noutput = "y"\n')
    exercise, problems = load_exercise(path, path.name)
    assert exercise is None
    assert any("would prove nothing" in problem.message for problem in problems)
