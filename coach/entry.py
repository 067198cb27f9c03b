"""The `coach` console script.

A bare `coach` opens the app straight away: the command-line interface
(click and the subcommands' registry) loads only when a subcommand or an
option is given, so starting the app pays for none of it.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) == 1:
        from coach.tui import run_app

        run_app()
        return
    from coach.cli import main as cli

    cli()
