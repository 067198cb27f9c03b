"""`coach ask`: send one prompt to a model and stream the answer to stdout.

The answer goes to stdout as it arrives, with terminal control sequences
stripped (model output is text). Problems go to stderr as a plain message and
a fix, with exit status 1; never a traceback. Ctrl-C stops the answer (exit
130). coach.llm (and so litellm) is imported only when the command runs, so
`coach --help` stays fast.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from coach.llm import ModelSpec, SpendTracker

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


class _Printer:
    """Writes cleaned pieces to stdout and remembers whether a line is left open."""

    def __init__(self) -> None:
        from coach.llm import StreamCleaner

        self._cleaner = StreamCleaner()
        self.line_open = False

    def write(self, piece: str) -> None:
        self._emit(self._cleaner.feed(piece))

    def finish(self) -> None:
        self._emit(self._cleaner.flush())
        if self.line_open:
            click.echo("")
            self.line_open = False

    def _emit(self, text: str) -> None:
        from coach.sanitise import sanitise

        text = sanitise(text)  # the cleaner kept sequences whole; bidi and invisibles go too
        if text:
            click.echo(text, nl=False)
            self.line_open = not text.endswith("\n")


def _fail(message: str, fix: str = "") -> None:
    from coach.sanitise import sanitise

    click.echo(sanitise(f"Error: {message}"), err=True)
    if fix:
        click.echo(sanitise(fix), err=True)
    sys.exit(EXIT_ERROR)


@click.command("ask")
@click.argument("prompt", nargs=-1, required=True)
@click.option(
    "--model",
    "-m",
    "model_name",
    metavar="MODEL",
    default=None,
    help="litellm model string, like openai/gpt-4o-mini or ollama/llama3.2 "
    "(default: the `model` setting, local/smollm2 unless changed).",
)
@click.option(
    "--api-base",
    metavar="URL",
    default=None,
    help="Address of a self-hosted OpenAI-compatible server, like http://127.0.0.1:8080/v1 "
    "(default: the `api_base` setting for the model, if any).",
)
@click.option(
    "--max-tokens",
    type=click.IntRange(min=1),
    default=None,
    help="Longest answer to ask for, in tokens.",
)
def ask(
    prompt: tuple[str, ...], model_name: str | None, api_base: str | None, max_tokens: int | None
) -> None:
    """Send PROMPT to a model and print the answer as it arrives.

    Give `-` as the prompt to read it from standard input.
    """
    text = " ".join(prompt)
    if text.strip() == "-":
        text = sys.stdin.read()
    if not text.strip():
        _fail("The prompt is empty.", 'Give it as an argument: coach ask "What is RAG?"')

    from coach.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        _fail(str(exc))

    from pydantic import ValidationError

    from coach import llm
    from coach.llm.choices import spec_for

    model = (model_name or config.model).strip()
    try:
        spec = spec_for(config, model, api_base)
    except llm.ModelError as exc:
        _fail(exc.message, exc.fix)
    except ValidationError:
        _fail(
            f"{model!r} is not a model string.",
            "Write it as provider/name without spaces, like openai/gpt-4o-mini.",
        )
    spend = llm.SpendTracker(config.spend_cap_usd)
    printer = _Printer()
    try:
        asyncio.run(_answer(spec, text, max_tokens, spend, printer))
    except llm.ModelError as exc:
        printer.finish()
        _fail(exc.message, exc.fix)
    except KeyboardInterrupt:
        printer.finish()
        click.echo("Stopped.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    printer.finish()


async def _answer(
    spec: ModelSpec, prompt: str, max_tokens: int | None, spend: SpendTracker, printer: _Printer
) -> None:
    from coach import llm

    async with llm.stream(spec, prompt, max_tokens=max_tokens, spend=spend) as answer:
        async for piece in answer:
            printer.write(piece)
