"""Atom feeds of comments: one per article and one for the whole site.

Written with ``feedgenerator`` (what Pelican writes its own feeds with). A feed's ``updated`` is its
newest comment's date, or the article's date when it has none, never "now": a rebuild must give
the same bytes as a full build.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from feedgenerator import Atom1Feed

from pelican.plugins.engagement.comments.views import (
    CommentNode,
    RenderContext,
    ThreadView,
)

SITE_FEED_PATH = "feeds/comments.atom.xml"


class _StableAtomFeed(Atom1Feed):
    """An Atom feed whose ``updated`` falls back to a fixed date instead of the current time."""

    def __init__(self, *args: object, fallback_date: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._fallback_date = fallback_date

    def latest_post_date(self) -> datetime:
        return super().latest_post_date() if self.items else self._fallback_date


def _add_comment(feed: Atom1Feed, view: ThreadView, node: CommentNode) -> None:
    entry = node.entry
    feed.add_item(
        title=f"{entry.author_name} on “{view.title}”",
        link=node.permalink,
        description=entry.body_html,
        author_name=entry.author_name,
        author_link=entry.author_url or None,
        pubdate=entry.created_at,
        unique_id=node.permalink,
    )


Pair = tuple[ThreadView, CommentNode]


def _newest(nodes: Iterable[Pair], limit: int) -> list[Pair]:
    return sorted(nodes, key=lambda pair: (pair[1].entry.created_at, pair[1].id), reverse=True)[:limit]


def _all_nodes(view: ThreadView) -> Iterable[Pair]:
    for root in view.roots:
        for node in root.walk():
            yield view, node


def thread_feed(view: ThreadView) -> str:
    """The Atom feed of one article's newest comments."""
    context = view.context
    feed = _StableAtomFeed(
        title=f"Comments on “{view.title}”",
        link=view.url,
        description=f"Comments on “{view.title}”",
        feed_url=view.feed_url,
        feed_guid=view.feed_url,
        fallback_date=datetime.fromisoformat(view.thread.date),
    )
    for _, node in _newest(_all_nodes(view), context.feed_items):
        _add_comment(feed, view, node)
    return feed.writeString("utf-8")


def site_feed(views: Iterable[ThreadView], context: RenderContext) -> str:
    """The Atom feed of the newest comments on every article."""
    pairs = _newest((pair for view in views for pair in _all_nodes(view)), context.feed_items)
    url = context.absolute(SITE_FEED_PATH)
    title = f"Comments on {context.site_name}" if context.site_name else "Comments"
    feed = _StableAtomFeed(
        title=title,
        link=context.absolute(""),
        description=title,
        feed_url=url,
        feed_guid=url,
        fallback_date=datetime.fromisoformat("2000-01-01T00:00:00+00:00"),
    )
    for view, node in pairs:
        _add_comment(feed, view, node)
    return feed.writeString("utf-8")
