"""The `coach` command. With no subcommand it opens the TUI.

Subcommands are imported only when run (or listed by `--help`), so starting
the app pays for none of them.
"""

from __future__ import annotations

import importlib

import click

from coach import __version__

# command name → (module in coach.cli, attribute)
COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("ask_cmd", "ask"),
    "attempt": ("attempt_cmd", "attempt"),
    "calibrate": ("calibrate_cmd", "calibrate"),
    "check": ("content_cmd", "check"),
    "config": ("config_cmd", "config"),
    "exercises": ("content_cmd", "exercises"),
    "grade": ("grade_cmd", "grade"),
    "export": ("export_cmd", "export"),
    "keys": ("keys_cmd", "keys"),
    "learners": ("learners_cmd", "learners"),
    "models": ("models_cmd", "models"),
    "packs": ("packs_cmd", "packs"),
    "simulate": ("simulate_cmd", "simulate"),
    "sprint": ("sprint_cmd", "sprint"),
    "team": ("team_cmd", "team"),
    "verify": ("export_cmd", "verify"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        return getattr(importlib.import_module(f"coach.cli.{module}"), attribute)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="coach")
@click.pass_context
def main(ctx: click.Context) -> None:
    """coach: practise working with generative AI, graded on output and judgment.

    Run `coach` alone to open the practice app.
    """
    if ctx.invoked_subcommand is None:
        from coach.tui import run_app

        run_app()
