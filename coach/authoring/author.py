"""Form → exercise → proof → file: the one path both the TUI and the CLI take.

The exercise is proved with the same code as `coach check` (the acceptable
output passes, the derived bad output fails, the planted flaw is caught)
before anything is saved; a failure names the check that rejected the
acceptable output, so the learner can fix the check or the output. Files are
written atomically and an existing file is never overwritten.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from coach.authoring.build import exercise_data, exercise_toml, new_id
from coach.authoring.derive import BadOutput, derive_bad
from coach.authoring.form import MATERIAL_NAME, TaskForm
from coach.content.loader import LoadedExercise, load_exercise
from coach.content.models import Check
from coach.paths import private_pack_dir
from coach.runtime.prove import prove
from graders.context import GradeContext
from graders.names import MODEL_GRADED
from graders.registry import grade_output
from graders.result import OutputGrade


class AuthoringError(ValueError):
    """The form cannot become a proven exercise; the message says what to change."""


@dataclass(frozen=True)
class Built:
    """A proven-to-be exercise: its id, its file text and the derived bad output."""

    exercise_id: str
    text: str
    bad: BadOutput


@dataclass(frozen=True)
class Saved:
    exercise_id: str
    path: Path
    bad: BadOutput


def _checks(form: TaskForm) -> list[Check]:
    return [Check.model_validate(data) for data in form.checks()]


def _context(form: TaskForm) -> GradeContext:
    materials = {MATERIAL_NAME: form.materials} if form.materials.strip() else {}
    return GradeContext(materials=materials)


def grade_candidate(form: TaskForm, output: str) -> OutputGrade:
    """How the form's checks grade one output (rubric checks stay unscored: no judge here)."""
    return grade_output(output, _checks(form), _context(form))


def _rejection(grade: OutputGrade) -> str:
    return "; ".join(f"{check.name}: {check.reason}" for check in grade.failed)


def build(form: TaskForm, taken: Collection[str] = ()) -> Built:
    """The exercise's id and TOML text, with its derived bad output (not proved yet).

    Raises AuthoringError naming what to fix.
    """
    checks = form.checks()
    if not any(check["grader"] not in MODEL_GRADED for check in checks):
        raise AuthoringError(
            "add at least one check the coach can score itself (must contain, JSON keys, "
            "must not mention, words, pattern): a rubric alone is model-graded and "
            "unscored without a judge model"
        )
    good = form.good_output
    if not good.strip():
        raise AuthoringError("give one acceptable output (or run your prompt to get one)")
    grade = grade_candidate(form, good)
    if grade.deterministic_verdict is not True:
        raise AuthoringError(
            f"your acceptable output fails your own checks: {_rejection(grade)}. "
            "Fix the check or the output."
        )
    try:
        bad = derive_bad(form, good, _checks(form), _context(form))
    except ValueError as error:
        raise AuthoringError(str(error)) from None
    exercise_id = new_id(form.title, taken)
    return Built(exercise_id, exercise_toml(exercise_data(form, exercise_id, good, bad)), bad)


def _prove_file(path: Path) -> None:
    exercise, problems = load_exercise(path, str(path))
    if exercise is None:
        raise AuthoringError(
            "; ".join(p.message if not p.field else f"{p.field}: {p.message}" for p in problems)
        )
    found = prove(LoadedExercise(exercise, path, str(path.parent), private=True), trusted=False)
    if found:
        raise AuthoringError("; ".join(problem.message for problem in found))


def _ids_in(directory: Path) -> set[str]:
    """Ids already used in the folder (file names and declared ids, so renamed files count)."""
    taken: set[str] = set()
    for path in directory.rglob("*.toml"):
        taken.add(path.stem)
        exercise, _ = load_exercise(path, str(path))
        if exercise is not None:
            taken.add(exercise.id)
    return taken


def save(form: TaskForm, *, taken: Collection[str] = (), directory: Path | None = None) -> Saved:
    """Prove the form's exercise and write it to the learner's private folder.

    `taken` holds ids already in the catalog (built-in and packs), so the new
    id clashes with none of them either. Raises AuthoringError.
    """
    directory = directory or private_pack_dir()
    directory.mkdir(parents=True, exist_ok=True)
    built = build(form, {*taken, *_ids_in(directory)})
    exercise_id = built.exercise_id
    final = directory / f"{exercise_id}.toml"
    # Not *.toml, so a catalog loading meanwhile never sees a half-proved file.
    handle, temp_name = tempfile.mkstemp(prefix=f".{exercise_id}.", suffix=".tmp", dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(built.text)
            file.flush()
            os.fsync(file.fileno())
        _prove_file(temp)
        try:
            os.link(temp, final)  # atomic, and fails rather than overwrite
        except FileExistsError:
            raise AuthoringError(f"{final} already exists; nothing was overwritten") from None
    finally:
        temp.unlink(missing_ok=True)
    return Saved(exercise_id, final, built.bad)
