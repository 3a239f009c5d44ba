"""What an article page announces so other sites can send us linkbacks (discovery).

``article.linkback_endpoints`` (set at ``article_generator_finalized``) holds the absolute URLs of
our Webmention and Pingback endpoints and the article's TrackBack ping URL, each only when that
protocol is enabled, there is an endpoint, and the article still accepts responses; the
``engagement/head.html`` fragment turns them into ``<link>`` elements and the TrackBack RDF block.

HTML is not the only place: Webmention senders look at the HTTP ``Link`` header first, and Pingback
clients at ``X-Pingback``. A static host can only send those if told to, so with
``ENGAGEMENT_HEADERS_FILE = "_headers"`` the build writes them in the format Netlify and Cloudflare
Pages read (one block per article path); with ``ENGAGEMENT_NGINX_HEADERS_MAP`` it writes them as
nginx ``map`` blocks that ``deploy/nginx/site.conf`` includes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.build import state
from pelican.plugins.engagement.files import write_file
from pelican.plugins.engagement.settings import EngagementSettings


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
    from pelican.plugins.engagement.comments.threads import thread_for

    settings = state(generator.settings).settings
    site_url = generator.settings.get("SITEURL", "")
    for article in generator.articles:
        # threads.collect normally ran first; work out the thread here when it did not.
        thread = getattr(article, "engagement_thread", None) or thread_for(article, site_url, settings)
        article.linkback_endpoints = endpoints_for(article.url, settings,
                                                   open_=thread.accepts_comments()[0])


def discovery_headers(pelican: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(thread key, [(header, value), …])`` for every open article, sorted by key.

    The one source of the host-side headers, whatever format a host reads them in.
    """
    settings = state(pelican.settings).settings
    found = []
    for key, thread in sorted(state(pelican.settings).threads.items()):
        endpoints = endpoints_for(key, settings, open_=thread.accepts_comments()[0])
        headers = []
        if endpoints.webmention:
            headers.append(("Link", f'<{endpoints.webmention}>; rel="webmention"'))
        if endpoints.pingback:
            headers.append(("X-Pingback", endpoints.pingback))
        if headers:
            found.append((key, headers))
    return found


def write_headers_file(pelican: Any) -> None:
    """``finalized``: the ``Link``/``X-Pingback`` headers of every open article, for the host."""
    settings = state(pelican.settings).settings
    if not settings.HEADERS_FILE:
        return
    blocks = [
        "\n".join([f"/{key}", *(f"  {name}: {value}" for name, value in headers)])
        for key, headers in discovery_headers(pelican)
    ]
    path = Path(pelican.settings["OUTPUT_PATH"]) / settings.HEADERS_FILE
    write_file(path, "".join(block + "\n\n" for block in blocks))


def write_nginx_map(pelican: Any) -> None:
    """``finalized``: the same headers as nginx ``map`` blocks, for ``deploy/nginx/site.conf``."""
    settings = state(pelican.settings).settings
    if not settings.NGINX_HEADERS_MAP:
        return
    from pelican.plugins.engagement.linkbacks.nginx import nginx_maps

    path = Path(pelican.settings["OUTPUT_PATH"]) / settings.NGINX_HEADERS_MAP
    # nginx may reload at any moment: it must never read half a file.
    write_file(path, nginx_maps(discovery_headers(pelican)))
