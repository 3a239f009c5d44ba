"""``engagement deploy``: copy the built output to ENGAGEMENT_DEPLOY_TARGET (rsync or S3)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from pelican.plugins.engagement import deploy
from pelican.plugins.engagement.cli.common import with_site
from pelican.plugins.engagement.settings import SiteConfig


@click.command("deploy")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The built site (default: OUTPUT_PATH of the settings).")
@click.option("--dry-run", is_flag=True, help="Print the command instead of running it.")
@with_site
def deploy_command(config: SiteConfig, output: Path | None, dry_run: bool) -> None:
    """Copy the built site to ENGAGEMENT_DEPLOY_TARGET: user@host:/path/ (rsync over SSH), a folder,
    or s3://bucket/prefix (aws s3 sync; ENGAGEMENT_DEPLOY_S3_ENDPOINT_URL for S3-compatible stores).
    """
    output = output or config.output_path
    try:
        deploy_plan = deploy.plan(output, config.engagement)
        if dry_run:
            click.echo(shlex.join(deploy_plan.command))
            return
        click.echo(f"deploying {output} with: {shlex.join(deploy_plan.command)}", err=True)
        deploy.run(deploy_plan, output)
    except deploy.DeployError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"deployed {output} to {config.engagement.DEPLOY_TARGET}", err=True)
