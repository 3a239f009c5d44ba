"""Finding another site's linkback endpoint for a URL we link to.

Webmention first, by the Recommendation's rules (§3.1.2): the HTTP ``Link`` header wins, then the
first ``<link>`` or ``<a>`` with ``rel~=webmention`` in document order; relative URLs resolve
against the target's URL *after redirects*; an empty ``href`` means the page itself; the query
string stays part of the endpoint. Then Pingback (``X-Pingback`` header, then
``<link rel="pingback">``), then TrackBack (the page's RDF block). The first protocol found wins,
so a site that speaks Webmention never also gets a pingback from us.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from requests.utils import parse_header_links

from pelican.plugins.engagement import net
from pelican.plugins.engagement.linkbacks import trackback

HTML_TYPES = ("text/html", "application/xhtml+xml", "")


@dataclass(frozen=True)
class Endpoint:
    protocol: str  # webmention | pingback | trackback
    url: str


def discover(target: str, fetcher: net.Fetcher) -> Endpoint | None:
    """The endpoint ``target`` announces (fetched with ``fetcher``), or None when it has none."""
    result = fetcher.get(target, headers={"Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"})
    return endpoint_of(result)


def endpoint_of(result: net.FetchResult) -> Endpoint | None:
    """The endpoint a fetched page announces in its headers or markup."""
    soup = None
    if result.ok and result.content_type in HTML_TYPES:
        soup = BeautifulSoup(result.content, "html.parser")
    webmention = webmention_in_headers(result) or (webmention_in_html(soup, result.url) if soup else None)
    if webmention:
        return Endpoint("webmention", webmention)
    pingback_url = result.headers.get("X-Pingback", "").strip() or (
        _pingback_in_html(soup, result.url) if soup else None)
    if pingback_url:
        return Endpoint("pingback", pingback_url)
    if soup is not None:
        ping = trackback.discover(result.text, result.url)
        if ping:
            return Endpoint("trackback", urljoin(result.url, ping))
    return None


def _has_rel(rel: object, wanted: str) -> bool:
    values = rel.split() if isinstance(rel, str) else list(rel or [])  # type: ignore[call-overload]
    return wanted in (value.lower() for value in values)


def webmention_in_headers(result: net.FetchResult) -> str | None:
    header = result.headers.get("Link", "")
    if not header:
        return None
    for link in parse_header_links(header):
        params = {key.lower(): value for key, value in link.items()}  # "REL=" counts too
        if _has_rel(params.get("rel", "").strip("\"'"), "webmention"):
            return urljoin(result.url, params.get("url", ""))
    return None


def webmention_in_html(soup: BeautifulSoup, base_url: str) -> str | None:
    for element in soup.find_all(["link", "a"]):
        if element.has_attr("href") and _has_rel(element.get("rel"), "webmention"):
            return urljoin(base_url, element["href"].strip())
    return None


def _pingback_in_html(soup: BeautifulSoup, base_url: str) -> str | None:
    for element in soup.find_all("link"):
        if element.has_attr("href") and _has_rel(element.get("rel"), "pingback"):
            return urljoin(base_url, element["href"].strip())
    return None
