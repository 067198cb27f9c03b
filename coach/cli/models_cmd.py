"""`coach models`: the models you can practise with, and whether each is ready."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def models(as_json: bool) -> None:
    """List the configured models and whether each is ready to use.

    Add models to the config as [[models]] tables (name, model, api_base, tier).
    """
    from coach.config import ConfigError, load_config
    from coach.llm.choices import configured_models
    from coach.llm.readiness import check_ready

    try:
        config = load_config()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    checks = [check_ready(spec) for spec in configured_models(config)]
    if as_json:
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
        click.echo(json.dumps(rows, indent=2))
        return
    for check in checks:
        mark = "✓" if check.ready else "✗"
        default = " (default)" if config.model in (check.spec.name, check.spec.model) else ""
        click.echo(f"{mark} {check.spec.name}{default}  [{check.spec.model}, {check.spec.tier}]")
        click.echo(f"    {check.detail}")
        if check.fix:
            click.echo(f"    fix: {check.fix}")
