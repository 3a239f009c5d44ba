"""``engagement moderate``: the moderation queue from the command line.

The same actions as the admin page (:mod:`pelican.plugins.engagement.moderation.actions`), recorded in the
moderation log with the actor ``cli``.
"""

from __future__ import annotations

import json
from datetime import timedelta

import click

from pelican.plugins.engagement.cli.common import CommandFailed, open_store, with_site
from pelican.plugins.engagement.moderation import actions as moderation
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import KINDS, STATUSES, Entry, utcnow

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
        # All ids in one go: the pages of the affected articles are re-rendered once, not per id.
        bulk = moderation.moderate_many(config, store, entry_ids, action, actor="cli")
        failures = list(bulk.errors)
        for outcome in bulk.outcomes:
            click.echo(outcome.done() if outcome.rebuild.failed else outcome.summary())
        if bulk.rebuild.failed:
            # The actions stand; the pages lag behind until someone runs the rebuild.
            changed = [o.entry for o in bulk.outcomes if o.pages_changed]
            which = (f"the page of {changed[0].kind} {changed[0].id} was" if len(changed) == 1 else
                     f"the pages of {', '.join(f'{e.kind} {e.id}' for e in changed)} were")
            failures.append(f"{which} not updated: {bulk.rebuild.error}")
        if failures:
            raise CommandFailed("; ".join(failures))

    return command


@moderate_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_site
def stats_command(config: SiteConfig, as_json: bool) -> None:
    """Entries per state and per rule that held or marked them, for the last 7 and 30 days."""
    store = open_store(config)
    now = utcnow()
    periods = {days: store.rule_stats(now - timedelta(days=days)) for days in (7, 30)}
    if as_json:
        click.echo(json.dumps({f"last_{days}_days": data for days, data in periods.items()}, indent=2))
        return
    click.echo(f"{'':<22}{'7 days':>10}{'30 days':>10}")
    for status in STATUSES:
        click.echo(f"{status:<22}{periods[7]['states'][status]:>10}{periods[30]['states'][status]:>10}")
    rules = sorted(set(periods[7]["rules"]) | set(periods[30]["rules"]))
    click.echo("\nDecided by a rule (held for a person / marked spam):")
    if not rules:
        click.echo("  none")
    for rule in rules:
        cells = []
        for days in (7, 30):
            counts = periods[days]["rules"].get(rule, {})
            total = sum(counts.values())
            cells.append(f"{total:>5} ({counts.get('spam', 0)} spam)")
        click.echo(f"  {rule:<20}{cells[0]:>14}{cells[1]:>16}")


moderate_group.add_command(_action_command("approve", "Publish entries (the pages are updated)."))
moderate_group.add_command(_action_command("reject", "Reject entries (removed from the pages if shown)."))
moderate_group.add_command(_action_command("spam", "Mark entries as spam."))
moderate_group.add_command(_action_command("delete", "Delete entries for good (replies keep their place)."))
