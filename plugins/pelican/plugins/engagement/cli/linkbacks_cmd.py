"""``engagement send``: notify the sites our articles link to."""

from __future__ import annotations

from typing import Any

import click
from tqdm import tqdm

from pelican.plugins.engagement.cli.common import CommandFailed, open_store, with_site
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
        raise CommandFailed(str(error)) from None
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
