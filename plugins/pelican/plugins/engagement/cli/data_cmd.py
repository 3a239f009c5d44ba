"""``engagement export`` (backups, and the file a database-less build reads) and ``engagement forget``.

The export holds every entry in every state. By default it is a private backup (e-mail addresses
and IP hashes included, written readable by the owner only); ``--public`` leaves those out so the
file can be committed for a CI build. ``engagement import`` reads either back.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from pelican.plugins.engagement.cli.common import open_store, with_site
from pelican.plugins.engagement.moderation import actions as moderation
from pelican.plugins.engagement.settings import SiteConfig


@click.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (default: standard output).")
@click.option("--public", is_flag=True, help="Leave out e-mail addresses and IP hashes.")
@with_site
def export_command(config: SiteConfig, output: str | None, public: bool) -> None:
    """Write every comment and mention (all states) as JSON."""
    document = open_store(config).export(private=not public)
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    _write_atomically(Path(output), text, private=not public)
    click.echo(f"Exported {len(document['entries'])} entries to {output}"
               + ("" if public else " (private: contains e-mail addresses)"), err=True)


def _write_atomically(path: Path, text: str, *, private: bool) -> None:
    """Replace ``path`` in one step, so an interrupted export never leaves half a backup."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        if not private:
            os.fchmod(fd, 0o644)  # mkstemp makes 0600, right for private backups only
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("forget")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_site
def forget_command(config: SiteConfig, email: str, yes: bool) -> None:
    """Delete every comment and reply-notice subscription of an e-mail address."""
    store = open_store(config)
    if not yes:
        click.confirm(f"Delete every comment written with {email}? This cannot be undone", abort=True)
    removed, dropped, pages = moderation.forget(config, store, email, actor="cli")
    click.echo(f"Deleted {len(removed)} entries and {dropped} subscriptions of {email}. {pages}")
