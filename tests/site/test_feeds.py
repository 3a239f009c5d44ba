"""Atom and RSS feeds: well-formed, complete for validators, and pointing at pages that exist."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from defusedxml import ElementTree

from tests.site.pages import SITEURL, local_file, soup

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = [
    "feeds/all.atom.xml",
    "feeds/all.rss.xml",
    "feeds/category/customer-experience.atom.xml",
    "feeds/author/matthew-thomas.atom.xml",
    "feeds/author/matthew-thomas.rss.xml",
]


def test_every_xml_file_in_the_output_is_a_clean_feed(seed_site: Path) -> None:
    """Ours and the plugins' (comment feeds): each parses without feedparser's "bozo" flag."""
    written = {str(path.relative_to(seed_site)) for path in seed_site.rglob("*.xml")}
    assert set(FEEDS) <= written
    for path in sorted(written):
        feed = feedparser.parse((seed_site / path).read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version, path


@pytest.mark.parametrize("path", FEEDS)
def test_feed_parses_cleanly_and_links_to_existing_pages(seed_site: Path, path: str) -> None:
    feed = feedparser.parse((seed_site / path).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title.startswith("CXperience")
    assert feed.entries
    for entry in feed.entries:
        target = local_file(seed_site, entry.link)
        assert target is not None and target.is_file(), entry.link
        assert soup(seed_site, str(target.relative_to(seed_site))).h1.get_text(strip=True) == entry.title
        assert entry.author and entry.id and entry.published_parsed


def test_site_feeds_hold_all_five_articles(seed_site: Path) -> None:
    for path in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        assert len(feedparser.parse((seed_site / path).read_bytes()).entries) == 5


def test_atom_feed_has_the_elements_rfc4287_requires(seed_site: Path) -> None:
    root = ElementTree.parse(seed_site / "feeds/all.atom.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{element}") is not None, element
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITEURL}/feeds/all.atom.xml"
    for entry in root.iter(f"{ATOM}entry"):
        for element in ("id", "title", "updated", "author/" + f"{ATOM}name"):
            assert entry.find(f"{ATOM}{element}") is not None, element
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(f"{SITEURL}/")


def test_rss_guids_that_are_not_urls_say_so(seed_site: Path) -> None:
    """RSS 2.0 reads a guid as a URL unless isPermaLink="false"; Pelican's tag: URIs need the flag."""
    channel = ElementTree.parse(seed_site / "feeds/all.rss.xml").getroot().find("channel")
    for element in ("title", "link", "description"):
        assert channel.find(element) is not None and channel.find(element).text, element
    guids = channel.findall("item/guid")
    assert len(guids) == 5
    for guid in guids:
        assert guid.text.startswith("http") or guid.get("isPermaLink") == "false", guid.text


def test_every_page_advertises_the_site_feeds(seed_site: Path) -> None:
    head = soup(seed_site, "404.html").head
    assert (
        head.find("link", rel="alternate", type="application/atom+xml")["href"]
        == "/feeds/all.atom.xml"  # root-relative: a page's links to its own site (FEED_DOMAIN = SITEURL)
    )
    assert (
        head.find("link", rel="alternate", type="application/rss+xml")["href"]
        == "/feeds/all.rss.xml"
    )
