"""``engagement import``: an engagement export (JSON), a WordPress export, or a Disqus export.

``engagement import FILE.json`` is short for ``engagement import json FILE.json``: restoring a backup
is the common case and should read like one. Every import can be run again safely: what is already
stored is skipped, not duplicated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from pelican.plugins.engagement.cli.common import CommandFailed, open_store, with_site
from pelican.plugins.engagement.importers import ImportFormatError, ImportSummary
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import StoreError


class ImportGroup(click.Group):
    """A group whose first argument may be a JSON file instead of a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["json", *args]
        return super().parse_args(ctx, args)


@click.group("import", cls=ImportGroup)
def import_group() -> None:
    """Import comments (and content): FILE.json from `engagement export`, or
    `wordpress EXPORT.xml`, or `disqus EXPORT.xml`."""


def _progress_wanted() -> bool:
    return sys.stderr.isatty()


def _report(summary: ImportSummary) -> None:
    for line in summary.lines():
        click.echo(line)


@import_group.command("json")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_site
def import_json(config: SiteConfig, file: Path) -> None:
    """Load FILE.json written by `engagement export`; entries already stored are skipped."""
    try:
        document = json.loads(file.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandFailed(f"{file}: not a JSON document ({error})") from None
    try:
        added, skipped = open_store(config).import_(document)
    except StoreError as error:
        raise CommandFailed(f"{file}: {error}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # A hand-edited or truncated export: say which field, instead of a traceback.
        raise CommandFailed(f"{file}: not a valid engagement export ({error!r})") from None
    click.echo(f"{added} entries added, {skipped} already present")


def _run(importer: Any, *args: Any, **kwargs: Any) -> ImportSummary:
    try:
        return importer(*args, **kwargs)
    except ImportFormatError as error:
        raise CommandFailed(str(error)) from None


@import_group.command("wordpress")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--content-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where posts go as Markdown (default: the site's content folder/articles).")
@click.option("--pages-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where pages go (default: the site's content folder/pages).")
@click.option("--include-spam", is_flag=True, help="Also import comments marked as spam (as spam).")
@click.option("--include-trash", is_flag=True, help="Also import trashed comments (as deleted).")
@click.option("--include-private", is_flag=True,
              help="Import private posts as Status: hidden (built, listed nowhere) instead of leaving "
                   "them out.")
@with_site  # last, so the options above stay on the command (with_site wraps the function)
def import_wordpress_command(config: SiteConfig, export: Path, content_dir: Path | None,
                             pages_dir: Path | None, include_spam: bool, include_trash: bool,
                             include_private: bool) -> None:
    """Import a WordPress export (WXR 1.0-1.2): posts and pages as Markdown, every comment,
    trackback and pingback into the store under the right article."""
    from pelican.plugins.engagement.importers.wordpress import import_wordpress

    content = config.base_dir / str(config.pelican.get("PATH", "content"))
    summary = _run(
        import_wordpress, export, open_store(config), config.pelican,
        articles_dir=content_dir or content / "articles", pages_dir=pages_dir or content / "pages",
        include_spam=include_spam, include_trash=include_trash, include_private=include_private,
        progress=_progress_wanted(),
    )
    _report(summary)


@import_group.command("disqus")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--include-spam", is_flag=True, help="Also import posts marked as spam (as spam).")
@click.option("--include-deleted", is_flag=True, help="Also import deleted posts (as deleted).")
@click.option("--old-url", "old_urls", multiple=True, metavar="URL",
              help="The address the comments were made under, when it differs from SITEURL "
                   "(e.g. the old WordPress domain); repeatable.")
@with_site
def import_disqus_command(config: SiteConfig, export: Path, include_spam: bool, include_deleted: bool,
                          old_urls: tuple[str, ...]) -> None:
    """Import a Disqus export: each thread is matched to an article by its URL (build the site
    first: the match uses the article list the build writes)."""
    from pelican.plugins.engagement.comments.threads import Manifest
    from pelican.plugins.engagement.importers.disqus import import_disqus

    manifest = Manifest(config.threads_manifest)
    if not len(manifest):
        raise CommandFailed(
            f"no articles known ({config.threads_manifest} is missing or empty): build the site "
            "first (make html) so threads can be matched to articles")
    summary = _run(
        import_disqus, export, open_store(config), manifest, site_url=config.site_url,
        old_urls=old_urls, include_spam=include_spam, include_deleted=include_deleted,
        progress=_progress_wanted(),
    )
    _report(summary)
