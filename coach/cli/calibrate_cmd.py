"""`coach calibrate`: estimate each exercise's difficulty from the store's attempts."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click


def default_path() -> Path:
    """Where the engine reads it (`COACH_CALIBRATION`, else the data folder)."""
    from coach.runtime.calibration import calibration_path

    return calibration_path()


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _flags(item: Any) -> str:
    return ",".join(item.flags) or "-"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def format_table(report: Any, max_se: float) -> str:
    head = (
        f"{'exercise':<44} {'lvl':>3} {'n':>5} {'pass':>5} {'authored':>8} {'b':>6} "
        f"{'se':>5} {'infit':>5} {'outfit':>6} {'a':>5}  flags"
    )
    lines = [head, "-" * len(head)]
    for item in report.items:
        lines.append(
            f"{item.exercise_id[:44]:<44} {item.level:>3} {item.n:>5} {item.p_correct:>5.2f} "
            f"{item.authored_b:>8.2f} {_num(item.b):>6} {_num(item.se):>5} "
            f"{_num(item.infit):>5} {_num(item.outfit):>6} {_num(item.discrimination):>5}  "
            f"{_flags(item)}"
        )
    used = sum(1 for i in report.items if i.se is not None and i.se <= max_se)
    lines.append("")
    lines.append(
        f"{report.responses} first attempts by {report.learners} learners; "
        f"{len(report.items)} exercises with enough attempts, {used} precise enough "
        f"(se <= {max_se}) to replace the authored difficulty. Flags: infit/outfit outside "
        "0.7-1.3, all_pass, all_fail."
    )
    return "\n".join(lines)


@click.command()
@click.option("--since", default=None, help="Only attempts finished on or after this date.")
@click.option(
    "--min-attempts",
    default=20,
    show_default=True,
    type=click.IntRange(min=2),
    help="Estimate exercises with at least this many first attempts.",
)
@click.option(
    "--max-se",
    default=0.5,
    show_default=True,
    type=click.FloatRange(min=0.0),
    help="The engine uses a calibrated difficulty only when its standard error is at most this.",
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Calibration file.")
@click.option("--database", default=None, help="Store URL (default: the configured store).")
@click.option("--dry-run", is_flag=True, help="Report only; write no file.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def calibrate(
    since: str | None,
    min_attempts: int,
    max_se: float,
    out: Path | None,
    database: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Estimate exercise difficulties (Rasch, with standard errors) from real attempts.

    Reads every learner's first attempts on shared exercises (own exercises,
    repeats and weak-model failures are left out), flags misfitting exercises
    and those everyone passes or fails, and writes a calibration file the
    engine uses in place of the authored difficulty where the standard error
    is small.
    """
    from coach.engine.calibration import calibrate as run
    from coach.engine.calibration import calibration_file, responses_from_history
    from coach.runtime.evidence import evidence_of
    from coach.store import open_store

    start = _since(since)
    url = database
    if url is None:
        from coach.config import ConfigError, load_config

        try:
            url = load_config().effective_database_url()
        except ConfigError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
    responses = []
    with open_store(url) as store:
        for learner in store.list_learners():
            records = store.attempts(learner.id, since=start)
            history = (evidence_of(record) for record in records)
            responses += responses_from_history(str(learner.id), history)
    report = run(responses, min_attempts=min_attempts)
    path = out or default_path()
    if not dry_run:
        data = calibration_file(report, datetime.now(UTC), max_se=max_se)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data.model_dump(mode="json"), indent=2, sort_keys=True))
    if as_json:
        payload = report.model_dump(mode="json")
        payload["file"] = None if dry_run else str(path)
        payload["max_se"] = max_se
        click.echo(json.dumps(payload, indent=2, sort_keys=True))
        return
    click.echo(format_table(report, max_se))
    if not dry_run:
        click.echo(f"Wrote {path}")
