"""``engagement settings``: the configuration reference, and this site's values."""

from __future__ import annotations

import click

from engagement.cli.common import load_config, settings_option
from engagement.settings import documentation


@click.command("settings")
@settings_option
@click.option("--markdown", is_flag=True, help="Print the reference as a Markdown table.")
@click.option("--check", is_flag=True, help="Only validate the site's settings file.")
def settings_command(settings_file: str, markdown: bool, check: bool) -> None:
    """Print every ENGAGEMENT_* setting with its default, or validate a settings file."""
    if check:
        load_config(settings_file)
        click.echo(f"{settings_file}: settings are valid")
        return
    rows = documentation()
    if markdown:
        click.echo("| Setting | Type | Default | Description |")
        click.echo("|---|---|---|---|")
        for name, type_name, default, doc in rows:
            click.echo(f"| `{name}` | {type_name} | `{default}` | {doc} |")
        return
    for name, type_name, default, doc in rows:
        click.echo(f"{name} ({type_name}, default {default})\n    {doc}")
