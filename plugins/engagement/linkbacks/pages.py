"""What an article page announces so other sites can send us linkbacks (discovery).

``article.linkback_endpoints`` (set at ``article_generator_finalized``) holds the absolute URLs of
our Webmention and Pingback endpoints and the article's TrackBack ping URL, each only when that
protocol is enabled, there is an endpoint, and the article still accepts responses; the
``engagement/head.html`` fragment turns them into ``<link>`` elements and the TrackBack RDF block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engagement.build import state
from engagement.settings import EngagementSettings


@dataclass(frozen=True)
class LinkbackEndpoints:
    webmention: str | None
    pingback: str | None
    trackback: str | None

    def __bool__(self) -> bool:
        return bool(self.webmention or self.pingback or self.trackback)


def endpoints_for(thread_key: str, settings: EngagementSettings, *, open_: bool = True
                  ) -> LinkbackEndpoints:
    base = settings.ENDPOINT_URL.rstrip("/")
    if not base or not open_:
        return LinkbackEndpoints(None, None, None)
    return LinkbackEndpoints(
        webmention=f"{base}/webmention" if settings.WEBMENTIONS else None,
        pingback=f"{base}/pingback" if settings.PINGBACKS else None,
        trackback=f"{base}/trackback/{thread_key}" if settings.TRACKBACKS else None,
    )


def attach(generator: Any) -> None:
    """``article_generator_finalized``: give each article its discovery URLs."""
    settings = state(generator.settings).settings
    for article in generator.articles:
        thread = getattr(article, "engagement_thread", None)
        open_ = thread.accepts_comments()[0] if thread is not None else True
        article.linkback_endpoints = endpoints_for(article.url, settings, open_=open_)
