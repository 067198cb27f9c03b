"""`coach export` (capability records as CSV, JSON or HTML) and `coach verify`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

PROGRESS_OVER = 200  # learners or attempts: show a progress bar on stderr


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"--since {value!r} is not a date like 2026-03-01")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "html"]),
    required=True,
    help="csv: one row per person; json: full records with the hash chain; html: report.",
)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--learner", "learner_id", type=int, help="One learner, by id.")
@click.option("--team", is_flag=True, help="Everyone in the database.")
@click.option("--since", "since", help="Only attempts from this date (YYYY-MM-DD) on.")
@click.option(
    "--include-prompts", is_flag=True, help="Include prompt and output text (left out by default)."
)
def export(
    fmt: str,
    out: Path,
    learner_id: int | None,
    team: bool,
    since: str | None,
    include_prompts: bool,
) -> None:
    """Export capability records: level, gap, evidence, judgment, history, sprints.

    Default scope: you (the learner in the config).
    """
    import sqlalchemy as sa

    from coach.config import ConfigError, load_config
    from coach.content import all_sources, load_catalog
    from coach.export import build_export, write_csv, write_html, write_json
    from coach.runtime.learner import current_learner
    from coach.store import open_store
    from coach.store.schema import attempts

    if team and learner_id is not None:
        _fail("use --learner or --team, not both")
    start = _since(since)
    try:
        config = load_config()
    except ConfigError as error:
        _fail(str(error))
    catalog = load_catalog(all_sources(config.pack_dirs()))
    with open_store(config.effective_database_url()) as store:
        if team:
            learners = store.list_learners()
        elif learner_id is not None:
            found = store.get_learner(learner_id)
            if found is None:
                _fail(f"no learner with id {learner_id}")
            learners = [found]
        else:
            learners = [current_learner(store, config)]
        with store.engine.connect() as conn:
            n_attempts = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar()
        big = len(learners) > PROGRESS_OVER or (n_attempts or 0) > PROGRESS_OVER
        with click.progressbar(
            length=len(learners), label="Exporting", file=sys.stderr if big else _Null()
        ) as bar:
            result = build_export(
                store,
                catalog,
                learners,
                since=start,
                include_prompts=include_prompts,
                with_chain=fmt == "json",
                on_learner=lambda _person: bar.update(1),
            )
    max_level = max((lv.number for lv in catalog.levels), default=6)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(result, out)
    elif fmt == "json":
        write_json(result, out)
    else:
        write_html(result, out, max_level)
    click.echo(f"wrote {out} ({len(result.learners)} people, {fmt})")


class _Null:
    """A file that swallows the progress bar when the export is small."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Check a JSON export's schema and every learner's attempt hash chain."""
    from coach.export import verify_file

    result = verify_file(file)
    if not result.ok:
        click.echo(f"FAILED: {result.first}", err=True)
        if len(result.issues) > 1:
            click.echo(f"({len(result.issues)} learners have problems)", err=True)
        sys.exit(1)
    click.echo(
        f"OK: {result.learners} learners, {result.attempts} attempts; every chain links "
        "and matches its content."
    )
