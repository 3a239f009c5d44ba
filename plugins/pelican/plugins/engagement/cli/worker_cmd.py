"""``engagement worker``: the background work of a site, outside the endpoint's processes.

It verifies queued webmentions and trackbacks (updating the pages when what they show changed), and
— with ``ENGAGEMENT_PAGE_UPDATES = "worker"`` or ``ENGAGEMENT_DEPLOY_ON_APPROVE`` — updates pages
and pushes changed files for every endpoint instance. Run one per site (or more: only the holder of
the store's ``pages`` lease does page work; another takes over within half a minute if it dies).
It looks for page jobs every :data:`PAGE_TICK` seconds; a look that finds nothing only reads the
store, so looking often costs next to nothing and an approval is picked up at once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click

from pelican.plugins.engagement.cli.common import open_store, with_site
from pelican.plugins.engagement.settings import SiteConfig

if TYPE_CHECKING:  # the CLI imports the publisher only when the worker runs
    from pelican.plugins.engagement.deploy.publisher import PageWork

#: Seconds between page-job checks: short, so an approval reaches the pages (and the CDN) quickly.
#: An idle check is one small read (about 1 ms of CPU; 0.4 % of a core at this rate, measured).
PAGE_TICK = 0.2
#: Seconds between checks while another worker holds the ``pages`` lease (it does the work).
OTHER_HOLDS_TICK = 1.0


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is queued now, then exit.")
@click.option("--interval", default=30.0, show_default=True,
              help="Seconds between checks of the linkback verification queue.")
@with_site
def worker_command(config: SiteConfig, once: bool, interval: float) -> None:
    """Verify queued linkbacks; update and deploy pages after moderation (worker mode)."""
    from pelican.plugins.engagement.comments.threads import Manifest
    from pelican.plugins.engagement.deploy import publisher
    from pelican.plugins.engagement.linkbacks.avatars import avatars_dir
    from pelican.plugins.engagement.linkbacks.worker import verify_queued
    from pelican.plugins.engagement.moderation.refresh import refresh_changed

    store = open_store(config)
    manifest = Manifest(config.threads_manifest)
    folder = avatars_dir(config.pelican, config.engagement)
    settings = config.engagement
    pages = settings.PAGE_UPDATES == "worker" or settings.DEPLOY_ON_APPROVE
    holder = publisher.worker_name()
    next_verification = 0.0
    summaries: list[str] = []  # what verification did to the pages (refresh_changed's answer)
    try:
        while True:
            if time.monotonic() >= next_verification:
                summaries.clear()
                outcomes = verify_queued(
                    store, settings, manifest, avatars_dir=folder,
                    refresh=lambda changes: summaries.append(refresh_changed(config, changes, store=store)))
                for outcome in outcomes:
                    detail = f": {outcome.detail}" if outcome.detail else ""
                    click.echo(f"entry {outcome.entry_id} {outcome.result}{detail}")
                for summary in summaries:
                    click.echo(summary)
                next_verification = time.monotonic() + interval
            tick = interval
            if pages:
                done = publisher.work_once(config, store, holder, settle=not once)
                for line in page_work_lines(done) if done is not None or once else []:
                    click.echo(line)
                tick = PAGE_TICK if done is not None else OTHER_HOLDS_TICK
            if once:
                return
            time.sleep(tick)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


def page_work_lines(done: PageWork | None) -> list[str]:
    """What a tick did to the pages, for the operator (nothing when it did nothing)."""
    if done is None:
        return ["pages: another worker holds the pages lease"]
    lines = []
    if done.threads:
        lines.append(f"pages: refreshed {len(done.threads)} thread(s): {', '.join(done.threads)}")
    if done.pushed.files:
        outcome = f"failed, will retry: {done.pushed.error}" if done.pushed.error else "done"
        lines.append(f"pages: pushed {len(done.pushed.files)} file(s) ({done.pushed.jobs} job(s)): {outcome}")
    if done.error:
        lines.append(f"pages: {done.error}")
    return lines
