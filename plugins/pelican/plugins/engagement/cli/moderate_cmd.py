"""``engagement moderate``: the moderation queue from the command line.

The same actions as the admin page (:mod:`pelican.plugins.engagement.moderation.actions`), recorded in the
moderation log with the actor ``cli``.
"""

from __future__ import annotations

import json

import click

from pelican.plugins.engagement.cli.common import CommandFailed, open_store, with_site
from pelican.plugins.engagement.moderation import actions as moderation
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import KINDS, STATUSES, Entry

EXCERPT_LENGTH = 60


@click.group("moderate")
def moderate_group() -> None:
    """List, show, approve, reject, mark as spam or delete comments and mentions."""


@moderate_group.command("list")
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice([*STATUSES, "all"]),
    help="Which states to list (repeatable; default: pending).",
)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only these kinds.")
@click.option("--thread", help="Only this article (its thread key, e.g. 2013/04/slug/).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (includes e-mails).")
@with_site
def list_command(
    config: SiteConfig, statuses: tuple[str, ...], kinds: tuple[str, ...], thread: str | None, as_json: bool
) -> None:
    """List entries, oldest first (default: the pending queue)."""
    wanted = None if "all" in statuses else (list(statuses) or ["pending"])
    store = open_store(config)
    found = store.list(status=wanted, kind=list(kinds) or None, thread=thread)
    if as_json:
        click.echo(json.dumps([entry.to_dict(private=True) for entry in found], indent=2))
        return
    if not found:
        click.echo(f"No entries ({', '.join(wanted) if wanted else 'any status'}).")
        return
    for entry in found:
        click.echo(_line(entry))


def _line(entry: Entry) -> str:
    text = " ".join(entry.body_source.split())
    if len(text) > EXCERPT_LENGTH:
        text = text[: EXCERPT_LENGTH - 1] + "…"
    when = entry.created_at.strftime("%Y-%m-%d %H:%M")
    return (f"{entry.id:>6}  {entry.status:<8} {entry.kind:<10} {when}  {entry.thread}  "
            f"{entry.author_name}: {text}")


@moderate_group.command("show")
@click.argument("entry_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_site
def show_command(config: SiteConfig, entry_id: int, as_json: bool) -> None:
    """Everything stored about one entry, and its moderation history."""
    store = open_store(config)
    entry = store.get(entry_id)
    if entry is None:
        raise CommandFailed(f"no entry with id {entry_id}")
    history = store.moderation_history(entry_id)
    if as_json:
        document = entry.to_dict(private=True) | {
            "history": [{**row, "at": row["at"].isoformat()} for row in history]
        }
        click.echo(json.dumps(document, indent=2))
        return
    for name, value in entry.to_dict(private=True).items():
        if name not in {"body_source", "body_html"} and value not in (None, ""):
            click.echo(f"{name + ':':<14} {value}")
    click.echo("\n" + entry.body_source + "\n")
    for row in history:
        click.echo(f"{row['at']:%Y-%m-%d %H:%M}  {row['action']} by {row['actor']}")


def _action_command(action: str, help_text: str) -> click.Command:
    @click.command(action, help=help_text)
    @click.argument("entry_ids", type=int, nargs=-1, required=True)
    @with_site
    def command(config: SiteConfig, entry_ids: tuple[int, ...]) -> None:
        store = open_store(config)
        failures: list[str] = []
        for entry_id in entry_ids:
            try:
                outcome = moderation.moderate(config, store, entry_id, action, actor="cli")
            except moderation.ModerationError as error:
                failures.append(str(error))
                continue
            if outcome.rebuild.failed:
                # The action stands; the pages lag behind until someone runs the rebuild.
                click.echo(outcome.done())
                failures.append(f"the page of {outcome.entry.kind} {outcome.entry.id} was not updated: "
                                f"{outcome.rebuild.error}")
                continue
            click.echo(outcome.summary())
        if failures:
            raise CommandFailed("; ".join(failures))

    return command


moderate_group.add_command(_action_command("approve", "Publish entries (the pages are updated)."))
moderate_group.add_command(_action_command("reject", "Reject entries (removed from the pages if shown)."))
moderate_group.add_command(_action_command("spam", "Mark entries as spam."))
moderate_group.add_command(_action_command("delete", "Delete entries for good (replies keep their place)."))
