"""Which URLs are social posts, and where their oEmbed data comes from.

A built-in table covers the platforms with open oEmbed endpoints (X/Twitter, Bluesky, YouTube,
Vimeo) and the Meta ones that need a token. Mastodon has no central endpoint: any instance's status
URL (``https://host/@user/123``) is recognised by its shape and read from that instance's public
API, with oEmbed discovery as the fallback. A site adds or overrides providers with
``ENGAGEMENT_EMBEDS_PROVIDERS`` (URL pattern → endpoint), checked before the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Provider:
    """One oEmbed provider: URL patterns (shell-style, ``*`` matches anything) and its endpoint."""

    name: str
    schemes: tuple[str, ...]
    endpoint: str
    params: tuple[tuple[str, str], ...] = ()
    needs_token: bool = False

    def matches(self, url: str) -> bool:
        return any(fnmatchcase(url, scheme) for scheme in self.schemes)


def _both(*paths: str, hosts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"https://{host}{path}" for host in hosts for path in paths)


_GRAPH = "https://graph.facebook.com/v19.0"
BUILT_IN: tuple[Provider, ...] = (
    Provider("X", _both("/*/status/*", hosts=("twitter.com", "www.twitter.com", "mobile.twitter.com",
                                              "x.com", "www.x.com")),
             "https://publish.twitter.com/oembed", (("omit_script", "1"), ("dnt", "true"))),
    Provider("Bluesky", _both("/profile/*/post/*", hosts=("bsky.app",)), "https://embed.bsky.app/oembed"),
    Provider("YouTube", (*_both("/watch?*", "/shorts/*", "/live/*",
                                hosts=("www.youtube.com", "youtube.com", "m.youtube.com")),
                         "https://youtu.be/*"), "https://www.youtube.com/oembed", (("format", "json"),)),
    Provider("Vimeo", _both("/*", hosts=("vimeo.com", "www.vimeo.com", "player.vimeo.com")),
             "https://vimeo.com/api/oembed.json"),
    Provider("Instagram", _both("/p/*", "/reel/*", "/tv/*", "/*/p/*",
                                hosts=("www.instagram.com", "instagram.com")),
             f"{_GRAPH}/instagram_oembed", needs_token=True),
    Provider("Facebook", (*_both("/*/videos/*", "/watch/*", hosts=("www.facebook.com", "facebook.com")),
                          "https://fb.watch/*"), f"{_GRAPH}/oembed_video", needs_token=True),
    Provider("Facebook", _both("/*/posts/*", "/permalink.php?*", "/story.php?*", "/photo*",
                               hosts=("www.facebook.com", "facebook.com")),
             f"{_GRAPH}/oembed_post", needs_token=True),
    Provider("Threads", _both("/@*/post/*", hosts=("www.threads.net", "threads.net", "www.threads.com",
                                                   "threads.com")),
             "https://graph.threads.net/v1.0/oembed", needs_token=True),
)

#: Mastodon (and compatible) status URLs on any instance.
_MASTODON_PATHS = (re.compile(r"^/@[^/]+/(?P<id>\d+)/?$"),
                   re.compile(r"^/users/[^/]+/statuses/(?P<id>\d+)/?$"))


@dataclass(frozen=True)
class Match:
    """How to fetch one URL: an oEmbed provider, or a Mastodon instance's status API."""

    platform: str
    provider: Provider | None = None
    mastodon_api: str = ""


def site_providers(configured: Mapping[str, str]) -> tuple[Provider, ...]:
    """Providers from ``ENGAGEMENT_EMBEDS_PROVIDERS`` (named after the endpoint's host)."""
    return tuple(Provider(urlsplit(endpoint).hostname or "oEmbed", (pattern,), endpoint)
                 for pattern, endpoint in configured.items())


def mastodon_status_api(url: str) -> str:
    """The instance's public status API for a status URL, or "" when the URL is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.query:
        return ""
    for pattern in _MASTODON_PATHS:
        found = pattern.match(parts.path)
        if found:
            return f"{parts.scheme}://{parts.netloc}/api/v1/statuses/{found['id']}"
    return ""


def match(url: str, extra: tuple[Provider, ...] = ()) -> Match | None:
    """What ``url`` is, or ``None`` when it is not a post we know how to embed."""
    for provider in (*extra, *BUILT_IN):
        if provider.matches(url):
            return Match(provider.name, provider=provider)
    api = mastodon_status_api(url)
    return Match("Mastodon", mastodon_api=api) if api else None
