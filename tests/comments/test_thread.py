"""Approved comments rendered into the article page: threading, safety, form, closed threads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.comments.helpers import make_site, soup


def test_replies_nest_under_their_parent(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    top = site.comment("first-post", "Top", author_name="Ann")
    reply = site.comment("first-post", "Reply", minutes=1, parent=top, author_name="Bob")
    site.comment("first-post", "Reply to reply", minutes=2, parent=reply, author_name="Cy")
    page = soup(site.build(), "2024/01/first-post")

    nested = page.select_one(f"#comment-{top.id} > ol.eg-replies > #comment-{reply.id} > ol.eg-replies > li")
    assert nested is not None and "Reply to reply" in nested.get_text()
    assert page.select_one("#comments-title").get_text(strip=True) == "3 replies"


def test_replies_deeper_than_the_limit_stay_at_the_deepest_level(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_COMMENT_MAX_DEPTH=2)
    top = site.comment("first-post", "Depth one")
    second = site.comment("first-post", "Depth two", minutes=1, parent=top)
    third = site.comment("first-post", "Would be three", minutes=2, parent=second)
    page = soup(site.build(), "2024/01/first-post")

    classes = page.select_one(f"#comment-{third.id}")["class"]
    assert [name for name in classes if name.startswith("eg-depth-")] == ["eg-depth-2"]
    assert page.select_one(f"#comment-{top.id} > ol.eg-replies > #comment-{third.id}") is not None


def test_comment_shows_author_link_date_and_permalink(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    entry = site.comment("first-post", "Hi", author_name="Ann", author_url="https://ann.example/")
    page = soup(site.build(), "2024/01/first-post")
    comment = page.select_one(f"#comment-{entry.id}")

    author = comment.select_one("a.p-author")
    assert author["href"] == "https://ann.example/" and author["rel"] == ["nofollow", "ugc"]
    permalink = comment.select_one("p > a.u-url:not(.p-author)")
    assert permalink["href"] == f"#comment-{entry.id}"
    assert permalink.time["datetime"] == "2024-05-01T12:00Z"  # no :00 seconds


def test_script_payloads_are_inert(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    payload = '<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))'
    site.comment("first-post", payload, author_name='<b onmouseover="alert(4)">Eve</b>',
                 author_url="javascript:alert(5)")
    html = (site.build() / "2024/01/first-post/index.html").read_text("utf-8")
    section = html[html.index("<!--engagement:comments"):html.index("<!--/engagement:comments")]

    assert "<script>alert" not in section and "<img" not in section
    assert "javascript:" not in section.replace("javascript:alert(3)", "")  # shown as text only
    assert 'href="javascript:' not in section
    assert "<b onmouseover" not in section


def test_email_is_never_written_to_the_output(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("first-post", "Hi", author_email="secret.person@example.org")
    output = site.build()
    for path in output.rglob("*"):
        if path.is_file():
            assert b"secret.person" not in path.read_bytes(), path


def test_pending_and_rejected_comments_are_not_shown(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("first-post", "Waiting", status="pending")
    site.comment("first-post", "Refused", status="rejected")
    page = soup(site.build(), "2024/01/first-post")
    assert page.select("li.p-comment") == []
    assert page.select_one("#comments-title").get_text(strip=True) == "No replies yet"


def test_open_thread_has_the_form_the_endpoint_expects(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("first-post", "Hi")
    page = soup(site.build(), "2024/01/first-post")
    form = page.select_one("form#comment-form")

    assert form["method"] == "post" and form["action"] == "http://127.0.0.1:8001/comments"
    assert form["data-api"] == "http://127.0.0.1:8001/api/comments"
    names = {field["name"] for field in form.select("[name]")}
    assert names == {"thread", "parent", "choose_parent", "name", "email", "website", "body", "notify",
                     "homepage"}
    assert form.select_one("[name=thread]")["value"] == "2024/01/first-post/"
    honeypot = form.select_one("[name=homepage]")
    assert honeypot["tabindex"] == "-1" and honeypot["autocomplete"] == "off"
    assert honeypot.find_parent(attrs={"aria-hidden": "true"}) is not None
    assert "awaiting moderation" in page.select_one("#comment-pending").get_text()


def test_form_leaves_the_reply_choice_to_the_endpoint(tmp_path: Path) -> None:
    """No list of the thread's comments in the page: the script's Reply buttons set `parent`, and a
    post without the script is asked on the endpoint's "check and send" page."""
    site = make_site(tmp_path)
    site.comment("first-post", "Hi")
    form = soup(site.build(), "2024/01/first-post").select_one("form#comment-form")
    assert form.select("select") == []
    parent = form.select_one("[name=parent]")
    assert (parent["type"], parent["value"]) == ("hidden", "")
    assert form.select_one("[name=choose_parent]")["value"] == "1"


def test_form_carries_no_empty_error_slots(tmp_path: Path) -> None:
    """Errors without a script are the endpoint's page; comment-post.js makes a slot when needed."""
    site = make_site(tmp_path)
    form = soup(site.build(), "2024/01/first-post").select_one("form#comment-form")
    assert form.select(".eg-error") == []
    assert [f["aria-describedby"] for f in form.select("[aria-describedby]")] == ["cf-website-help",
                                                                                   "cf-body-help"]


def test_closed_thread_says_comments_are_closed(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    page = soup(site.build(), "2024/03/closed-post")
    assert page.select_one("form#comment-form") is None
    assert page.select_one(".eg-closed").get_text(strip=True) == "Comments are closed."


def test_seed_000_shows_comments_are_closed(seed_site: Path) -> None:
    page = soup(seed_site, "2014/06/understanding-customer-service-a-social-media-tale")
    assert page.select_one("form#comment-form") is None
    assert "Comments are closed." in page.select_one("#comments").get_text()


def test_no_endpoint_means_no_form(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_ENDPOINT_URL="")
    site.comment("first-post", "Still shown")
    page = soup(site.build(), "2024/01/first-post")
    assert page.select_one("form#comment-form") is None
    assert page.select_one("li.p-comment") is not None


def test_jsonld_carries_comment_count_and_comments(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_COMMENT_JSONLD_ITEMS=2)  # the default lists one
    top = site.comment("first-post", "Top *one*", author_name="Ann")
    site.comment("first-post", "Reply", minutes=1, parent=top, author_name="Bob")
    page = soup(site.build(), "2024/01/first-post")
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)

    assert data["@type"] == "BlogPosting" and data["commentCount"] == 2
    first, second = data["comment"]
    assert first["@type"] == "Comment" and first["author"]["name"] == "Ann" and first["text"] == "Top one"
    assert second["parentItem"]["@id"] == first["@id"]


def _extras_links(page: Any) -> list[str]:
    return [link["href"] for link in page.select('#comments link[rel="stylesheet"]')
            if link["href"].endswith("/engagement/comment-extras.css")]


def test_flat_thread_does_without_the_extras_stylesheet(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.comment("first-post", "One")
    site.comment("first-post", "Two", minutes=1)
    page = soup(site.build(), "2024/01/first-post")

    assert len(page.select("li.p-comment")) == 2
    assert _extras_links(page) == []


@pytest.mark.parametrize("shows", ["reply", "author-badge", "page-links"])
def test_extras_stylesheet_is_linked_in_the_section_that_shows_them(tmp_path: Path, shows: str) -> None:
    site = make_site(tmp_path, ENGAGEMENT_COMMENTS_PER_PAGE=1 if shows == "page-links" else 100)
    first = site.comment("first-post", "One")
    site.comment("first-post", "Two", minutes=1, parent=first if shows == "reply" else None,
                 by_author=shows == "author-badge")
    output = site.build()

    pages = ["2024/01/first-post"] + (["2024/01/first-post/comments/page/2"] if shows == "page-links" else [])
    for path in pages:
        assert len(_extras_links(soup(output, path))) == 1, path
