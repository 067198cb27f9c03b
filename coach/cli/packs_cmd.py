"""`coach packs`: which exercise packs are loaded, and which may run python checks.

Built-in content is trusted. Any other pack runs declarative checks only
until you trust it by path; trust is recorded with a hash of the pack's
files, so a pack that changes must be trusted again.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from coach.sanitise import sanitise


def _configured() -> list[Path]:
    """Pack folders from the config and `COACH_EXERCISE_PATH` (a broken config lists none)."""
    from coach.config import ConfigError, load_config
    from coach.content.sources import env_pack_dirs

    try:
        config = load_config()
        dirs = config.pack_dirs()
    except ConfigError as error:
        click.echo(sanitise(f"warning: {error} (no packs from the config)"), err=True)
        dirs = []
    return [*dirs, *env_pack_dirs()]


@click.group()
def packs() -> None:
    """Exercise packs and their trust (python checks run only in trusted packs)."""


@packs.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_packs(as_json: bool) -> None:
    """The packs coach loads, and every trusted one, with its trust state."""
    from coach.config.trust import key, load_records, state
    from coach.content.sources import private_source
    from graders.isolation import describe

    records = load_records()
    folders: dict[str, str] = {}
    for directory in _configured():
        folders.setdefault(key(directory), "loaded")
    private = private_source().root
    folders.setdefault(str(private), "your own exercises")
    for path in records:
        folders.setdefault(path, "trusted, not loaded")
    rows = []
    for path, why in folders.items():
        exists = Path(path).is_dir()
        trust = state(Path(path), records) if exists else None
        rows.append(
            {
                "path": path,
                "loaded": why != "trusted, not loaded",
                "exists": exists,
                "trust": str(trust) if trust is not None else "missing",
            }
        )
    isolation = describe()
    if as_json:
        report = {
            "builtin": "trusted",
            "packs": rows,
            "isolation": {"kind": isolation.kind, "detail": isolation.detail},
        }
        click.echo(json.dumps(report, indent=2))
        return
    click.echo("built-in content: trusted")
    for row in rows:
        where = "" if row["loaded"] else "  (not loaded: not in the config's packs)"
        state_text = row["trust"] if row["exists"] else "folder missing"
        click.echo(sanitise(f"{row['path']}: {state_text}{where}"))
    click.echo(sanitise(f"python checks run with: {isolation.detail}"))
    if any(row["trust"] != "trusted" and row["exists"] for row in rows):
        click.echo("Trust a pack you have read: `coach packs trust PATH`.")


@packs.command("trust")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def trust_pack(path: Path) -> None:
    """Let the pack at PATH run its python checks (sandboxed), as its files are now."""
    from coach.config.trust import trust
    from coach.packfiles import PackFileError

    try:
        record = trust(path)
    except PackFileError as error:
        raise click.ClickException(sanitise(str(error))) from None
    click.echo(
        sanitise(
            f"Trusted {record.path} ({record.files} files, sha256 {record.sha256[:12]}…). "
            "If any file in it changes, trust it again."
        )
    )


@packs.command("untrust")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def untrust_pack(path: Path) -> None:
    """Stop trusting the pack at PATH: its python checks are unscored from now on."""
    from coach.config.trust import key, untrust

    if untrust(path):
        click.echo(sanitise(f"{key(path)} is no longer trusted."))
    else:
        click.echo(sanitise(f"{key(path)} was not trusted."))
