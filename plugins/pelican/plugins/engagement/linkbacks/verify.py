"""Verify a linkback's source: fetch it (guarded), confirm it links to us, and read what it says.

Pingback and Webmention both require the receiver to fetch the source and find an *exact* link to
the target before showing anything; we do the same for TrackBack, whose spec does not, because an
unverified TrackBack is the easiest spam there is. The fetch goes through
:mod:`pelican.plugins.engagement.net`, so a stranger choosing the source URL cannot make us reach private
addresses.

What a mention *says* comes from its microformats2 markup (mf2py): the h-entry that links to us
gives the type (reply, like, repost, bookmark, mention), the author's h-card, the title and the
text; a page without microformats falls back to ``<title>`` and the words around the link, the way
WordPress builds a pingback excerpt ("[…] words around the link […]"). Everything is kept as
*plain text*; the caller turns it into escaped HTML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from pelican.plugins.engagement import net
from pelican.plugins.engagement.linkbacks.visibility import hidden_reason

#: Elements whose URL attribute counts as a link to the target (Webmention §3.2.2).
LINK_ATTRIBUTES = (
    ("a", "href"), ("area", "href"), ("img", "src"), ("video", "src"), ("audio", "src"),
    ("source", "src"), ("iframe", "src"),
)
EXCERPT_CHARS = 300
CONTENT_CHARS = 2000
#: mf2 property that names the post type, in the order a receiver should prefer them.
TYPE_PROPERTIES = (
    ("in-reply-to", "reply"), ("repost-of", "repost"), ("like-of", "like"), ("bookmark-of", "bookmark"),
)
ACCEPT = "text/html, application/xhtml+xml;q=0.9, application/json;q=0.5, text/plain;q=0.3"


class VerificationFailed(Exception):
    """The source did not confirm the linkback; ``reason`` is safe to show to the sender.

    ``permanent`` failures (gone, no link, not allowed) remove a stored mention; transient ones
    (timeouts, server errors) are retried a few times first.
    """

    permanent = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SourceGone(VerificationFailed):
    """The source answered 404 or 410: it does not exist (any more)."""


class NoLink(VerificationFailed):
    """The source exists but does not link to the target."""


class HiddenLink(VerificationFailed):
    """The source links to the target only where no reader sees it, or from a link farm: spam."""


class SourceRefused(VerificationFailed):
    """The source URL may not be fetched (scheme, private address, port)."""


class SourceUnavailable(VerificationFailed):
    """The source could not be read now (timeout, connection error, 5xx, too large)."""

    permanent = False


#: What the public status page says for each failure; the detailed reason is for moderators only.
#: Telling a stranger "connection refused" versus "timed out" would make us a port scanner.
PUBLIC_REASONS = (
    ("the source does not link", "The source does not link to the target."),
    ("the source answered 404", "The source does not exist."),
    ("the source answered 410", "The source was deleted."),
)


def public_reason(reason: str | None) -> str | None:
    """The failure as the sender may see it: specific only where it reveals nothing else."""
    if not reason:
        return None
    for start, message in PUBLIC_REASONS:
        if reason.startswith(start):
            return message
    return "The source could not be verified."


@dataclass(frozen=True)
class SourceReport:
    """What a verified source says about itself; all text is plain (unescaped) text."""

    source_url: str
    final_url: str
    mention_type: str
    author_name: str
    author_url: str | None
    author_photo_url: str | None  # remote; only ever fetched and stored locally, never hot-linked
    title: str | None
    site_name: str
    content: str  # the reply's text, or the words around the link


def verify_source(source: str, target: str, *, settings: Any, headers: dict[str, str] | None = None
                  ) -> SourceReport:
    """Fetch ``source`` and return what it says, or raise :class:`VerificationFailed`."""
    request_headers = {"Accept": ACCEPT, **(headers or {})}
    try:
        result = net.fetch(source, settings=settings, headers=request_headers)
    except net.BlockedAddress as error:
        raise SourceRefused(f"the source cannot be fetched: {error.reason}") from None
    except net.TooLarge:
        # Permanent: a page this size is not a blog post, and fetching it again costs the same.
        raise SourceRefused("the source is too large to verify") from None
    except net.FetchError as error:
        if "http and https" in error.reason:
            raise SourceRefused(error.reason) from None
        raise SourceUnavailable(f"the source could not be fetched: {error.reason}") from None
    if result.status in (404, 410):
        raise SourceGone(f"the source answered {result.status}")
    if not result.ok:
        if 400 <= result.status < 500:
            raise SourceGone(f"the source answered {result.status}")
        raise SourceUnavailable(f"the source answered {result.status}")
    return read_source(source, result, target)


def read_source(source: str, result: net.FetchResult, target: str) -> SourceReport:
    """Check a fetched source for a link to ``target`` and read its author, title and text."""
    media = result.content_type
    if media in ("application/json", "application/ld+json") or media.endswith("+json"):
        return _read_json(source, result, target)
    if media == "text/plain":
        return _read_text(source, result, target)
    if media and media not in ("text/html", "application/xhtml+xml"):
        raise NoLink(f"the source is {media}, which cannot link to the target")
    return _read_html(source, result, target)


def _same_target(url: str, target: str) -> bool:
    """An exact match, except that a ``#fragment`` on either side does not count."""
    return url == target or urldefrag(url)[0] == urldefrag(target)[0]


def find_link(soup: BeautifulSoup, base_url: str, target: str) -> Tag | None:
    """The first element of the page whose link, resolved against the page, is the target."""
    names = {name for name, _attr in LINK_ATTRIBUTES}
    attribute_of = dict(LINK_ATTRIBUTES)
    for element in soup.find_all(names):
        value = element.get(attribute_of[element.name])
        if isinstance(value, str) and value.strip() and _same_target(urljoin(base_url, value.strip()),
                                                                      target):
            return element
    return None


def _read_html(source: str, result: net.FetchResult, target: str) -> SourceReport:
    import mf2py

    soup = BeautifulSoup(result.content, "html.parser")
    link = find_link(soup, result.url, target)
    if link is None:
        raise NoLink("the source does not link to the target")
    hidden = hidden_reason(soup, link, result.url)
    if hidden:
        raise HiddenLink(hidden)
    parsed = mf2py.parse(doc=soup, url=result.url, metaformats=False)
    entry = _entry_linking_to(parsed.get("items", []), target)
    page_title = _clean(soup.title.get_text()) if soup.title else None
    site_name = _meta(soup, "og:site_name") or urlsplit(result.url).hostname or ""
    excerpt = excerpt_around(link)
    if entry is None:
        return SourceReport(
            source_url=source, final_url=result.url, mention_type="mention",
            author_name=site_name, author_url=_site_root(result.url), author_photo_url=None,
            title=page_title, site_name=site_name, content=excerpt,
        )
    author_name, author_url, photo = _author(entry, parsed.get("items", []))
    content = _first_text(entry, "summary") or _first_text(entry, "content") or excerpt
    name = _first_text(entry, "name")
    # mf2 implies a note's name from its whole text; only a real title differs from the content.
    title = _clean(name) if name and not content.startswith(name[:60]) else page_title
    return SourceReport(
        source_url=source, final_url=result.url, mention_type=_mention_type(entry, target),
        author_name=author_name or site_name, author_url=author_url or _site_root(result.url),
        author_photo_url=photo, title=title, site_name=site_name,
        content=_truncate(content, CONTENT_CHARS),
    )


def _read_json(source: str, result: net.FetchResult, target: str) -> SourceReport:
    try:
        document = json.loads(result.content)
    except ValueError:
        raise NoLink("the source is not valid JSON") from None
    if not any(isinstance(v, str) and _same_target(v, target) for v in _json_values(document)):
        raise NoLink("the source does not link to the target")
    host = urlsplit(result.url).hostname or ""
    return SourceReport(source, result.url, "mention", host, _site_root(result.url), None, None, host, "")


def _read_text(source: str, result: net.FetchResult, target: str) -> SourceReport:
    text = result.text
    position = text.find(target)
    if position < 0:
        raise NoLink("the source does not link to the target")
    host = urlsplit(result.url).hostname or ""
    around = text[max(0, position - EXCERPT_CHARS // 2): position + len(target) + EXCERPT_CHARS // 2]
    return SourceReport(source, result.url, "mention", host, _site_root(result.url), None, None, host,
                        "[…] " + _collapse(around) + " […]")


def _json_values(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [v for child in node.values() for v in _json_values(child)]
    if isinstance(node, list):
        return [v for child in node for v in _json_values(child)]
    return [node]


def _entry_linking_to(items: list[dict[str, Any]], target: str) -> dict[str, Any] | None:
    """The h-entry that names the target (in a type property), else the first h-entry."""
    entries = [item for item in _walk(items) if "h-entry" in item.get("type", [])]
    for entry in entries:
        if _mention_type(entry, target) != "mention":
            return entry
    return entries[0] if entries else None


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        if isinstance(item, dict):
            found.append(item)
            found.extend(_walk(item.get("children", [])))
    return found


def _mention_type(entry: dict[str, Any], target: str) -> str:
    properties = entry.get("properties", {})
    for name, kind in TYPE_PROPERTIES:
        for value in properties.get(name, []):
            url = value.get("properties", {}).get("url", [value.get("value")])[0] \
                if isinstance(value, dict) else value
            if isinstance(url, str) and _same_target(url, target):
                return kind
    return "mention"


def _author(entry: dict[str, Any], items: list[dict[str, Any]]
            ) -> tuple[str | None, str | None, str | None]:
    """(name, url, photo) of the entry's author h-card (or the page's first h-card)."""
    authors = entry.get("properties", {}).get("author", [])
    card = authors[0] if authors else next(
        (item for item in items if "h-card" in item.get("type", [])), None)
    if card is None:
        return None, None, None
    if isinstance(card, str):
        return (None, card, None) if card.startswith(("http://", "https://")) else (card, None, None)
    name = _first_text(card, "name") or _collapse(str(card.get("value", ""))) or None
    name = _truncate(name, 200) if name else None
    url = _first_url(card, "url")
    photo = _first_url(card, "photo")
    return name, url, photo


def _first_text(item: dict[str, Any], name: str) -> str | None:
    for value in item.get("properties", {}).get(name, []):
        text = value.get("value") if isinstance(value, dict) else value
        if isinstance(text, str) and text.strip():
            return _collapse(text)
    return None


def _first_url(item: dict[str, Any], name: str) -> str | None:
    for value in item.get("properties", {}).get(name, []):
        url = value.get("value") if isinstance(value, dict) else value
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            return url
    return None


def excerpt_around(link: Tag, width: int = EXCERPT_CHARS) -> str:
    """The words of the link's paragraph around it, WordPress style: "[…] … […]"."""
    block = link
    for parent in link.parents:
        if parent.name in ("p", "li", "blockquote", "td", "dd", "div", "article", "body"):
            block = parent
            break
    text = _collapse(block.get_text(" "))
    anchor = _collapse(link.get_text(" "))
    position = text.find(anchor) if anchor else -1
    if position < 0:
        position = 0
    start = max(0, position - width // 2)
    end = min(len(text), start + width)
    snippet = text[start:end].strip()
    if start > 0:
        snippet = snippet.split(" ", 1)[-1]
    if end < len(text):
        snippet = snippet.rsplit(" ", 1)[0]
    return f"[…] {snippet} […]" if snippet else ""


def _meta(soup: BeautifulSoup, prop: str) -> str | None:
    tag = soup.find("meta", attrs={"property": prop}) or soup.find("meta", attrs={"name": prop})
    content = tag.get("content") if isinstance(tag, Tag) else None
    return _clean(content) if isinstance(content, str) and content.strip() else None


def _site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _clean(text: str) -> str:
    return _truncate(_collapse(text), 500)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
