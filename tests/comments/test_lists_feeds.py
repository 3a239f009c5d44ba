"""Counts on list pages, comment feeds, and builds that read an export instead of a database."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from pelican.plugins.engagement.build import EngagementBuildError

from tests.comments.helpers import make_site, soup


def _count(page, slug: str) -> str:
    for item in page.select("article.article-summary"):
        if slug in item.a["href"]:
            count = item.select_one(".eg-count")
            return count.get_text(strip=True) if count else ""
    raise AssertionError(f"{slug} not listed")


def test_index_shows_reply_counts(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("first-post", "One")
    site.comment("first-post", "Two", minutes=1)
    page = soup(site.build(), "")
    assert _count(page, "first-post") == "2 replies"
    assert _count(page, "second-post") == "No replies yet"
    assert _count(page, "closed-post") == ""  # closed and silent: nothing to announce


def test_count_links_to_the_comments(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("second-post", "One")
    page = soup(site.build(), "")
    link = next(a for a in page.select("a.eg-count") if "second-post" in a["href"])
    assert link.get_text() == "1 reply"
    assert link["href"] == "/2024/02/second-post/#comments"  # root-relative, as every own link


def test_article_comment_feed_parses_and_lists_comments(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    entry = site.comment("first-post", "Feed me", author_name="Ann", author_email="ann@example.org")
    output = site.build()
    feed = feedparser.parse((output / "feeds/comments/2024/01/first-post.atom.xml").read_bytes())

    assert not feed.bozo
    (item,) = feed.entries
    assert item.link == f"http://127.0.0.1:8000/2024/01/first-post/#comment-{entry.id}"
    assert item.author == "Ann" and "Feed me" in item.summary
    assert b"ann@example.org" not in (output / "feeds/comments/2024/01/first-post.atom.xml").read_bytes()


def test_site_comment_feed_has_newest_first_across_articles(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("first-post", "Older")
    site.comment("second-post", "Newer", minutes=5)
    feed = feedparser.parse((site.build() / "feeds/comments.atom.xml").read_bytes())
    assert not feed.bozo
    assert [e.summary for e in feed.entries] == ["<p>Newer</p>", "<p>Older</p>"]


def test_articles_without_comments_have_no_feed_and_no_feed_link(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    output = site.build()
    assert not (output / "feeds/comments/2024/02/second-post.atom.xml").exists()
    assert soup(output, "2024/02/second-post").select_one(".eg-feed") is None


def test_site_feed_without_comments_is_the_same_on_every_build(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    first = (site.build() / "feeds/comments.atom.xml").read_bytes()
    again = (site.build(tmp_path / "again") / "feeds/comments.atom.xml").read_bytes()
    assert first == again
    assert not feedparser.parse(first).bozo


def test_build_reads_comments_from_an_export(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("first-post", "From the export", author_email="private@example.org")
    export = tmp_path / "export.json"
    export.write_text(json.dumps(site.store.export(private=False)), "utf-8")
    output = site.build(ENGAGEMENT_EXPORT_PATH=str(export),
                        ENGAGEMENT_DATABASE_URL=f"sqlite:///{tmp_path / 'nowhere' / 'none.sqlite3'}")
    assert "From the export" in soup(output, "2024/01/first-post").select_one("li.p-comment").get_text()
    assert not (tmp_path / "nowhere").exists()  # the build created no database


def test_bad_export_stops_the_build_naming_the_file(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    export = tmp_path / "broken.json"
    export.write_text('{"format": "engagement-export",\n "entries": [', "utf-8")
    with pytest.raises(EngagementBuildError, match=r"broken\.json:2"):
        site.build(ENGAGEMENT_EXPORT_PATH=str(export))
