"""``engagement send`` (notify the sites our articles link to) and ``engagement worker``
(verify queued webmentions and trackbacks outside the endpoint)."""

from __future__ import annotations

import time
from typing import Any

import click
from tqdm import tqdm

from pelican.plugins.engagement.cli.common import open_store, with_site
from pelican.plugins.engagement.settings import SiteConfig


@click.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")
@with_site
def send_command(config: SiteConfig, dry_run: bool) -> None:
    """Send webmentions (else pingbacks, else trackbacks) for the built site's outbound links.

    Run it after a build. Each article's links are sent once; an article whose content changed
    is sent again, including to links it no longer has, so those sites can update their copy.
    """
    from pelican.plugins.engagement.linkbacks.send import SendError, send_all

    store = open_store(config)
    try:
        report = send_all(
            config, store, dry_run=dry_run,
            progress=lambda items: tqdm(items, desc="articles", unit="article", leave=False,
                                        disable=None),
            on_result=_print_result,
        )
    except SendError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if dry_run:
        click.echo(f"{report.count('would-send')} notification(s) would be sent (dry run).")
        return
    click.echo(f"{report.count('sent')} sent, {report.count('removed')} removal(s) sent, "
               f"{report.count('no-endpoint')} without endpoint, {report.count('failed')} failed.")


def _print_result(result: Any) -> None:
    delivery = result.delivery
    what = "removed link" if delivery.removed else "link"
    via = f" via {result.protocol} {result.endpoint}" if result.protocol else ""
    detail = f" ({result.detail})" if result.detail else ""
    tqdm.write(f"{result.status:>11}  {delivery.source} -> {delivery.target} [{what}]{via}{detail}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Verify what is queued now, then exit.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between queue checks.")
@with_site
def worker_command(config: SiteConfig, once: bool, interval: float) -> None:
    """Verify queued webmentions and trackbacks (fetch each source, check its link)."""
    from pelican.plugins.engagement.comments.threads import Manifest
    from pelican.plugins.engagement.linkbacks.avatars import avatars_dir
    from pelican.plugins.engagement.linkbacks.worker import verify_queued

    store = open_store(config)
    manifest = Manifest(config.threads_manifest)
    folder = avatars_dir(config.pelican, config.engagement)
    try:
        while True:
            for outcome in verify_queued(store, config.engagement, manifest, avatars_dir=folder):
                detail = f": {outcome.detail}" if outcome.detail else ""
                click.echo(f"entry {outcome.entry_id} {outcome.result}{detail}")
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
