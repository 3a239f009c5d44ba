"""``engagement rebuild``: update the pages of some threads after moderation, without Pelican."""

from __future__ import annotations

import click

from pelican.plugins.engagement.cli.common import CommandFailed, with_site
from pelican.plugins.engagement.comments.entries import RenderError
from pelican.plugins.engagement.comments.rebuild import RebuildError, rebuild_threads
from pelican.plugins.engagement.comments.splice import PageIndex, SpliceError
from pelican.plugins.engagement.settings import SiteConfig


@click.command("rebuild")
@click.option("--thread", "threads", multiple=True, metavar="KEY",
              help="A thread to update: the article's URL path, e.g. 2013/04/the-now-of-customer-service/ "
                   "(repeatable).")
@click.option("--all", "everything", is_flag=True, help="Update every thread of the last build.")
@with_site
def rebuild_command(config: SiteConfig, threads: tuple[str, ...], everything: bool) -> None:
    """Re-render the comments, counts and comment feeds of threads in the built site.

    Much faster than a full build: only the pages that show these threads are rewritten. The site
    must have been built once with the same settings (it leaves output/engagement/pages.json).
    """
    if not threads and not everything:
        raise click.UsageError("name threads with --thread KEY, or pass --all")
    try:
        keys = set(threads)
        if everything:
            index = PageIndex.load(config.output_path)
            keys |= set(index.files) | set(index.articles)
        report = rebuild_threads(config, keys)
    except (RebuildError, SpliceError, RenderError) as error:
        raise CommandFailed(str(error)) from None
    click.echo(str(report))
    if report.skipped and not report.threads:
        raise CommandFailed("no thread was updated (see the reasons above)")
