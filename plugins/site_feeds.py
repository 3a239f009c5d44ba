"""Site plugin (not part of the engagement package): make Pelican's RSS feeds valid RSS 2.0.

Pelican gives each RSS item a ``tag:`` URI as its ``<guid>`` but leaves out ``isPermaLink="false"``,
so RSS 2.0 readers and validators take the guid for a URL and reject it. Marking it as not a
permalink keeps the stable id (the same as the Atom ``<id>``) and makes the feed valid.
"""

from __future__ import annotations

from typing import Any

from feedgenerator import Rss201rev2Feed
from pelican import signals


def mark_guids_as_ids(context: Any, feed: Any) -> None:
    if isinstance(feed, Rss201rev2Feed):
        for item in feed.items:
            item["unique_id_is_permalink"] = False


def register() -> None:
    signals.feed_generated.connect(mark_guids_as_ids)
