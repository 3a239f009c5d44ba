"""Fetch a social post's data at build time: oEmbed, oEmbed discovery, or a Mastodon status.

Everything goes through :mod:`pelican.plugins.engagement.net` (the guarded fetch), because the URLs come from
content and discovery lets a remote page choose the next URL. The result is a snapshot entry: the
raw payload plus where and when it came from. Images are downloaded separately (:func:`download`)
so the card can show them from our own site.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup

from pelican.plugins.engagement.cases.providers import Match
from pelican.plugins.engagement.cases.snapshot import now_iso
from pelican.plugins.engagement.files import write_file
from pelican.plugins.engagement.net import Fetcher, FetchError, FetchResult

OEMBED_TYPES = ("photo", "video", "link", "rich")
DISCOVERY_TYPES = ("application/json+oembed",)
#: Discovery reads only the start of a page, as WordPress does (the <head> is enough).
DISCOVERY_MAX_BYTES = 512 * 1024
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
               "image/avif": ".avif"}


class EmbedError(Exception):
    """The post could not be fetched; ``gone`` says the platform reports it deleted."""

    def __init__(self, reason: str, *, gone: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.gone = gone


def _get(fetcher: Fetcher, url: str, what: str, accept: str) -> FetchResult:
    """One guarded GET; a deleted or private post is an error that says so (``gone``)."""
    try:
        result = fetcher.get(url, headers={"Accept": accept})
    except FetchError as error:
        raise EmbedError(f"{what}: {error.reason}") from None
    if result.status in (404, 410):
        raise EmbedError(f"{what}: the post is gone (HTTP {result.status})", gone=True)
    if result.status in (401, 403):
        raise EmbedError(f"{what}: the post is private or protected (HTTP {result.status})", gone=True)
    return result


def _json(fetcher: Fetcher, url: str, what: str) -> dict[str, Any]:
    result = _get(fetcher, url, what, "application/json")
    if not result.ok:
        raise EmbedError(f"{what}: HTTP {result.status}")
    try:
        payload = json.loads(result.content)
    except ValueError:
        raise EmbedError(f"{what}: the response is not valid JSON") from None
    if not isinstance(payload, dict):
        raise EmbedError(f"{what}: the response is not a JSON object")
    return payload


def _check_oembed(payload: dict[str, Any], what: str) -> dict[str, Any]:
    if payload.get("type") not in OEMBED_TYPES:
        raise EmbedError(f"{what}: not an oEmbed response (type {payload.get('type')!r})")
    return payload


def oembed_request_url(endpoint: str, url: str, params: tuple[tuple[str, str], ...] = (),
                       token: str = "") -> str:
    query = [("url", url), ("maxwidth", "550"), *params]
    if token:
        query.append(("access_token", token))
    separator = "&" if urlsplit(endpoint).query else "?"
    return endpoint + separator + urlencode(query)


def discover(fetcher: Fetcher, url: str) -> str:
    """The JSON oEmbed endpoint a page advertises in ``<link rel=alternate>``, or ""."""
    result = _get(fetcher, url, "discovery", "text/html")
    if not result.ok or "html" not in result.content_type:
        return ""
    soup = BeautifulSoup(result.content[:DISCOVERY_MAX_BYTES], "html.parser")
    for link in soup.find_all("link", href=True):
        rels = [rel.lower() for rel in (link.get("rel") or [])]
        if "alternate" in rels and (link.get("type") or "").lower() in DISCOVERY_TYPES:
            return urljoin(result.url, link["href"])
    return ""


def fetch_entry(fetcher: Fetcher, url: str, match: Match, *, token: str = "") -> dict[str, Any]:
    """Fetch ``url`` the way ``match`` says; returns a snapshot entry (without media)."""
    if match.mastodon_api:
        try:
            payload = _json(fetcher, match.mastodon_api, "Mastodon status API")
            if isinstance(payload.get("account"), dict) and "content" in payload:
                return _entry("mastodon", match.platform, match.mastodon_api, payload)
        except EmbedError as error:
            if error.gone:
                raise
        endpoint = discover(fetcher, url)
        if not endpoint:
            raise EmbedError("no oEmbed endpoint: neither the status API nor discovery answered")
        payload = _check_oembed(_json(fetcher, endpoint, "oEmbed"), "oEmbed")
        return _entry("oembed", match.platform, endpoint, payload)
    provider = match.provider
    assert provider is not None
    token = token if provider.needs_token else ""
    request = oembed_request_url(provider.endpoint, url, provider.params, token)
    payload = _check_oembed(_json(fetcher, request, f"{provider.name} oEmbed"), f"{provider.name} oEmbed")
    # The token must never reach the committed snapshot, so the recorded endpoint omits it.
    return _entry("oembed", match.platform, oembed_request_url(provider.endpoint, url, provider.params),
                  payload)


def _entry(source: str, platform: str, endpoint: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"fetched_at": now_iso(), "source": source, "platform": platform, "endpoint": endpoint,
            "payload": payload, "media": {}}


def media_name(url: str, content_type: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24] + IMAGE_TYPES[content_type]


def download(fetcher: Fetcher, url: str, folder: Path) -> str:
    """Save one image under ``folder``; returns its file name. Only raster images are kept:
    an SVG served from our own origin could run script when opened directly."""
    result = _get(fetcher, url, f"image {url}", ", ".join(IMAGE_TYPES))
    if not result.ok:
        raise EmbedError(f"image {url}: HTTP {result.status}")
    if result.content_type not in IMAGE_TYPES:
        raise EmbedError(f"image {url}: type {result.content_type or 'unknown'} is not allowed")
    name = media_name(url, result.content_type)
    folder.mkdir(parents=True, exist_ok=True)
    write_file(folder / name, result.content)
    return name
