"""``engagement deploy``: copy the built output to ENGAGEMENT_DEPLOY_TARGET (rsync or S3)."""

from __future__ import annotations

from pathlib import Path

import click

from pelican.plugins.engagement import deploy
from pelican.plugins.engagement.cli.common import CommandFailed, open_store, with_site
from pelican.plugins.engagement.settings import SiteConfig


@click.command("deploy")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The built site (default: OUTPUT_PATH of the settings).")
@click.option("--dry-run", is_flag=True, help="Say what would be copied and deleted; change nothing.")
@click.option("--pending", is_flag=True,
              help="List the changed files still waiting to be pushed after moderation actions.")
@click.option("--retry", is_flag=True,
              help="Push the waiting changed files now (with --dry-run: list them, push nothing).")
@click.option("--changed-since", "since", metavar="BUILD_ID", default=None,
              help="Push only what differs from that build (ids: output/engagement/build.json).")
@with_site
def deploy_command(config: SiteConfig, output: Path | None, dry_run: bool, pending: bool,
                   retry: bool, since: str | None) -> None:
    """Copy the built site to ENGAGEMENT_DEPLOY_TARGET: user@host:/path/ (rsync over SSH), a folder,
    or s3://bucket/prefix (boto3; ENGAGEMENT_DEPLOY_S3_ENDPOINT_URL for S3-compatible stores).
    """
    if pending or retry:
        _pending(config, retry and not dry_run)  # --retry --dry-run lists what it would push
        return
    output = output or config.output_path
    try:
        if since:
            lines = _changed_since(config, output, since, dry_run)
        else:
            lines = deploy.deploy_all(output, config.engagement, dry_run=dry_run)
    except deploy.DeployError as error:
        raise CommandFailed(str(error)) from None
    for line in lines:
        click.echo(line)
    if not dry_run:
        click.echo(f"deployed {output} to {config.engagement.DEPLOY_TARGET}", err=True)


def _pending(config: SiteConfig, retry: bool) -> None:
    from pelican.plugins.engagement.deploy import publisher

    store = open_store(config)
    try:
        if retry:
            result = publisher.push_due(config, store, waiting_too=True)
            if result.error:
                raise CommandFailed(f"pushing {len(result.files)} file(s) failed: {result.error}")
            click.echo(f"pushed {len(result.files)} file(s) from {result.jobs} job(s)")
            return
        jobs = store.pending_jobs()
        for job in jobs:
            state = f"attempt {job.attempts + 1} at {job.next_attempt_at:%Y-%m-%d %H:%M:%S}"
            error = f" — last error: {job.last_error}" if job.last_error else ""
            click.echo(f"{job.kind} job {job.id} ({len(job.items)} item(s), queued "
                       f"{job.created_at:%Y-%m-%d %H:%M:%S}): {state}{error}")
            for item in job.items:
                click.echo(f"    {item}")
        if not jobs:
            click.echo("nothing is waiting")
    finally:
        store.close()


def _changed_since(config: SiteConfig, output: Path, since: str, dry_run: bool) -> list[str]:
    """Push the files that differ from build ``since``'s manifest (deletions included)."""
    from pelican.plugins.engagement.deploy import manifest

    old = manifest.load(config.base_dir / config.pelican.get("CACHE_PATH", "cache"), since)
    written, removed = manifest.difference(old, manifest.file_digests(output))
    if (output / manifest.BUILD_FILE).is_file():
        written.append(manifest.BUILD_FILE)  # the target then names the build it now serves
    if not dry_run:
        deploy.push(output, config.engagement, [*written, *removed])
    return [f"push {path}" for path in written] + [f"delete {path}" for path in removed]
