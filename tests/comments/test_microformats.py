"""An article page read as microformats2 (mf2py, as IndieWeb readers and webmention receivers read
it): one h-entry, the article, whose comment property holds its comments, webmention replies,
mentions and linkbacks, whose like property holds its likes, and nothing else of the page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import mf2py
import pytest
from bs4 import BeautifulSoup
from pelican.plugins.engagement.store import NewEntry

from tests.comments.helpers import T0, make_site, thread_key

SITEURL = "http://127.0.0.1:8000"
PAGE = "2024/01/first-post/"


def _response(site: Any, minutes: int, kind: str, **fields: Any) -> None:
    """A webmention or pingback, approved, as the endpoint stores them."""
    site.store.add(NewEntry(thread=thread_key("first-post"), kind=kind, status="approved",
                            created_at=T0 + timedelta(minutes=minutes), **fields))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The built article with a comment, a reply to it, a webmention reply, a mention, a pingback
    and a like."""
    site = make_site(tmp_path_factory.mktemp("mf2"))
    first = site.comment("first-post", "A first comment", author_name="Ann", author_url="https://ann.example/")
    site.comment("first-post", "A reply to Ann", minutes=1, parent=first, author_name="Bo")
    _response(site, 2, "webmention", mention_type="reply", author_name="Cy",
              source_url="https://cy.example/reply", body_html="<p>Replied on my site</p>")
    _response(site, 3, "webmention", mention_type="mention", author_name="Di", title="A post citing it",
              source_url="https://di.example/post", body_html="<p>It cites the article</p>")
    _response(site, 4, "pingback", title="Pinged", blog_name="Fa's blog",
              source_url="https://fa.example/p", body_html="<p>An excerpt</p>")
    _response(site, 5, "webmention", mention_type="like", author_name="Ed", source_url="https://ed.example/like")
    return (site.build() / PAGE / "index.html").read_text("utf-8")


@pytest.fixture(scope="module")
def entry(page: str) -> dict[str, Any]:
    items = mf2py.parse(doc=page, url=f"{SITEURL}/{PAGE}")["items"]
    (item,) = [item for item in items if "h-entry" in item["type"]]
    return item


def _urls(items: list[dict[str, Any]]) -> list[str]:
    return [url for item in items for url in item["properties"]["url"]]


def test_the_page_has_one_top_level_item_the_article(page: str) -> None:
    items = mf2py.parse(doc=page, url=f"{SITEURL}/{PAGE}")["items"]
    assert [item["type"] for item in items] == [["h-entry"]]


def test_the_comment_property_holds_comments_webmentions_and_linkbacks(entry: dict[str, Any]) -> None:
    comments = entry["properties"]["comment"]
    assert all(item["type"] == ["h-cite"] for item in comments)
    assert set(_urls(comments)) == {
        f"{SITEURL}/{PAGE}#comment-1", f"{SITEURL}/{PAGE}#comment-3",  # a comment, a webmention reply
        "https://di.example/post", "https://fa.example/p",  # a mention, a pingback
    }


def test_a_reply_is_the_comment_property_of_the_comment_it_answers(entry: dict[str, Any]) -> None:
    (ann,) = [item for item in entry["properties"]["comment"] if item.get("id") == "comment-1"]
    assert _urls(ann["properties"]["comment"]) == [f"{SITEURL}/{PAGE}#comment-2"]


def test_a_comment_author_is_an_h_card_not_the_comment_url(entry: dict[str, Any]) -> None:
    (ann,) = [item for item in entry["properties"]["comment"] if item.get("id") == "comment-1"]
    (author,) = ann["properties"]["author"]
    assert author["properties"] == {"name": ["Ann"], "url": ["https://ann.example/"]}


def test_a_like_is_the_like_property(entry: dict[str, Any]) -> None:
    assert [like["value"] for like in entry["properties"]["like"]] == ["https://ed.example/like"]


def test_the_entry_keeps_its_own_properties_and_gains_no_others(entry: dict[str, Any]) -> None:
    props = entry["properties"]
    assert set(props) == {"name", "url", "published", "author", "content", "comment", "like"}
    assert props["url"] == [f"{SITEURL}/{PAGE}"]
    assert [author["properties"]["name"] for author in props["author"]] == [["Test Author"]]
    assert props["published"] == ["2024-01-02T10:00:00+0000"]
    assert "children" not in entry


def test_only_the_article_text_is_search_text(page: str) -> None:
    body = BeautifulSoup(page, "html.parser").select_one("[data-pagefind-body]")
    for ignored in body.select("[data-pagefind-ignore]"):
        ignored.decompose()
    text = body.get_text(" ", strip=True)
    assert "Some text." in text
    for shown_elsewhere in ("A first comment", "Replied on my site", "It cites the article", "An excerpt",
                            "Share this article", "About Test Author"):
        assert shown_elsewhere not in text
