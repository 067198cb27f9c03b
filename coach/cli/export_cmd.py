"""`coach export` (capability records as CSV, JSON or HTML) and `coach verify`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

import click

if TYPE_CHECKING:
    from coach.export.orgkey import OrgKey
    from coach.store.records import LearnerRecord

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
@click.option(
    "--learner", "learner_id", help="One learner, by id or name (`coach learners` lists them)."
)
@click.option("--team", is_flag=True, help="Everyone in the database.")
@click.option(
    "--since",
    "since",
    help="Figures over attempts from this date (YYYY-MM-DD) on. The level still comes "
    "from every attempt, so the JSON also carries the earlier ones, their text left out.",
)
@click.option(
    "--include-prompts", is_flag=True, help="Include prompt and output text (left out by default)."
)
@click.option(
    "--unsigned",
    is_flag=True,
    help="JSON: do not sign (no organisation key needed; `coach verify` will say so).",
)
def export(
    fmt: str,
    out: Path,
    learner_id: str | None,
    team: bool,
    since: str | None,
    include_prompts: bool,
    unsigned: bool,
) -> None:
    """Export capability records: level, gap, evidence, judgment, history, sprints.

    Default scope: you (the learner in the config). JSON is signed with the
    organisation's key (`coach keys export-signing-public` prints its public half).
    """
    import sqlalchemy as sa

    from coach.config import ConfigError, load_config
    from coach.content import all_sources, load_catalog
    from coach.export import build_export, write_csv, write_html, write_json
    from coach.export.signing import seal_key
    from coach.runtime.learner import current_learner
    from coach.store import open_store
    from coach.store.schema import attempts

    if team and learner_id is not None:
        _fail("use --learner or --team, not both")
    start = _since(since)
    key = _signing_key() if fmt == "json" and not unsigned else None
    try:
        config = load_config()
    except ConfigError as error:
        _fail(str(error))
    catalog = load_catalog(all_sources(config.pack_dirs()))
    with open_store(config.effective_database_url()) as store:
        if team:
            learners = store.list_learners()
        elif learner_id is not None:
            learners = [_find_learner(store.list_learners(), learner_id)]
        else:
            learners = [current_learner(store, config)]
        with store.engine.connect() as conn:
            n_attempts = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar()
        big = len(learners) > PROGRESS_OVER or (n_attempts or 0) > PROGRESS_OVER
        with click.progressbar(
            length=len(learners),
            label="Exporting",
            file=sys.stderr if big else cast(TextIO, _Null()),
        ) as bar:
            result = build_export(
                store,
                catalog,
                learners,
                since=start,
                include_prompts=include_prompts,
                with_chain=fmt == "json",
                on_learner=lambda _person: bar.update(1),
                seal_key=None if key is None else seal_key(key),
            )
    max_level = max((lv.number for lv in catalog.levels), default=6)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(result, out)
    elif fmt == "json":
        write_json(result, out, key)
    else:
        write_html(result, out, max_level)
    signed = f", signed with key {key.key_id}" if key is not None else ""
    people = "1 person" if len(result.learners) == 1 else f"{len(result.learners)} people"
    click.echo(f"wrote {out} ({people}, {fmt}{signed})")


def _count(n: int, noun: str) -> str:
    """'1 learner', '2 learners'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _find_learner(people: list[LearnerRecord], which: str) -> LearnerRecord:
    """The learner `which` names: an id, else a name (case-insensitive, must be unique)."""
    if which.strip().isdigit():
        found = next((p for p in people if p.id == int(which)), None)
        if found is not None:
            return found
    named = [p for p in people if p.name.casefold() == which.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(str(p.id) for p in named)
        _fail(f"{len(named)} learners are named {which!r} (ids {ids}): use the id")
    _fail(f"no learner with id or name {which!r}; `coach learners` lists them")


def _signing_key() -> OrgKey:
    """The organisation key; created in the keyring on first use when there is one."""
    from coach.export.orgkey import SigningKeyError, find_org_key, new_org_key, where_to_keep
    from coach.keys import keyring_available

    try:
        key = find_org_key()
        if key is None and keyring_available():
            key = new_org_key()
            click.echo(
                f"Created the organisation's export signing key (key id {key.key_id}) in "
                f"{where_to_keep()}. Managers verify with its public half: "
                "`coach keys export-signing-public`.",
                err=True,
            )
    except SigningKeyError as error:
        _fail(str(error))
    if key is None:
        _fail(
            "no export signing key, and no system keyring to keep a new one in: create "
            "one with `coach keys export-signing-new --file PATH` and set "
            "COACH_EXPORT_SIGNING_KEY_FILE=PATH, or export with --unsigned"
        )
    return key


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
@click.option(
    "--public-key",
    "public_key",
    help="The organisation's public key (ed25519:…, or a file holding it); "
    "default: the public half of the key kept here.",
)
@click.option(
    "--allow-unsigned", is_flag=True, help="Check an unsigned export's consistency anyway."
)
def verify(file: Path, public_key: str | None, allow_unsigned: bool) -> None:
    """Check a JSON export: its signature, every attempt chain and seal, and every
    headline figure against a replay of the attempts in the file."""
    from coach.export import verify_file
    from coach.export.orgkey import SigningKeyError, find_org_key, parse_public_key

    try:
        trusted = parse_public_key(public_key) if public_key else None
    except SigningKeyError as error:
        _fail(str(error))
    try:
        org_key = find_org_key()
    except SigningKeyError as error:
        if trusted is None:
            _fail(str(error))
        click.echo(f"note: the key kept here is not used: {error}", err=True)
        org_key = None
    result = verify_file(file, trusted=trusted, org_key=org_key, allow_unsigned=allow_unsigned)
    if not result.ok:
        click.echo(f"FAILED: {result.first}", err=True)
        if len(result.issues) > 1:
            click.echo(f"({_count(len(result.issues), 'learner')} with problems)", err=True)
        sys.exit(1)
    signed = (
        f"signed by the organisation's key {result.signed_by}" if result.signed_by else "NOT signed"
    )
    click.echo(
        f"OK: {signed}; {_count(result.learners, 'learner')}, "
        f"{_count(result.attempts, 'attempt')}; every chain "
        "links, every headline figure matches a replay of the attempts"
        + ("; every seal holds." if result.seals_checked else ".")
    )
    for note in result.notes:
        click.echo(f"note: {note}")
