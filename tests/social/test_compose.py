"""The words of a syndicated post: templates, limits, hashtags and Bluesky facets."""

from __future__ import annotations

import grapheme
from pelican.plugins.engagement.social import compose
from pelican.plugins.engagement.social.compose import PublishedArticle

TEMPLATE = "{title}\n\n{summary}\n\n{url}\n\n{hashtags}"
URL = "https://blog.example/2026/11/the-now-of-customer-service/"


def _article(summary: str = "Short.", title: str = "The now",
             tags=("twitter", "response time")) -> PublishedArticle:
    return PublishedArticle(key="2026/11/x/", url=URL, title=title, summary=summary, tags=tags)


def test_tags_become_hashtags() -> None:
    assert compose.hashtags(("twitter", "response time", "Twitter", "!!", "2016")) == "#twitter #ResponseTime"


def test_a_short_article_is_posted_whole() -> None:
    text = compose.mastodon_text(TEMPLATE, _article())
    assert text == f"The now\n\nShort.\n\n{URL}\n\n#twitter #ResponseTime"


def test_mastodon_counts_a_link_as_23_characters() -> None:
    text = compose.mastodon_text(TEMPLATE, _article(summary="word " * 200))
    assert compose.mastodon_length(text) <= 500 < len(text) + 100
    assert URL in text and text.endswith("#twitter #ResponseTime")


def test_bluesky_keeps_300_graphemes_shortening_the_summary_at_a_word() -> None:
    text, _facets = compose.bluesky_text(TEMPLATE, _article(summary="👩‍👩‍👧 family " * 60))
    assert grapheme.length(text) <= 300
    assert "…" in text and URL in text and "famil…" not in text


def test_facets_use_utf8_byte_offsets() -> None:
    text, facets = compose.bluesky_text(TEMPLATE, _article(title="Café ☕ talk"))
    raw = text.encode("utf-8")
    link = next(f for f in facets if f["features"][0]["$type"].endswith("#link"))
    assert raw[link["index"]["byteStart"]:link["index"]["byteEnd"]].decode() == URL
    tags = [raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode() for f in facets
            if f["features"][0]["$type"].endswith("#tag")]
    assert tags == ["#twitter", "#ResponseTime"]


def test_a_long_title_is_shortened_when_the_summary_is_not_enough() -> None:
    text = compose.mastodon_text(TEMPLATE, _article(summary="", title="Title " * 120))
    assert compose.mastodon_length(text) <= 500 and URL in text
