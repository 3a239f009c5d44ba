"""``engagement export`` (backups, and the file a database-less build reads) and ``engagement forget``.

The export holds every entry in every state. By default it is a private backup (e-mail addresses
and IP hashes included, written readable by the owner only); ``--public`` leaves those out so the
file can be committed for a CI build. ``engagement import`` reads either back.
"""

from __future__ import annotations

import click

from pelican.plugins.engagement.cli.common import CommandFailed, open_store, with_site
from pelican.plugins.engagement.export_stream import write_export
from pelican.plugins.engagement.files import STDOUT, UnsuitableTarget
from pelican.plugins.engagement.settings import SiteConfig


@click.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              default=STDOUT, show_default=True,
              help="Write to this file, device or pipe ('-': standard output). A file is replaced "
                   "in one step, so an interrupted export never leaves half a backup.")
@click.option("--public", is_flag=True, help="Leave out e-mail addresses and IP hashes.")
@with_site
def export_command(config: SiteConfig, output: str, public: bool) -> None:
    """Write every comment and mention (all states) as JSON."""
    try:
        count = write_export(config.database_url, output, private=not public)
    except UnsuitableTarget as error:
        raise CommandFailed(str(error)) from None
    if output != STDOUT:
        click.echo(f"Exported {count} entries to {output}"
                   + ("" if public else " (private: contains e-mail addresses)"), err=True)


@click.command("forget")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_site
def forget_command(config: SiteConfig, email: str, yes: bool) -> None:
    """Delete every comment and reply-notice subscription of an e-mail address."""
    # Imported here: moderation loads page rendering, which an export (same module) never needs.
    from pelican.plugins.engagement.moderation import actions as moderation

    store = open_store(config)
    if not yes:
        click.confirm(f"Delete every comment written with {email}? This cannot be undone", abort=True)
    removed, dropped, pages = moderation.forget(config, store, email, actor="cli")
    if pages.failed:
        click.echo(f"Deleted {len(removed)} entries and {dropped} subscriptions of {email}.")
        raise CommandFailed(f"the pages that showed them were not updated: {pages.error}")
    click.echo(f"Deleted {len(removed)} entries and {dropped} subscriptions of {email}. {pages}")
