"""The `coach` command. With no subcommand it opens the TUI."""

from __future__ import annotations

import click

from coach import __version__


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coach")
@click.pass_context
def main(ctx: click.Context) -> None:
    """coach: practise working with generative AI, graded on output and judgment.

    Run `coach` alone to open the practice app.
    """
    if ctx.invoked_subcommand is None:
        from coach.tui import run_app

        run_app()


def _register() -> None:
    from coach.cli import (
        ask_cmd,
        attempt_cmd,
        config_cmd,
        content_cmd,
        export_cmd,
        keys_cmd,
        models_cmd,
        simulate_cmd,
    )

    main.add_command(content_cmd.check)
    main.add_command(content_cmd.exercises)
    main.add_command(config_cmd.config)
    main.add_command(keys_cmd.keys)
    main.add_command(models_cmd.models)
    main.add_command(ask_cmd.ask)
    main.add_command(attempt_cmd.attempt)
    main.add_command(simulate_cmd.simulate)
    main.add_command(export_cmd.export)
    main.add_command(export_cmd.verify)


_register()
