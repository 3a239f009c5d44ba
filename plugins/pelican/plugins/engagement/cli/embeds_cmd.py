"""``engagement embeds``: keep the committed snapshot of social posts up to date.

``refresh`` fetches posts the content refers to (only missing ones unless ``--all``) through the
guarded fetch and rewrites ``content/embeds.json`` plus its media folder; ``prune`` drops entries
and images no content refers to any more. Commit both afterwards, so CI builds stay offline.
"""

from __future__ import annotations

import click

from pelican.plugins.engagement.cases import oembed
from pelican.plugins.engagement.cases.library import Library
from pelican.plugins.engagement.cases.scan import references
from pelican.plugins.engagement.cli.common import CommandFailed, with_site
from pelican.plugins.engagement.settings import SiteConfig


def _library(config: SiteConfig) -> tuple[Library, str]:
    content = str(config.pelican.get("PATH") or config.base_dir / "content")
    return Library(config.engagement, content), content


@click.group(name="embeds")
def embeds_group() -> None:
    """Refresh or prune the snapshot of embedded social posts."""


@embeds_group.command(name="refresh")
@click.argument("urls", nargs=-1)
@click.option("--all", "refresh_all", is_flag=True, help="Re-fetch posts already in the snapshot too.")
@with_site
def refresh_command(config: SiteConfig, urls: tuple[str, ...], refresh_all: bool) -> None:
    """Fetch posts missing from the snapshot (or URLS, or with --all every referenced post).

    A post that fails to fetch keeps its old entry, so a deleted post still renders.
    """
    books, content = _library(config)
    wanted = list(urls) or sorted(references(content, books))
    failures = 0
    for url in wanted:
        if books.snapshot.get(url) is not None and not (refresh_all or urls):
            continue
        try:
            books.refresh(url)
            click.echo(f"fetched {url}")
        except oembed.EmbedError as error:
            failures += 1
            kept = " (the snapshot keeps its old copy)" if books.snapshot.get(url) else ""
            click.echo(f"failed  {url}: {error.reason}{kept}", err=True)
    books.save()
    click.echo(f"{len(books.snapshot)} posts in {books.snapshot.path}")
    if failures:
        raise CommandFailed(f"{failures} post(s) could not be fetched")


@embeds_group.command(name="prune")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@with_site
def prune_command(config: SiteConfig, dry_run: bool) -> None:
    """Remove snapshot entries and images that no content refers to."""
    books, content = _library(config)
    used = references(content, books)
    stale = [url for url in books.snapshot if url not in used]
    for url in stale:
        click.echo(f"unused  {url}")
        if not dry_run:
            books.snapshot.remove(url)
    orphans = books.snapshot.orphan_media()
    for path in orphans:
        click.echo(f"orphan  {path}")
        if not dry_run:
            path.unlink()
    if not dry_run:
        books.save()
    verb = "would remove" if dry_run else "removed"
    click.echo(f"{verb} {len(stale)} entries and {len(orphans)} images")
