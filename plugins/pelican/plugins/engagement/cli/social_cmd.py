"""``engagement syndicate`` (post new articles to Mastodon and Bluesky) and ``engagement backfeed``
(bring their replies, likes and reposts into the moderation queue)."""

from __future__ import annotations

from typing import Any

import click
from tqdm import tqdm

from pelican.plugins.engagement.cli.common import open_store, with_site
from pelican.plugins.engagement.settings import SiteConfig


@click.command("syndicate")
@click.option("--dry-run", is_flag=True, help="Show what would be posted where; post and record nothing.")
@click.option("--thread", "threads", multiple=True, metavar="KEY",
              help="Post this article whatever its age (its URL path, e.g. 2026/11/slug/; repeatable).")
@with_site
def syndicate_command(config: SiteConfig, dry_run: bool, threads: tuple[str, ...]) -> None:
    """Post newly published articles to Mastodon and Bluesky, and record where (POSSE).

    Run it after a build (and after deploying: the platforms fetch the link for its preview).
    Articles already posted, and posts named by hand (Mastodon:/Bluesky: metadata), are not
    posted again. Afterwards the articles' "Also on …" links are updated in the built pages.
    """
    from pelican.plugins.engagement.social.api import ApiError
    from pelican.plugins.engagement.social.articles import ArticlesError
    from pelican.plugins.engagement.social.syndicate import enabled_platforms, syndicate

    if not enabled_platforms(config):
        click.echo("No account configured (ENGAGEMENT_MASTODON_INSTANCE, ENGAGEMENT_BLUESKY_HANDLE): "
                   "only posts named in the articles' metadata are recorded.")
    store = open_store(config)
    try:
        report = syndicate(config, store, dry_run=dry_run, threads=threads,
                           progress=lambda items: tqdm(items, desc="articles", unit="article",
                                                       leave=False, disable=None),
                           on_outcome=_print_outcome)
        pages = ""
        if report.changed_threads:
            from pelican.plugins.engagement.moderation.actions import refresh_pages

            pages = refresh_pages(config, report.changed_threads)
    except (ApiError, ArticlesError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if dry_run:
        click.echo(f"{report.count('would-post')} post(s) would be made, "
                   f"{report.count('would-record')} named post(s) recorded (dry run).")
        if not report.count("would-post") and enabled_platforms(config) and not threads:
            click.echo(_age_hint(config.engagement.SYNDICATE_MAX_AGE_DAYS))
    else:
        click.echo(f"{report.count('posted')} posted, {report.count('recorded')} named post(s) recorded, "
                   f"{report.count('failed')} failed; {report.calls} API call(s). {pages}".rstrip())
    if report.count("failed"):
        raise SystemExit(1)


def _age_hint(max_age: int) -> str:
    """Why a dry run found nothing to post: every article is posted already, or too old."""
    hint = "Nothing new: an article already posted is not posted again"
    if max_age:
        hint += (f", and only articles dated within the last {max_age} day(s) are posted "
                 "(ENGAGEMENT_SYNDICATE_MAX_AGE_DAYS); name an older one with --thread")
    return hint + "."


def _print_outcome(outcome: Any) -> None:
    where = {"mastodon": "Mastodon", "bluesky": "Bluesky"}[outcome.platform]
    line = f"{outcome.status:>12}  {outcome.key} on {where}"
    if outcome.url:
        line += f": {outcome.url}"
    if outcome.detail:
        line += f" ({outcome.detail})"
    tqdm.write(line)
    if outcome.status == "would-post":
        tqdm.write("\n".join("              | " + row for row in outcome.text.splitlines()))


@click.command("backfeed")
@click.option("--all", "everything", is_flag=True,
              help="Read every syndicated post, however old (default: ENGAGEMENT_BACKFEED_DAYS).")
@click.option("--no-pages", is_flag=True, help="Do not update the built pages afterwards.")
@with_site
def backfeed_command(config: SiteConfig, everything: bool, no_pages: bool) -> None:
    """Read replies, likes and reposts of the syndicated posts into the store.

    New ones wait for moderation (unless ENGAGEMENT_BACKFEED_AUTO_APPROVE); edits and deletions
    upstream are followed. The pages of articles whose shown replies changed are updated once.
    """
    from pelican.plugins.engagement.social.backfeed import backfeed

    store = open_store(config)
    try:
        report = backfeed(config, store, everything=everything, update_pages=not no_pages,
                          progress=lambda items: tqdm(items, desc="posts", unit="post", leave=False,
                                                      disable=None))
    finally:
        store.close()
    click.echo(str(report))
    if report.failures and report.posts == len(report.failures):
        raise SystemExit(1)
