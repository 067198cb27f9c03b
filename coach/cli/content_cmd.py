"""`coach check` and `coach exercises`: validate and browse the content."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from coach.config import Config, ConfigError, load_config
from coach.content import Catalog, Kind, Problem, all_sources, load_catalog
from coach.content.sources import BUILTIN


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

    trusted = set(config.trusted_pack_dirs())
    problems = []
    for loaded in catalog.exercises:
        is_trusted = loaded.source == BUILTIN or Path(loaded.source) in trusted
        problems += prove(loaded, trusted=is_trusted)
    return problems


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
def check(paths: tuple[Path, ...], as_json: bool) -> None:
    """Validate and prove levels, roles, all exercises and packs (PATHS: extra pack folders).

    Every exercise is proved: its reference output passes its checks, its
    known-bad output fails them, and each planted-error trap is caught.
    Exits 1 and names every problem (file, line, field) if anything is wrong.
    """
    config = _config()
    catalog = _catalog(paths, config)
    catalog.problems.extend(_proof_problems(catalog, config))
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
                }
                for loaded in catalog.exercises
            ],
            "problems": [
                {"file": p.file, "field": p.field, "message": p.message, "line": p.line}
                for p in catalog.problems
            ],
            "counts": _counts(catalog),
        }
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(
            f"{len(catalog.levels)} levels, {len(catalog.roles)} roles, "
            f"{len(catalog.exercises)} exercises loaded"
        )
        for level, kinds in _counts(catalog)["by_level"].items():
            detail = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
            click.echo(f"  level {level}: {sum(kinds.values())} ({detail})")
        for problem in catalog.problems:
            click.echo(f"  ✗ {problem}", err=True)
        if catalog.problems:
            click.echo(f"{len(catalog.problems)} problem(s) found", err=True)
        else:
            click.echo("all content is valid")
    sys.exit(0 if catalog.ok else 1)


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
    if as_json:
        rows = [
            {"id": e.id, "level": e.level, "kind": str(e.kind), "title": e.title} for e in chosen
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not chosen:
        click.echo("no exercises match")
        return
    width = max(len(e.id) for e in chosen)
    for exercise in chosen:
        click.echo(
            f"L{exercise.level}  {exercise.id:<{width}}  {exercise.kind:<12}  {exercise.title}"
        )


@exercises.command("show")
@click.argument("exercise_id")
@click.option("--json", "as_json", is_flag=True, help="Print the validated exercise as JSON.")
def show_exercise(exercise_id: str, as_json: bool) -> None:
    """Show one exercise, references included."""
    catalog = _catalog()
    exercise = catalog.exercise(exercise_id)
    if exercise is None:
        raise click.ClickException(
            f"no exercise {exercise_id!r}; `coach exercises list` shows the ids"
        )
    if as_json:
        click.echo(exercise.model_dump_json(indent=2, by_alias=True))
        return
    click.echo(f"{exercise.title}  [{exercise.id}, level {exercise.level}, {exercise.kind}]")
    click.echo()
    click.echo(exercise.brief.strip())
    for name, text in exercise.materials.items():
        click.echo(f"\n--- {name} ---\n{text.strip()}")
    click.echo(
        f"\n{len(exercise.checks)} check(s): " + ", ".join(c.grader for c in exercise.checks)
    )
