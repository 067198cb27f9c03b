"""`coach models`: the models you can practise with, whether each is ready, and servers found.

Ready means usable now: for the offline model, a throwaway model process
decodes a few tokens (so a llama.cpp build that crashes is caught here, not
mid-exercise); for a server, it answers; for a hosted model, a key is found.
Servers already running on this machine (Ollama, LM Studio, llama.cpp, vLLM)
are listed with their models. `--probe [MODEL]` measures a model's tier with
a short fixed probe and records it in the config.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from coach.config import Config
    from coach.llm.discovery import FoundServer
    from coach.llm.readiness import Readiness


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--probe",
    "probe_model",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[MODEL]",
    help="Measure MODEL's tier (default: the `model` setting) and record it in the config.",
)
@click.option(
    "--api-base",
    metavar="URL",
    default=None,
    help="With --probe: the server of a model not in the config, like http://127.0.0.1:8080/v1.",
)
@click.option("--no-discover", is_flag=True, help="Do not look for model servers on this machine.")
def models(as_json: bool, probe_model: str | None, api_base: str | None, no_discover: bool) -> None:
    """List the configured models, whether each is ready, and model servers found here.

    Add models to the config as [[models]] tables (name, model, api_base, tier).
    """
    from coach.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    if probe_model is not None:
        _probe(config, probe_model or config.model, api_base, as_json)
        return
    _list(config, as_json, discover=not no_discover)


def _list(config: Config, as_json: bool, *, discover: bool) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from coach.llm.choices import configured_models
    from coach.llm.discovery import discover as find_servers
    from coach.llm.readiness import check_ready

    specs = configured_models(config)
    with ThreadPoolExecutor(max_workers=2) as pool:  # servers are looked for meanwhile
        servers_future = pool.submit(find_servers) if discover else None
        checks = [check_ready(spec, decode=True) for spec in specs]
        servers = servers_future.result() if servers_future is not None else []
    if as_json:
        click.echo(json.dumps(_rows(config, checks, servers), indent=2))
        return
    for check in checks:
        mark = "✓" if check.ready else "✗"
        default = " (default)" if config.model in (check.spec.name, check.spec.model) else ""
        click.echo(f"{mark} {check.spec.name}{default}  [{check.spec.model}, {check.spec.tier}]")
        click.echo(f"    {check.detail}")
        if check.fix:
            click.echo(f"    fix: {check.fix}")
    if not discover:
        return
    click.echo("")
    if not servers:
        click.echo("No model server found on this machine (Ollama, LM Studio, llama.cpp, vLLM).")
        return
    for server in servers:
        click.echo(f"Found {server.kind} at {server.api_base} with {len(server.models)} models:")
        for model in server.model_strings():
            click.echo(f"    {model}")
    first = servers[0]
    if first.models:
        click.echo(
            f"Use one with: coach ask --model {first.model_strings()[0]} "
            f"--api-base {first.api_base} 'hi'"
        )


def _rows(config: Config, checks: list[Readiness], servers: list[FoundServer]) -> dict[str, Any]:
    rows = [
        {
            "name": c.spec.name,
            "model": c.spec.model,
            "api_base": c.spec.api_base,
            "tier": c.spec.tier,
            "default": config.model in (c.spec.name, c.spec.model),
            "ready": c.ready,
            "detail": c.detail,
            "fix": c.fix,
        }
        for c in checks
    ]
    return {"models": rows, "servers": [s.model_dump() for s in servers]}


def _probe(config: Config, wanted: str, api_base: str | None, as_json: bool) -> None:
    from coach import llm
    from coach.config import ConfigError, save_config
    from coach.llm.choices import spec_for, with_tier
    from coach.llm.probe import TASKS, probe

    try:
        spec = spec_for(config, wanted, api_base)
    except llm.ModelError as error:
        raise click.ClickException(error.describe()) from None
    if spec.is_builtin_local:
        raise click.ClickException(
            f"{spec.model} is the built-in offline model: its tier is small, nothing to measure."
        )
    if not as_json:
        click.echo(f"Probing {spec.name} with {len(TASKS)} short tasks…")
    try:
        result = asyncio.run(probe(spec))
    except llm.ModelError as error:
        raise click.ClickException(error.describe()) from None
    try:
        save_config(with_tier(config, spec, result.tier))
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    for task in result.tasks:
        mark = "✓" if task.passed else "✗"
        said = task.error or repr(task.answer[:60])
        click.echo(f"  {mark} {task.id}: {said}")
    click.echo(
        f"{spec.name}: {result.passed} of {result.total} passed → tier {result.tier} "
        "(recorded in the config)."
    )
