"""``engagement syndicate``: post newly published articles to Mastodon and Bluesky (POSSE).

Each published article (the last build's manifest: never a draft) that has no post on a configured
platform yet, and is dated within ``ENGAGEMENT_SYNDICATE_MAX_AGE_DAYS``, is posted there once and
the post recorded in the store (``syndications``). A post the author named by hand
(``Mastodon:`` / ``Bluesky:`` metadata) is recorded instead of posting, so the backfeed reads it too.
Posting is idempotent on both platforms (Mastodon's ``Idempotency-Key``, a Bluesky record key
fixed by the article): a run interrupted after posting and before recording does not post twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pelican.plugins.engagement import net
from pelican.plugins.engagement.linkbacks.avatars import image_extension
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.social import PLATFORMS, bluesky, compose, mastodon
from pelican.plugins.engagement.social.api import ApiClient, ApiError
from pelican.plugins.engagement.social.articles import published_articles
from pelican.plugins.engagement.social.compose import PublishedArticle
from pelican.plugins.engagement.store import Store

#: Bluesky refuses larger card thumbnails.
THUMB_MAX_BYTES = 1_000_000
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}


@dataclass
class Outcome:
    """What happened to one article on one platform."""

    key: str
    platform: str
    status: str  # posted | recorded | would-post | would-record | failed
    url: str = ""
    detail: str = ""
    text: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    calls: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def changed_threads(self) -> set[str]:
        return {o.key for o in self.outcomes if o.status in ("posted", "recorded")}


def enabled_platforms(config: SiteConfig) -> list[str]:
    """The platforms with an account configured."""
    settings = config.engagement
    return [p for p, on in (("mastodon", bool(settings.MASTODON_INSTANCE)),
                            ("bluesky", bool(settings.BLUESKY_HANDLE))) if on]


class Syndicator:
    """One run: the clients, the Bluesky session (opened on first use) and the report."""

    def __init__(self, config: SiteConfig, store: Store, api: ApiClient, *, dry_run: bool) -> None:
        self.config = config
        self.settings = config.engagement
        self.store = store
        self.api = api
        self.dry_run = dry_run
        self.mastodon = mastodon.MastodonClient(api, self.settings.MASTODON_INSTANCE,
                                                self.settings.MASTODON_TOKEN)
        self.bluesky = bluesky.BlueskyClient(api, pds=self.settings.BLUESKY_PDS,
                                             appview=self.settings.BLUESKY_APPVIEW)
        self._session: bluesky.Session | None = None
        self.broken: dict[str, str] = {}  # platform -> why it was given up for this run

    def article(self, article: PublishedArticle, *, recorded: set[tuple[str, str]], fresh: bool,
                enabled: Iterable[str]) -> list[Outcome]:
        """Record hand-named posts, post the rest where the article is missing."""
        outcomes = []
        for platform in PLATFORMS:
            named = article.named.get(platform)
            if named:
                outcomes.append(self._named(article, platform, named))
            elif platform in enabled and (article.key, platform) not in recorded and fresh:
                outcomes.append(self._post(article, platform))
        return [o for o in outcomes if o is not None]

    def _named(self, article: PublishedArticle, platform: str, url: str) -> Outcome:
        known = {s.url for s in self.store.syndications([article.key]) if s.platform == platform}
        if url in known:
            return Outcome(article.key, platform, "known", url)
        if self.dry_run:
            return Outcome(article.key, platform, "would-record", url)
        try:
            remote_id, instance = self._locate(platform, url)
        except ApiError as error:
            return Outcome(article.key, platform, "failed", url, str(error))
        self.store.record_syndication(thread=article.key, platform=platform, url=url,
                                      remote_id=remote_id, instance=instance, origin="named")
        return Outcome(article.key, platform, "recorded", url)

    def _locate(self, platform: str, url: str) -> tuple[str, str | None]:
        """(remote id, Mastodon instance) of a hand-named post URL."""
        if platform == "mastodon":
            found = mastodon.status_id_from_url(url)
            if found is None:
                raise ApiError(f"{url} is not a Mastodon post address (https://host/@user/123…)")
            instance, status_id = found
            return status_id, instance
        parts = bluesky.uri_from_url(url)
        if parts is None:
            raise ApiError(f"{url} is not a Bluesky post address (https://bsky.app/profile/…/post/…)")
        did = bluesky.resolve_handle(self.bluesky, parts[0])
        return f"at://{did}/{bluesky.POST}/{parts[1]}", None

    def _post(self, article: PublishedArticle, platform: str) -> Outcome:
        if platform in self.broken:
            return Outcome(article.key, platform, "failed", detail=self.broken[platform])
        template = self.settings.SYNDICATION_TEMPLATE
        if platform == "mastodon":
            text = compose.mastodon_text(template, article)
        else:
            text, _facets = compose.bluesky_text(template, article)
        if self.dry_run:
            return Outcome(article.key, platform, "would-post", text=text)
        try:
            url, remote_id, instance = (self._toot(article, text) if platform == "mastodon"
                                        else self._skeet(article))
        except ApiError as error:
            if error.status in (401, 403) or "no access token" in str(error) or "no Bluesky" in str(error):
                self.broken[platform] = str(error)  # credentials: every further try fails alike
            return Outcome(article.key, platform, "failed", detail=str(error), text=text)
        self.store.record_syndication(thread=article.key, platform=platform, url=url,
                                      remote_id=remote_id, instance=instance, origin="posted")
        return Outcome(article.key, platform, "posted", url, text=text)

    def _toot(self, article: PublishedArticle, text: str) -> tuple[str, str, str | None]:
        key = hashlib.sha256(f"{article.url}\x1fmastodon".encode()).hexdigest()[:40]
        status = self.mastodon.post_status(text, idempotency_key=key, language=article.language)
        url = str(status.get("url") or status.get("uri") or "")
        return url, str(status["id"]), self.mastodon.instance

    def _skeet(self, article: PublishedArticle) -> tuple[str, str, None]:
        if self._session is None:
            self._session = self.bluesky.create_session(self.settings.BLUESKY_HANDLE,
                                                        self.settings.BLUESKY_APP_PASSWORD)
        session = self._session
        text, facets = compose.bluesky_text(self.settings.SYNDICATION_TEMPLATE, article)
        external: dict[str, Any] = {"uri": article.url, "title": article.title,
                                    "description": article.summary}
        thumb = self._thumbnail(session, article.image_url)
        if thumb is not None:
            external["thumb"] = thumb
        record: dict[str, Any] = {
            "$type": bluesky.POST, "text": text, "facets": facets,
            "createdAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "embed": {"$type": "app.bsky.embed.external", "external": external},
        }
        if article.language:
            record["langs"] = [article.language]
        rkey = bluesky.record_key(article.url, article.date or datetime.now(UTC))
        ref = self.bluesky.create_post(session, record, rkey)
        return bluesky.web_url(ref.uri, session.handle), ref.uri, None

    def _thumbnail(self, session: bluesky.Session, image_url: str) -> dict[str, Any] | None:
        """The article's image uploaded as a blob; None (a card without picture) when there is
        none or it cannot be fetched: a missing thumbnail is no reason not to post."""
        if not image_url:
            return None
        policy = net.FetchPolicy.from_settings(self.settings, max_bytes=THUMB_MAX_BYTES)
        try:
            result = net.fetch(image_url, policy=policy, headers={"Accept": "image/*"})
        except net.FetchError:
            return None
        extension = image_extension(result.content) if result.ok else None
        if extension is None:
            return None
        return self.bluesky.upload_blob(session, result.content, _MIME[extension])


def syndicate(config: SiteConfig, store: Store, *, dry_run: bool = False,
              threads: Iterable[str] = (), now: datetime | None = None,
              api: ApiClient | None = None,
              progress: Callable[[list[PublishedArticle]], Iterable[PublishedArticle]] = iter,
              on_outcome: Callable[[Outcome], None] = lambda _o: None) -> Report:
    """Post (or, with ``dry_run``, show) every article not yet on a configured platform.

    ``threads`` names articles to post whatever their age; without it only articles dated within
    ``SYNDICATE_MAX_AGE_DAYS`` are posted.
    """
    now = now or datetime.now(UTC)
    wanted = set(threads)
    articles = published_articles(config.threads_manifest, config.output_path)
    unknown = wanted - {a.key for a in articles}
    if unknown:
        raise ApiError(f"not an article of the last build: {', '.join(sorted(unknown))}")
    max_age = config.engagement.SYNDICATE_MAX_AGE_DAYS
    recorded = {(s.thread, s.platform) for s in store.syndications()}
    enabled = enabled_platforms(config)
    owned = api is None
    api = api or ApiClient.from_settings(config.engagement)
    report = Report()
    try:
        run = Syndicator(config, store, api, dry_run=dry_run)
        for article in progress(articles):
            if wanted and article.key not in wanted:
                continue
            fresh = bool(wanted) or not max_age or (
                article.date is not None and now - article.date <= timedelta(days=max_age))
            for outcome in run.article(article, recorded=recorded, fresh=fresh, enabled=enabled):
                if outcome.status != "known":
                    report.outcomes.append(outcome)
                    on_outcome(outcome)
    finally:
        report.calls = api.calls
        if owned:
            api.close()
    return report
