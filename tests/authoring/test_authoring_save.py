"""Own-task authoring: form → TOML → the real loader → the same proof `coach check` runs."""

from __future__ import annotations

import pytest

from coach.authoring import AuthoringError, TaskForm, grade_candidate, new_id, save, slugify
from coach.content import all_sources, load_catalog
from coach.paths import private_pack_dir
from coach.runtime.prove import prove

GOOD = "Revenue rose 4% to £120k; churn held at 3%. Next step: renew the Leeds contract."


def form(**fields: object) -> TaskForm:
    values: dict[str, object] = {
        "title": "Weekly KPI e-mail",
        "level": 2,
        "task": "Summarise the KPI table for Monday's e-mail to the board.",
        "materials": "Revenue 120k (+4%), churn 3%, Leeds contract up for renewal",
        "must_contain": "revenue, churn",
        "must_not_mention": "confidential",
        "max_words": 40,
        "good_output": GOOD,
    }
    values.update(fields)
    return TaskForm.model_validate(values)


def test_a_saved_exercise_loads_as_private_content_and_proves() -> None:
    saved = save(form(rubric="Plain words a board member understands."))

    assert saved.path.parent == private_pack_dir()
    assert saved.exercise_id == "my-weekly-kpi-e-mail"
    catalog = load_catalog(all_sources())
    assert catalog.ok, catalog.problems
    loaded = next(e for e in catalog.exercises if e.exercise.id == saved.exercise_id)
    exercise = loaded.exercise
    assert loaded.private and exercise.private and catalog.is_private(exercise.id)
    assert not catalog.is_private("l1-renewal-dates-to-json")
    assert exercise.kind == "prompt" and exercise.level == 2
    assert exercise.skills == ["own-task"]
    assert exercise.materials == {"materials": form().materials}
    assert [c.grader for c in exercise.checks] == [
        "contains_all",
        "must_not_contain",
        "length",
        "rubric",
    ]
    assert exercise.reference.good_output == GOOD
    assert "unscored" in exercise.reference.explain
    assert "never count towards your level" in exercise.reference.explain
    # The derived bad output is planted as a flaw to judge, and the proof catches it.
    assert exercise.judgment.traps[0].output == exercise.reference.bad_output
    assert prove(loaded, trusted=False) == []


@pytest.mark.parametrize(
    ("fields", "mistake"),
    [
        ({}, 'leaves out "revenue"'),
        (
            {
                "must_contain": "",
                "json_keys": "owner, due",
                "good_output": '{"owner": "Priya", "due": "2026-03-06"}',
            },
            'drops the key "owner"',
        ),
        ({"must_contain": "", "max_words": None}, 'mentions "confidential"'),
        ({"must_contain": "", "must_not_mention": ""}, "runs over 40 words"),
        (
            {"must_contain": "", "must_not_mention": "", "max_words": None, "min_words": 10},
            "stops short of 10 words",
        ),
        (
            {"must_contain": "", "must_not_mention": "", "max_words": None,
             "contains_any": "Leeds, Bradford"},
            "none of the expected phrases",
        ),
        (
            {"must_contain": "", "must_not_mention": "", "max_words": None,
             "regex": r"\d+%"},
            "lacks what the pattern requires",
        ),
    ],
)  # fmt: skip
def test_the_derived_bad_output_fails_a_check_the_good_one_passes(
    fields: dict[str, object], mistake: str
) -> None:
    chosen = form(**fields)
    saved = save(chosen)
    assert mistake in saved.bad.what
    assert grade_candidate(chosen, chosen.good_output).deterministic_verdict is True
    assert grade_candidate(chosen, saved.bad.text).deterministic_verdict is False


def test_checks_that_pass_anything_are_refused() -> None:
    with pytest.raises(AuthoringError, match="these checks would pass anything; add a check"):
        save(form(must_contain="", must_not_mention="", max_words=None, regex=".*"))
    assert not private_pack_dir().exists() or not list(private_pack_dir().glob("*.toml"))


def test_a_rubric_alone_is_refused_because_it_is_unscored_without_a_judge() -> None:
    with pytest.raises(AuthoringError, match="rubric alone is model-graded"):
        save(form(must_contain="", must_not_mention="", max_words=None, rubric="Be kind."))


def test_an_acceptable_output_that_fails_a_check_names_the_check() -> None:
    with pytest.raises(AuthoringError) as caught:
        save(form(must_contain="revenue, churn, margin"))
    message = str(caught.value)
    assert 'contains "revenue", "churn", "margin"' in message
    assert '"margin"' in message and "Fix the check or the output" in message
    assert not list(private_pack_dir().glob("*.toml"))


def test_the_same_title_twice_gets_a_new_id_and_never_overwrites() -> None:
    first = save(form())
    before = first.path.read_text()
    second = save(form(good_output=GOOD + " Thanks."))
    assert second.exercise_id == "my-weekly-kpi-e-mail-2"
    assert first.path.read_text() == before
    assert len(list(private_pack_dir().glob("*.toml"))) == 2
    assert load_catalog(all_sources()).ok


def test_ids_in_the_catalog_are_avoided_too() -> None:
    saved = save(form(title="Renewal dates"), taken={"my-renewal-dates"})
    assert saved.exercise_id == "my-renewal-dates-2"


def test_an_existing_file_is_never_overwritten(monkeypatch: pytest.MonkeyPatch) -> None:
    first = save(form())
    # Another process wrote the same id after we looked: the save refuses, file unchanged.
    monkeypatch.setattr("coach.authoring.author._ids_in", lambda directory: set())
    with pytest.raises(AuthoringError, match="already exists; nothing was overwritten"):
        save(form(good_output=GOOD + " Thanks."))
    assert GOOD + " Thanks." not in first.path.read_text()
    assert not [p for p in private_pack_dir().iterdir() if p.suffix == ".tmp"]


def test_slugs_and_ids() -> None:
    assert slugify("Weekly KPI e-mail!") == "weekly-kpi-e-mail"
    assert slugify("Café déjà vu") == "cafe-deja-vu"
    assert slugify("???") == "task"
    assert new_id("Board pack", {"my-board-pack", "my-board-pack-2"}) == "my-board-pack-3"


def test_form_problems_are_plain() -> None:
    with pytest.raises(ValueError, match="min words"):
        form(min_words=50, max_words=10)
    with pytest.raises(ValueError, match="both required and banned"):
        form(must_not_mention="Revenue")
    with pytest.raises(ValueError, match="not a valid regex"):
        form(regex="(")


def test_a_bad_private_file_is_reported_with_its_path() -> None:
    folder = private_pack_dir()
    folder.mkdir(parents=True)
    broken = folder / "my-broken.toml"
    broken.write_text('id = "my-broken"\nlevel = 1\nkind = "prompt"\n', encoding="utf-8")
    catalog = load_catalog(all_sources())
    assert catalog.problems
    assert all(str(broken) == problem.file for problem in catalog.problems)


def test_no_private_folder_yet_is_not_a_problem() -> None:
    assert not private_pack_dir().exists()
    assert load_catalog(all_sources()).ok
