"""What the pages show of an article's life on Mastodon and Bluesky.

``thread.social`` (a :class:`SocialView`) gives the templates the "Also on Mastodon · Bluesky"
links (``u-syndication``; hand-named posts from the article's metadata first, then the posts
``engagement syndicate`` recorded) and the likes and reposts as counted rows of avatars. Replies are
ordinary members of the comment thread (``PublicEntry.in_thread``). The build and the fast update
both load the records through :func:`load_syndications`, so they render the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.social import PLATFORM_NAMES, PLATFORMS

#: Avatars shown per row of reactions; the rest are counted ("and 12 more").
FACEPILE_LIMIT = 24


@dataclass(frozen=True)
class SyndicationLink:
    """An article's post on one platform."""

    platform: str
    url: str

    @property
    def name(self) -> str:
        return PLATFORM_NAMES.get(self.platform, self.platform.title())


@dataclass
class ReactionRow:
    """Likes (or reposts) from every platform, in the order they were first seen."""

    kind: str  # like | repost
    entries: list[Any] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def shown(self) -> list[Any]:
        return self.entries[:FACEPILE_LIMIT]

    @property
    def more(self) -> int:
        return max(0, self.count - FACEPILE_LIMIT)

    @property
    def label(self) -> str:
        word = {"like": ("like", "likes"), "repost": ("repost", "reposts")}[self.kind]
        return f"{self.count} {word[0] if self.count == 1 else word[1]}"

    @property
    def platforms(self) -> list[str]:
        return [PLATFORM_NAMES[p] for p in PLATFORMS if any(e.kind == p for e in self.entries)]


@dataclass
class SocialView:
    links: list[SyndicationLink]
    rows: list[ReactionRow]

    @property
    def reactions(self) -> list[ReactionRow]:
        """The rows that have someone in them."""
        return [row for row in self.rows if row.count]

    @classmethod
    def of(cls, view: Any) -> SocialView:
        """The social side of a :class:`~pelican.plugins.engagement.comments.render.ThreadView`."""
        rows = [ReactionRow("like"), ReactionRow("repost")]
        by_kind = {row.kind: row for row in rows}
        for entry in view.entries:
            if entry.kind in PLATFORMS and entry.mention_type in by_kind:
                by_kind[entry.mention_type].entries.append(entry)
        return cls(merge_links(getattr(view.thread, "syndication", ()), view.syndications), rows)


def merge_links(named: Iterable[tuple[str, str]], recorded: Iterable[SyndicationLink]
                ) -> list[SyndicationLink]:
    """One link per platform, in platform order: the article's metadata wins over the store."""
    chosen: dict[str, SyndicationLink] = {}
    for link in recorded:
        chosen.setdefault(link.platform, link)
    for platform, url in named:
        chosen[platform] = SyndicationLink(platform, url)
    return [chosen[p] for p in PLATFORMS if p in chosen]


def load_syndications(settings: Any, base_dir: Path, threads: Iterable[str] | None = None
                      ) -> dict[str, list[SyndicationLink]]:
    """Recorded posts by thread, for the pages: from the store, or none for an export-based build
    or a store that does not exist (or predates syndication) yet."""
    from sqlalchemy.exc import DBAPIError

    from pelican.plugins.engagement.comments.entries import _open_store

    wanted = None if threads is None else set(threads)
    if settings.EXPORT_PATH:
        rows = _exported(settings, base_dir)
    else:
        store = _open_store(settings, base_dir)
        if store is None:
            return {}
        try:
            rows = [(r.thread, r.platform, r.url, r.status) for r in store.syndications(wanted)]
        except DBAPIError:  # not migrated to the syndication schema yet: nothing was syndicated
            return {}
        finally:
            store.close()
    found: dict[str, list[SyndicationLink]] = {}
    for thread, platform, url, status in rows:
        if status == "active" and (wanted is None or thread in wanted) and platform in PLATFORMS:
            found.setdefault(thread, []).append(SyndicationLink(platform, url))
    return found


def _exported(settings: Any, base_dir: Path) -> list[tuple[str, str, str, str]]:
    """The syndication records of ``ENGAGEMENT_EXPORT_PATH`` (already checked by the entries'
    loader, which reads the same file first)."""
    import json

    path = Path(settings.EXPORT_PATH)
    document = json.loads((path if path.is_absolute() else base_dir / path).read_text("utf-8"))
    return [(str(r.get("thread")), str(r.get("platform")), str(r.get("url")), str(r.get("status")))
            for r in document.get("syndications") or [] if isinstance(r, dict) and r.get("url")]
