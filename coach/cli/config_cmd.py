"""`coach config`: where the settings live, what they are, and changing one."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from coach.config import (
    DATABASE_VARIABLE,
    ConfigError,
    config_path,
    display_path,
    load_config,
    mask_url,
    set_value,
    unset_value,
)


def _fail(ctx: click.Context, error: Exception) -> None:
    click.echo(str(error), err=True)
    ctx.exit(1)


@click.group()
def config() -> None:
    """Show or change settings (the config file is TOML; keys live in `coach keys`)."""


@config.command()
def path() -> None:
    """Print the config file's path (it may not exist yet)."""
    click.echo(str(config_path()))


@config.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of TOML.")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Print the effective settings, defaults included, and where they came from."""
    import tomli_w

    file = config_path()
    try:
        settings = load_config(file)
    except ConfigError as error:
        _fail(ctx, error)
        return
    table: dict[str, Any] = settings.model_dump(mode="json", exclude_none=True)
    notes = [f"config file: {display_path(file)}"]
    if not file.exists():
        notes.append("no config file yet: these are the defaults")
    env_url = os.environ.get(DATABASE_VARIABLE)
    if env_url:
        notes.append(f"database_url: from {DATABASE_VARIABLE}, which wins over the file")
    elif not settings.database_url:
        notes.append("database_url: the default (SQLite in the data folder)")
    table["database_url"] = mask_url(settings.effective_database_url())
    if as_json:
        click.echo(json.dumps({"source": str(file), "notes": notes, "config": table}, indent=2))
        return
    click.echo("".join(f"# {note}\n" for note in notes))
    click.echo(tomli_w.dumps(table), nl=False)


@config.command(name="set", context_settings={"ignore_unknown_options": True})
@click.argument("key")
@click.argument("value")
@click.pass_context
def set_(ctx: click.Context, key: str, value: str) -> None:
    """Set one setting: `coach config set spend_cap_usd 2.5`, `… learner.name Ana`.

    KEY is dotted for sections (learner.role) and maps (api_base.ollama/llama3.2).
    VALUE is taken as text or a number; write lists and tables in TOML syntax,
    e.g. '["~/packs/a", "~/packs/b"]'. The file is rewritten (comments are not kept).
    `coach config set coach_model openai/gpt-4o` turns on three suggestions from a
    coach model after each attempt (model-written, charged to the spend cap);
    `coach config unset coach_model` turns them off again.
    Never put an API key here: use `coach keys set PROVIDER`.
    """
    try:
        settings = set_value(key, value)
    except (ConfigError, ValueError) as error:
        _fail(ctx, error)
        return
    shown = _lookup(settings.model_dump(mode="json"), key)
    click.echo(f"{key} = {json.dumps(shown, ensure_ascii=False)}  ({display_path(config_path())})")


@config.command()
@click.argument("key")
@click.pass_context
def unset(ctx: click.Context, key: str) -> None:
    """Remove one setting from the file so its default applies again."""
    try:
        removed = unset_value(key)
    except (ConfigError, ValueError) as error:
        _fail(ctx, error)
        return
    if removed:
        click.echo(f"Removed {key}; the default applies.")
    else:
        click.echo(f"{key} was not set in {display_path(config_path())}.")


def _lookup(table: dict[str, Any], key: str) -> Any:
    top, _, rest = key.strip().partition(".")
    value: Any = table.get(top)
    if rest and isinstance(value, dict):
        value = value.get(rest) if rest in value else _lookup(value, rest)
    return value
