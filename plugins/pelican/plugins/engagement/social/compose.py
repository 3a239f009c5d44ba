"""The words of a syndicated post: what each platform receives for one article.

One template (``ENGAGEMENT_SYNDICATION_TEMPLATE``) gives both texts. Each platform has its own
limit: Mastodon 500 characters with every link counted as 23, Bluesky 300 grapheme clusters with
links counted in full. When the text is too long the summary is shortened first (at a word, with
"…"), then the title; the link and the hashtags stay whole. Bluesky needs the link and the tags
marked as facets, by byte offset into the UTF-8 text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import grapheme

MASTODON_LIMIT = 500
MASTODON_LINK_LENGTH = 23
BLUESKY_LIMIT = 300
ELLIPSIS = "…"


@dataclass(frozen=True)
class PublishedArticle:
    """What a post says about an article, read from its built page."""

    key: str
    url: str
    title: str
    summary: str
    tags: tuple[str, ...] = ()
    image_url: str = ""
    language: str = ""
    date: datetime | None = None
    named: dict[str, str] = field(default_factory=dict)  # platform -> hand-named post URL


def hashtag(tag: str) -> str:
    """``response time`` → ``#ResponseTime``; ``twitter`` → ``#twitter``; empty when nothing is left."""
    words = re.findall(r"\w+", tag)
    if not words:
        return ""
    joined = words[0] if len(words) == 1 else "".join(w[:1].upper() + w[1:] for w in words)
    return f"#{joined}" if not joined.isdigit() else ""


def hashtags(tags: tuple[str, ...]) -> str:
    seen: list[str] = []
    for tag in tags:
        text = hashtag(tag)
        if text and text.lower() not in (t.lower() for t in seen):
            seen.append(text)
    return " ".join(seen)


def render(template: str, article: PublishedArticle, *, summary: str, title: str) -> str:
    text = template.format(title=title, summary=summary, url=article.url,
                           hashtags=hashtags(article.tags))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _shorten(text: str, keep: int, length: Callable[[str], int]) -> str:
    """``text`` cut to at most ``keep`` units (at a word when it can), with an ellipsis."""
    if length(text) <= keep:
        return text
    if keep <= 1:
        return ""
    cut = grapheme.slice(text, 0, keep - 1)
    if " " in cut[len(cut) // 2:]:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def fit(template: str, article: PublishedArticle, limit: int, length: Callable[[str], int]) -> str:
    """The template filled in and within ``limit`` (shortening summary, then title)."""
    summary, title = article.summary, article.title
    text = render(template, article, summary=summary, title=title)
    over = length(text) - limit
    if over > 0 and summary:
        summary = _shorten(summary, max(0, length(summary) - over), length)
        text = render(template, article, summary=summary, title=title)
        over = length(text) - limit
    if over > 0:
        title = _shorten(title, max(0, length(title) - over), length)
        text = render(template, article, summary=summary, title=title)
    return text


def mastodon_length(text: str) -> int:
    """Characters as Mastodon counts them: every http(s) link as 23."""
    return len(re.sub(r"https?://\S+", "x" * MASTODON_LINK_LENGTH, text))


def mastodon_text(template: str, article: PublishedArticle) -> str:
    return fit(template, article, MASTODON_LIMIT, mastodon_length)


def bluesky_text(template: str, article: PublishedArticle) -> tuple[str, list[dict[str, Any]]]:
    """The post text (at most 300 graphemes) and its facets: the link, and each #hashtag."""
    text = fit(template, article, BLUESKY_LIMIT, grapheme.length)
    return text, facets(text, article.url)


def facets(text: str, url: str) -> list[dict[str, Any]]:
    """Link facets for every occurrence of ``url`` and tag facets for #hashtags (byte offsets)."""
    found: list[dict[str, Any]] = []
    for match in re.finditer(re.escape(url), text):
        found.append(_facet(text, match.start(), match.end(),
                            {"$type": "app.bsky.richtext.facet#link", "uri": url}))
    for match in re.finditer(r"(?<![\w/#])#(\w{1,64})", text):
        if match.group(1).isdigit():
            continue
        found.append(_facet(text, match.start(), match.end(),
                            {"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}))
    return sorted(found, key=lambda f: f["index"]["byteStart"])


def _facet(text: str, start: int, end: int, feature: dict[str, str]) -> dict[str, Any]:
    byte_start = len(text[:start].encode("utf-8"))
    byte_end = byte_start + len(text[start:end].encode("utf-8"))
    return {"index": {"byteStart": byte_start, "byteEnd": byte_end}, "features": [feature]}
