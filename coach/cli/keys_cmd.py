"""`coach keys`: store, remove and check API keys. Keys are never echoed or logged.

A key is never taken as a command-line argument (it would land in shell
history and in `ps` output): `keys set` prompts with hidden input, or reads
standard input when it is not a terminal or `--stdin` is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

from coach.keys import (
    PROVIDERS,
    SERVICE,
    KeyringUnavailable,
    KeysError,
    UnknownProvider,
    delete_key,
    key_status,
    keyring_available,
    provider_name,
    set_key,
)


class ProviderType(click.ParamType):
    name = "provider"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return provider_name(value)
        except UnknownProvider as error:
            self.fail(str(error), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(p) for p in PROVIDERS if p.startswith(incomplete.lower())]


PROVIDER = ProviderType()


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _fail(ctx: click.Context, message: str) -> None:
    click.echo(message, err=True)
    ctx.exit(1)


@click.group()
def keys() -> None:
    """Manage API keys (kept in the system keyring; environment variables win)."""


@keys.command(name="set")
@click.argument("provider", type=PROVIDER)
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the key from standard input.")
@click.pass_context
def set_(ctx: click.Context, provider: str, from_stdin: bool) -> None:
    """Store PROVIDER's API key in the system keyring.

    Prompts with hidden input; with --stdin, or when input is piped, reads it
    from standard input (e.g. `pass show openai | coach keys set openai`).
    """
    variable = PROVIDERS[provider]
    if not keyring_available():
        _fail(ctx, str(KeyringUnavailable(provider)))
        return
    if from_stdin or not _stdin_is_tty():
        if _stdin_is_tty():
            click.echo("Paste the key, then press Enter and Ctrl-D.", err=True)
        secret = sys.stdin.read()
    else:
        secret = click.prompt(
            f"Paste the {provider} API key (input hidden)", hide_input=True, show_default=False
        )
    try:
        hint = set_key(provider, secret)
    except KeysError as error:
        _fail(ctx, str(error))
        return
    click.echo(f"Saved the {provider} key ({hint}) in the system keyring (service {SERVICE!r}).")
    if any(row.source == "environment" for row in key_status([provider])):
        click.echo(f"Note: {variable} is set in this environment and wins over the keyring.")


@keys.command()
@click.argument("provider", type=PROVIDER)
@click.pass_context
def delete(ctx: click.Context, provider: str) -> None:
    """Remove PROVIDER's key from the system keyring."""
    variable = PROVIDERS[provider]
    if not keyring_available():
        _fail(
            ctx,
            f"No system keyring is available here, so none holds a key for {provider}. "
            f"If coach still finds one, it comes from the {variable} environment variable.",
        )
        return
    try:
        deleted = delete_key(provider)
    except KeysError as error:
        _fail(ctx, str(error))
        return
    if deleted:
        click.echo(f"Deleted the {provider} key from the system keyring.")
    else:
        click.echo(f"The system keyring holds no {provider} key.")
    if any(row.source == "environment" for row in key_status([provider])):
        click.echo(f"Note: {variable} is still set in this environment; coach will use it.")


@keys.command()
@click.argument("providers", nargs=-1, type=PROVIDER)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(providers: tuple[str, ...], as_json: bool) -> None:
    """Show where each provider's key comes from (never the key; a masked hint at most)."""
    rows = key_status(list(providers) or None)
    available = keyring_available()
    if as_json:
        report = {"keyring_available": available, "keys": [row.as_dict() for row in rows]}
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    header = ("provider", "variable", "source", "hint")
    table = [header, *((r.provider, r.env_var, r.source, r.hint or "") for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        click.echo("  ".join(cells).rstrip())
    for row in rows:
        if row.note:
            click.echo(f"{row.provider}: {row.note}")
    if not available:
        click.echo(
            "No system keyring is available here: set keys with the environment variables above."
        )


# --- the organisation's export signing key ------------------------------------


@keys.command("export-signing-public")
@click.pass_context
def export_signing_public(ctx: click.Context) -> None:
    """Print the public half of the organisation's export signing key.

    Managers pass it to `coach verify --public-key`. The private key is never shown.
    """
    from coach.export.orgkey import ENV_FILE, ENV_KEY, SigningKeyError, find_org_key

    try:
        key = find_org_key()
    except SigningKeyError as error:
        _fail(ctx, str(error))
        return
    if key is None:
        where = "the system keyring" if keyring_available() else "here (no system keyring)"
        _fail(
            ctx,
            f"No export signing key in {where}, {ENV_KEY} or {ENV_FILE}. Create one with "
            "`coach keys export-signing-new` (or the first signed `coach export` does).",
        )
        return
    click.echo(key.public_text)
    click.echo(f"key id {key.key_id}, kept in the {key.source}", err=True)


@keys.command("export-signing-new")
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the key in this file (mode 0600) instead of the system keyring.",
)
@click.option("--replace", is_flag=True, help="Replace an existing key (old exports then fail).")
@click.pass_context
def export_signing_new(ctx: click.Context, file: Path | None, replace: bool) -> None:
    """Create the organisation's export signing key (Ed25519) and print its public half."""
    from coach.export.orgkey import SigningKeyError, find_org_key, new_org_key

    try:
        existing = find_org_key() if file is None else None
        if (existing is not None or (file is not None and file.exists())) and not replace:
            _fail(ctx, "An export signing key exists already; --replace makes a new one.")
            return
        key = new_org_key(file)
    except SigningKeyError as error:
        _fail(ctx, str(error))
        return
    click.echo(key.public_text)
    click.echo(f"Created key {key.key_id} in the {key.source}.", err=True)


@keys.command("export-signing-import")
@click.option(
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the key in this file (mode 0600) instead of the system keyring.",
)
@click.pass_context
def export_signing_import(ctx: click.Context, file: Path | None) -> None:
    """Keep the organisation's signing key, read from standard input (base64), here too."""
    from coach.export.orgkey import SigningKeyError, import_org_key

    try:
        key = import_org_key(sys.stdin.readline(), file)
    except SigningKeyError as error:
        _fail(ctx, str(error))
        return
    click.echo(key.public_text)
    click.echo(f"Kept key {key.key_id} in the {key.source}.", err=True)
