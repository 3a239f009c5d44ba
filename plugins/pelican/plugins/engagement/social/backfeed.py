"""``engagement backfeed``: bring replies, likes and reposts home from Mastodon and Bluesky.

For every syndicated post (read within ``ENGAGEMENT_BACKFEED_DAYS``), the platform's public API is
read through the guarded fetch and the store is brought in step with it:

- a reply becomes an entry of the platform's kind (``mastodon`` / ``bluesky``, ``mention_type``
  "reply") in the article's thread, threaded like upstream (replies to replies, our own included);
  a like or repost becomes a reaction entry. Text was sanitized by the client; the author's avatar
  is downloaded once (guarded, checked to be an image) and served from our site;
- new entries wait for moderation unless ``ENGAGEMENT_BACKFEED_AUTO_APPROVE``; an edit upstream
  updates the entry in place, keeping its moderation state; an entry gone upstream (deleted, absent
  from the context, the whole post 404/410) is deleted here too, and leaves the pages;
- one failing post or platform is reported and skipped, never stopping the others; a run that finds
  nothing new writes nothing. At the end the pages of the threads whose *shown* entries changed are
  updated once, through the same fast path as an approval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pelican.plugins.engagement.linkbacks.avatars import avatars_dir, store_avatar
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.social import PLATFORM_NAMES, bluesky, mastodon
from pelican.plugins.engagement.social.api import ApiClient, ApiError
from pelican.plugins.engagement.social.items import Author, Conversation, Reaction, Reply
from pelican.plugins.engagement.store import Entry, NewEntry, Store, Syndication, dedupe_key

log = logging.getLogger(__name__)
ACTOR = "backfeed"


@dataclass
class BackfeedReport:
    """What one run did; ``changed`` are the threads whose pages needed an update."""

    posts: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (thread, platform, why)
    changed: set[str] = field(default_factory=set)
    changes: list[tuple[Entry | None, Entry | None]] = field(default_factory=list)
    avatars: list[str] = field(default_factory=list)
    calls: int = 0
    pages: str = ""

    def __str__(self) -> str:
        lines = [f"{self.posts} post(s) read with {self.calls} API call(s): {self.created} new, "
                 f"{self.updated} updated, {self.removed} removed; {len(self.failures)} failed."]
        lines += [f"  failed {thread} on {PLATFORM_NAMES.get(platform, platform)}: {why}"
                  for thread, platform, why in self.failures]
        if self.pages:
            lines.append(self.pages)
        return "\n".join(lines)


class Backfeed:
    """One run over the syndicated posts, with its clients and per-run caches."""

    def __init__(self, config: SiteConfig, store: Store, api: ApiClient) -> None:
        self.config = config
        self.settings = config.engagement
        self.store = store
        self.api = api
        self.avatar_folder = avatars_dir(config.pelican, self.settings)
        self.report = BackfeedReport()
        self._blocked: dict[str, frozenset[str]] = {}
        self._mastodon: dict[str, mastodon.MastodonClient] = {}

    # --- one post --------------------------------------------------------------------------------

    def post(self, syndication: Syndication) -> None:
        """Read one syndicated post and bring its entries in step; failures are reported."""
        self.report.posts += 1
        try:
            conversation = self._read(syndication)
        except ApiError as error:
            if error.gone:
                self.store.note_backfeed(syndication.id, error=str(error), gone=True)
                self._remove_absent(syndication, set(), reason="the post was deleted")
            else:
                self.store.note_backfeed(syndication.id, error=str(error))
                self.report.failures.append((syndication.thread, syndication.platform, str(error)))
            return
        seen = self._save_replies(syndication, conversation.replies)
        seen |= self._save_reactions(syndication, conversation.reactions)
        if conversation.complete:
            self._remove_absent(syndication, seen, reason="no longer there")
        self.store.note_backfeed(syndication.id)

    def _read(self, syndication: Syndication) -> Conversation:
        if syndication.platform == "mastodon":
            instance = syndication.instance or self.settings.MASTODON_INSTANCE
            client = self._mastodon_client(instance)
            blocked = self._blocks(f"mastodon:{instance}", client.blocked_accounts)
            return client.conversation(syndication.remote_id, blocked=blocked)
        client_b = bluesky.BlueskyClient(self.api, pds=self.settings.BLUESKY_PDS,
                                         appview=self.settings.BLUESKY_APPVIEW)
        did = syndication.remote_id.removeprefix("at://").split("/")[0]
        blocked = self._blocks(f"bluesky:{did}", lambda: client_b.blocked_accounts(did))
        return client_b.conversation(syndication.remote_id, blocked=blocked)

    def _mastodon_client(self, instance: str) -> mastodon.MastodonClient:
        """One client per instance for the whole run, with our token only on our own instance.

        Kept for the run because a client learns whether the instance accepts the token for reading:
        a post-only token (``write:statuses``) is refused once, then every post of the run is read
        logged-out, instead of one refused call per post (a rate-limited call each, on Mastodon).
        """
        key = instance.rstrip("/")
        if key not in self._mastodon:
            own = key == self.settings.MASTODON_INSTANCE.rstrip("/")
            self._mastodon[key] = mastodon.MastodonClient(
                self.api, instance, self.settings.MASTODON_TOKEN if own else "")
        return self._mastodon[key]

    def _blocks(self, key: str, read: Callable[[], frozenset[str]]) -> frozenset[str]:
        """Accounts blocked (or muted) by the posting account, read once per run; a failure to read
        them only means none are known."""
        if key not in self._blocked:
            try:
                self._blocked[key] = read()
            except ApiError as error:
                log.info("blocks of %s not read: %s", key, error)
                self._blocked[key] = frozenset()
        return self._blocked[key]

    # --- saving ----------------------------------------------------------------------------------

    def _status(self) -> str:
        return "approved" if self.settings.BACKFEED_AUTO_APPROVE else "pending"

    def _save_replies(self, syndication: Syndication, replies: list[Reply]) -> set[str]:
        ids: dict[str, int] = {}
        seen: set[str] = set()
        for reply in replies:  # parents come before their replies
            key = dedupe_key(syndication.platform, "reply", reply.remote_id)
            new = self._entry(syndication, reply.author, key, "reply")
            new.parent_id = ids.get(reply.parent_id or "")
            new.source_url = reply.url[:2048] or None
            new.body_source, new.body_html = reply.text, reply.html
            new.created_at = reply.created_at
            entry = self._save(new)
            ids[reply.remote_id] = entry.id
            seen.add(key)
        return seen

    def _save_reactions(self, syndication: Syndication, reactions: list[Reaction]) -> set[str]:
        seen: set[str] = set()
        for reaction in reactions:
            who = reaction.author.remote_id or reaction.author.handle
            key = dedupe_key(syndication.platform, reaction.kind, syndication.remote_id, who)
            if key in seen:
                continue
            self._save(self._entry(syndication, reaction.author, key, reaction.kind))
            seen.add(key)
        return seen

    def _entry(self, syndication: Syndication, author: Author, key: str, kind: str) -> NewEntry:
        return NewEntry(
            thread=syndication.thread, kind=syndication.platform, mention_type=kind,
            status=self._status(), author_name=author.name[:200], author_url=author.url[:2048] or None,
            author_photo=self._avatar(author.avatar_url), title=author.handle[:500] or None,
            dedupe_key=key,
        )

    def _save(self, new: NewEntry) -> Entry:
        before, after = self.store.save_social(new)
        if before is None:
            self.report.created += 1
        elif before != after:
            self.report.updated += 1
        if before != after:
            self.report.changes.append((before, after))
        return after

    def _remove_absent(self, syndication: Syndication, seen: set[str], *, reason: str) -> None:
        platform = PLATFORM_NAMES[syndication.platform]
        for entry in self.store.social_entries(syndication.thread, syndication.platform):
            if entry.dedupe_key in seen:
                continue
            # Gone upstream, gone here: the person took it back, so its text is not kept either.
            self.store.delete(entry.id, actor=ACTOR)
            log.info("entry %s removed: %s, %s", entry.id, platform, reason)
            self.report.removed += 1
            self.report.changes.append((entry, None))

    def _avatar(self, url: str) -> str | None:
        """The local file of a remote avatar, downloaded on first sight (and remembered, usable or
        not, so a run never fetches one picture twice)."""
        if not url:
            return None
        known, name = self.store.avatar_file(url)
        if known:
            return name
        name = store_avatar(url, self.avatar_folder, settings=self.settings)
        self.store.remember_avatar(url, name)
        if name:
            self.report.avatars.append(name)
        return name


def due(syndications: Iterable[Syndication], *, days: int, now: datetime) -> list[Syndication]:
    """The posts a run reads: not gone upstream, and syndicated within ``days`` (0: all)."""
    cutoff = now - timedelta(days=days) if days else None
    return [s for s in syndications if s.status == "active" and (cutoff is None or s.created_at >= cutoff)]


def backfeed(config: SiteConfig, store: Store, *, everything: bool = False, now: datetime | None = None,
             api: ApiClient | None = None, update_pages: bool = True,
             progress: Callable[[list[Syndication]], Iterable[Syndication]] = iter) -> BackfeedReport:
    """Read every due syndicated post and update the store, then the pages that changed."""
    now = now or datetime.now(UTC)
    posts = due(store.syndications(), days=0 if everything else config.engagement.BACKFEED_DAYS, now=now)
    owned = api is None
    api = api or ApiClient.from_settings(config.engagement)
    run = Backfeed(config, store, api)
    try:
        for syndication in progress(posts):
            try:
                run.post(syndication)
            except Exception as error:  # one broken post never stops the others
                log.exception("backfeed of %s on %s failed", syndication.thread, syndication.platform)
                run.report.failures.append((syndication.thread, syndication.platform, repr(error)))
    finally:
        run.report.calls = api.calls
        if owned:
            api.close()
    from pelican.plugins.engagement.moderation.refresh import changed_threads, refresh_changed

    run.report.changed = changed_threads(run.report.changes)
    if update_pages and run.report.changed:
        run.report.pages = str(refresh_changed(config, run.report.changes, store=store))
    return run.report

