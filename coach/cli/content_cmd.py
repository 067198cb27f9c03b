"""`coach check` and `coach exercises`: validate and browse the content."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from coach.config import Config, ConfigError, load_config
from coach.content import Catalog, Kind, Problem, all_sources, load_catalog
from coach.sanitise import sanitise


def _config() -> Config:
    try:
        return load_config()
    except ConfigError as error:
        click.echo(f"warning: {error} (using the defaults: no packs from the config)", err=True)
        return Config()


def _catalog(extra_dirs: tuple[Path, ...] = (), config: Config | None = None) -> Catalog:
    """Built-in content plus packs from the config, `COACH_EXERCISE_PATH` and the command line."""
    config = config or _config()
    return load_catalog(all_sources([*config.pack_dirs(), *extra_dirs]))


def _proof_problems(catalog: Catalog, config: Config) -> list[Problem]:
    """Each exercise's reference must pass, its known-bad output fail, its traps be caught."""
    from coach.runtime.prove import prove

    problems = []
    for loaded in catalog.exercises:
        # The loader marked each exercise with its pack's trust (`coach packs trust`).
        problems += prove(loaded, trusted=loaded.trusted)
    return problems


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@click.option("--quick", is_flag=True, help="Prove each generated family on fewer seeds.")
def check(paths: tuple[Path, ...], as_json: bool, quick: bool) -> None:
    """Validate and prove levels, roles, all exercises and packs (PATHS: extra pack folders).

    Every exercise is proved: its reference output passes its checks, its
    known-bad output fails them, and each planted-error trap is caught.
    Exits 1 and names every problem (file, line, field) if anything is wrong.
    """
    config = _config()
    catalog = _catalog(paths, config)
    catalog.problems.extend(_proof_problems(catalog, config))
    catalog.problems.extend(_family_problems(catalog, quick))
    if as_json:
        report = {
            "ok": catalog.ok,
            "levels": len(catalog.levels),
            "roles": len(catalog.roles),
            "exercises": [
                {
                    "id": loaded.exercise.id,
                    "level": loaded.exercise.level,
                    "kind": str(loaded.exercise.kind),
                    "title": loaded.exercise.title,
                    "source": loaded.source,
                    "private": loaded.private,
                }
                for loaded in catalog.exercises
            ],
            "problems": [
                {"file": p.file, "field": p.field, "message": p.message, "line": p.line}
                for p in catalog.problems
            ],
            "counts": _counts(catalog),
            "families": [_family_row(family) for family in catalog.families],
        }
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(
            f"{len(catalog.levels)} levels, {len(catalog.roles)} roles, "
            f"{len(catalog.exercises)} exercises loaded, {len(catalog.families)} generated families"
        )
        for level, kinds in _counts(catalog)["by_level"].items():
            detail = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
            click.echo(f"  level {level}: {sum(kinds.values())} ({detail})")
        for problem in catalog.problems:
            click.echo(sanitise(f"  ✗ {problem}"), err=True)
        _isolation_note(catalog)
        if catalog.problems:
            click.echo(f"{len(catalog.problems)} problem(s) found", err=True)
        else:
            click.echo("all content is valid")
    sys.exit(0 if catalog.ok else 1)


def _family_problems(catalog: Catalog, quick: bool) -> list[Problem]:
    """Each generated family proven over many seeds (every shipped version)."""
    from coach.runtime.prove_families import QUICK_SEEDS, SEEDS, prove_families

    return prove_families(catalog.families, QUICK_SEEDS if quick else SEEDS)


def _family_row(family: Any) -> dict[str, Any]:
    return {
        "id": family.item_id,
        "level": family.level,
        "kind": str(family.kind),
        "title": family.title,
        "version": family.version,
        "versions": sorted(family.versions),
        "instances": family.instance_count,
        "source": family.source,
    }


def _python_exercises(catalog: Catalog) -> list[str]:
    return [
        loaded.exercise.id
        for loaded in catalog.exercises
        if any(check.grader == "python" for check in loaded.exercise.checks)
    ]


def _isolation_note(catalog: Catalog) -> None:
    """Say how python checks are isolated here, when any exercise has one."""
    if not _python_exercises(catalog):
        return
    from graders.isolation import describe

    isolation = describe()
    if isolation.isolated:
        click.echo(f"python checks run isolated: {isolation.detail}")
    else:
        click.echo(f"warning: python checks run WITHOUT OS isolation: {isolation.detail}", err=True)


def _counts(catalog: Catalog) -> dict[str, dict]:
    """Exercises per level (and kind within it) and per kind."""
    by_level: dict[str, dict[str, int]] = {}
    by_kind: dict[str, int] = {}
    for loaded in sorted(catalog.exercises, key=lambda e: e.exercise.level):
        exercise = loaded.exercise
        kinds = by_level.setdefault(str(exercise.level), {})
        kinds[str(exercise.kind)] = kinds.get(str(exercise.kind), 0) + 1
        by_kind[str(exercise.kind)] = by_kind.get(str(exercise.kind), 0) + 1
    return {"by_level": by_level, "by_kind": by_kind}


@click.group()
def exercises() -> None:
    """Browse the exercise library."""


@exercises.command("list")
@click.option("--level", type=click.IntRange(1, 12), help="Only this level.")
@click.option("--kind", type=click.Choice([k.value for k in Kind]), help="Only this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_exercises(level: int | None, kind: str | None, as_json: bool) -> None:
    """List exercises, by level."""
    catalog = _catalog()
    chosen = [
        loaded.exercise
        for loaded in catalog.exercises
        if (level is None or loaded.exercise.level == level)
        and (kind is None or loaded.exercise.kind == kind)
    ]
    chosen.sort(key=lambda ex: (ex.level, ex.id))
    families = [
        family
        for family in catalog.families
        if (level is None or family.level == level) and (kind is None or family.kind == kind)
    ]
    if as_json:
        rows = [
            {
                "id": e.id,
                "level": e.level,
                "kind": str(e.kind),
                "title": e.title,
                "private": e.private,
            }
            for e in chosen
        ]
        rows += [_family_row(family) for family in families]
        click.echo(json.dumps(rows, indent=2))
        return
    if not chosen and not families:
        click.echo("no exercises match")
        return
    width = max([len(e.id) for e in chosen] + [len(f.item_id) for f in families])
    for exercise in chosen:
        yours = "  (yours, practice only)" if exercise.private else ""
        click.echo(
            f"L{exercise.level}  {exercise.id:<{width}}  {exercise.kind:<12}  "
            f"{sanitise(exercise.title)}{yours}"
        )
    if families:
        click.echo("\nGenerated families (`coach exercises show FAMILY --seed N`):")
    for family in families:
        click.echo(
            f"L{family.level}  {family.item_id:<{width}}  {family.kind:<12}  "
            f"{sanitise(family.title)}  ({family.instance_count:,}+ instances, v{family.version})"
        )


@exercises.command("show")
@click.argument("exercise_id")
@click.option("--json", "as_json", is_flag=True, help="Print the validated exercise as JSON.")
@click.option("--seed", type=click.IntRange(0), help="For a family: the instance to show.")
def show_exercise(exercise_id: str, as_json: bool, seed: int | None) -> None:
    """Show one exercise (or one instance of a family), references included."""
    catalog = _catalog()
    exercise = family_instance(catalog, exercise_id, seed) or catalog.exercise(exercise_id)
    if exercise is None:
        raise click.ClickException(
            f"no exercise {exercise_id!r}; `coach exercises list` shows the ids"
        )
    if as_json:
        # ASCII-escaped: a pack's C1 or bidi characters reach the terminal as \uXXXX only.
        click.echo(json.dumps(exercise.model_dump(mode="json", by_alias=True), indent=2))
        return
    click.echo(
        f"{sanitise(exercise.title)}  [{exercise.id}, level {exercise.level}, {exercise.kind}]"
    )
    click.echo()
    click.echo(sanitise(exercise.brief.strip()))
    for name, text in exercise.materials.items():
        click.echo(f"\n--- {sanitise(name)} ---\n{sanitise(text.strip())}")
    click.echo(
        f"\n{len(exercise.checks)} check(s): " + ", ".join(c.grader for c in exercise.checks)
    )
    from coach.content.families import resolve

    if (instance := resolve(catalog.families, exercise.id)) is not None:
        knobs = ", ".join(f"{name} {value}" for name, value in instance.features.items())
        click.echo(f"fam.{instance.family} v{instance.version}, seed {instance.seed}: {knobs}")
    for line in reference_lines(exercise.reference):
        click.echo(sanitise(line))


def reference_lines(reference: Any) -> list[str]:
    """The references as text: solution, good and bad outputs, hints, the explanation."""
    sections: list[tuple[str, str]] = []
    if reference.solution:
        sections.append(("reference solution", reference.solution))
    if reference.good_output:
        sections.append(("good output", reference.good_output))
    sections += [("also good", text) for text in reference.also_good]
    if reference.bad_output:
        sections.append(("bad output", reference.bad_output))
    sections += [(f"good output for {key}", text) for key, text in reference.good_outputs.items()]
    sections += [(f"bad output for {key}", text) for key, text in reference.bad_outputs.items()]
    sections += [(f"hint {n}", text) for n, text in enumerate(reference.hints, 1)]
    sections.append(("why", reference.explain))
    lines: list[str] = []
    for name, text in sections:
        lines += ["", f"--- {name} ---", text.strip()]
    return lines


def family_instance(catalog: Catalog, name: str, seed: int | None) -> Any | None:
    """The instance `seed` (default 0) of the family `name` (`fam.x` or `x`), if it names one."""
    from coach.content.families import find_family, parse_family_id

    family = find_family(catalog.families, parse_family_id(name) or name)
    if family is None:
        return None
    return family.generate(0 if seed is None else seed).exercise


# --- coach exercises new -----------------------------------------------------------

FILE_PREFIX = "@"  # "@notes.txt" reads the answer from a file


def _read_answer(value: str) -> str:
    """A typed answer, or the text of the file it names with a leading @."""
    if value.startswith(FILE_PREFIX) and len(value) > 1:
        path = Path(value[1:]).expanduser()
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise click.ClickException(f"cannot read {path}: {error}") from None
    return value


def _learner_level(config: Config) -> int:
    """The learner's current level, the default for a new exercise (1 if unknown)."""
    from coach.engine.placement import start_level
    from coach.runtime.learner import current_learner
    from coach.runtime.recording import current_standing
    from coach.store import open_store

    try:
        with open_store(config.effective_database_url()) as store:
            level = current_standing(store, current_learner(store, config)).level
    except Exception:  # no readable record: a new exercise still needs a level
        level = None
    return level if level is not None else start_level(None)


def _draft_file() -> Path:
    from coach.paths import data_dir

    return data_dir() / "own-task-draft.json"


def _ask(answers: dict, key: str, question: str, *, required: bool = False) -> None:
    """Prompt for one field unless a flag or the draft gave it; @file reads a file."""
    if answers.get(key) not in (None, "", [], 0):
        return
    hint = " (text, or @file)" if key in {"task", "materials", "good_output"} else ""
    shown_default = None if required else ""
    value = click.prompt(f"{question}{hint}", default=shown_default, show_default=False)
    answers[key] = _read_answer(value.strip()) if isinstance(value, str) else value


@exercises.command("new")
@click.option("--title", help="A short name for the task.")
@click.option("--level", type=click.IntRange(1, 6), help="Level (default: yours).")
@click.option("--task", help="The brief: who needs what, in what form (@file reads a file).")
@click.option("--materials-file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--must-contain", multiple=True, help="A phrase a good output contains.")
@click.option("--contains-any", multiple=True, help="One of these phrases must appear.")
@click.option("--json-keys", help="The output is a JSON object with these keys (commas).")
@click.option("--must-not-mention", multiple=True, help="A phrase a good output never has.")
@click.option("--min-words", type=click.IntRange(1), help="At least this many words.")
@click.option("--max-words", type=click.IntRange(1), help="At most this many words.")
@click.option("--regex", help="A pattern the output must match.")
@click.option("--rubric", help="A rubric in words (model-graded; unscored without a judge).")
@click.option("--good-file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--prompt-file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from-draft",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Start from the answers a failed run saved.",
)
@click.option("--no-input", is_flag=True, help="Never prompt: take everything from the flags.")
def new_exercise(from_draft: Path | None, no_input: bool, **flags: object) -> None:
    """Turn a task from your own work into a private exercise.

    Asks for the task, the materials, what a good output must satisfy and one
    acceptable output; proves the exercise like `coach check` does (the
    acceptable output passes, a derived bad one fails) and saves it in your
    own folder. Your own exercises are practice: they never count towards your level.
    """
    from pydantic import ValidationError

    from coach.authoring import AuthoringError, TaskForm, save

    answers: dict = {}
    if from_draft is not None:
        try:
            answers = json.loads(from_draft.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise click.ClickException(f"cannot read the draft {from_draft}: {error}") from None
    for key, file_key in (
        ("materials", "materials_file"),
        ("good_output", "good_file"),
        ("prompt", "prompt_file"),
    ):
        path = flags.pop(file_key)
        if path is not None:
            answers[key] = _read_answer(f"{FILE_PREFIX}{path}")
    if flags.get("task"):
        flags["task"] = _read_answer(str(flags["task"]))
    for key, value in flags.items():
        if value not in (None, ()):
            answers[key] = list(value) if isinstance(value, tuple) else value
    config = _config()
    # Everything needed came from flags or the draft: run without questions.
    complete = all(answers.get(key) for key in ("title", "task", "good_output"))
    if not no_input and not complete:
        _ask(answers, "title", "Title", required=True)
        _ask(answers, "task", "The task: who needs what, in what form", required=True)
        _ask(answers, "materials", "Materials to paste (empty for none)")
        _ask(answers, "must_contain", "Must contain (phrases, commas between)")
        _ask(answers, "json_keys", "JSON object with these keys (commas between, empty for none)")
        _ask(answers, "must_not_mention", "Must not mention (phrases, commas between)")
        if not answers.get("min_words") and not answers.get("max_words"):
            answers["max_words"] = click.prompt(
                "At most how many words (0 for no limit)", type=click.IntRange(0), default=0
            )
        _ask(answers, "rubric", "A rubric in words (optional; model-graded)")
        _ask(answers, "good_output", "One acceptable output", required=True)
    answers = {key: value for key, value in answers.items() if value not in (None, 0)}
    answers.setdefault("level", _learner_level(config))
    try:
        form = TaskForm.model_validate(answers)
        saved = save(form, taken={e.exercise.id for e in _catalog(config=config).exercises})
    except (ValidationError, AuthoringError) as error:
        draft = _draft_file()
        draft.parent.mkdir(parents=True, exist_ok=True)
        draft.write_text(json.dumps(answers, indent=2, ensure_ascii=False), encoding="utf-8")
        message = error if isinstance(error, AuthoringError) else _form_problems(error)
        click.echo(f"not saved: {message}", err=True)
        click.echo(
            f"Your answers are kept in {draft}; fix them and run "
            f"`coach exercises new --from-draft {draft}`.",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Saved as {saved.exercise_id} in {saved.path}")
    click.echo(
        f"Proved: your acceptable output passes every check; the derived bad output "
        f"({saved.bad.what}) fails."
    )
    click.echo(
        "Practise it in the app; your own exercises are practice and never count "
        "towards your level."
    )


def _form_problems(error: object) -> str:
    details = error.errors()  # type: ignore[attr-defined]
    return "; ".join(
        f"{'.'.join(str(p) for p in d['loc']) or 'form'}: {d['msg'].removeprefix('Value error, ')}"
        for d in details
    )
