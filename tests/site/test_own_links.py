"""Links to the site's own pages and files are root-relative, keeping SITEURL's path; what is read
elsewhere (canonical, OpenGraph, JSON-LD) keeps the whole address; RELATIVE_URLS still works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.site.pages import soup
from tests.support.sites import build_site, write_article

BLOG = "https://example.org/blog"
ARTICLE = "2024/01/hello/index.html"


def _site(root: Path, **overrides: object) -> Path:
    write_article(root / "content" / "articles", "hello", "Text.", extra={"Tags": "one"})
    return build_site(root, root / "content", **overrides)


@pytest.fixture(scope="module")
def under_a_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("under-a-path"), SITEURL=BLOG, FEED_DOMAIN=BLOG)


def test_theme_links_keep_the_site_path(under_a_path: Path) -> None:
    page = soup(under_a_path, ARTICLE)
    assert page.find("link", rel="stylesheet")["href"] == "/blog/theme/css/site.css"
    assert page.select_one(".site-title a")["href"] == "/blog/"
    assert page.select_one('a[rel="tag"]')["href"] == "/blog/tag/one/"
    feed = page.find("link", rel="alternate", type="application/atom+xml")
    assert feed["href"] == "/blog/feeds/all.atom.xml"


def test_plugin_links_keep_the_site_path(under_a_path: Path) -> None:
    page = soup(under_a_path, ARTICLE)
    assert page.find("link", rel="stylesheet", href="/blog/engagement/comments.css")
    assert page.select_one("#comments script")["src"] == "/blog/engagement/comments.js"


def test_addresses_read_elsewhere_stay_absolute(under_a_path: Path) -> None:
    page = soup(under_a_path, ARTICLE)
    url = f"{BLOG}/2024/01/hello/"
    assert page.find("link", rel="canonical")["href"] == url
    assert page.find("meta", property="og:url")["content"] == url
    assert page.find("meta", property="article:author")["content"].startswith(f"{BLOG}/author/")
    assert json.loads(page.find("script", type="application/ld+json").string)["url"] == url


def test_feeds_on_another_domain_stay_absolute(tmp_path: Path) -> None:
    output = _site(tmp_path, SITEURL=BLOG, FEED_DOMAIN="https://feeds.example.net")
    feed = soup(output, ARTICLE).find("link", rel="alternate", type="application/atom+xml")
    assert feed["href"] == "https://feeds.example.net/feeds/all.atom.xml"


def test_relative_urls_link_from_each_page_depth(tmp_path: Path) -> None:
    output = _site(tmp_path, RELATIVE_URLS=True)
    page = soup(output, ARTICLE)
    assert page.find("link", rel="stylesheet")["href"] == "../../../theme/css/site.css"
    assert page.select_one('a[rel="tag"]')["href"] == "../../../tag/one/"
