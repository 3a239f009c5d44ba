"""The responses under an article read as one block, in every combination of what it has.

The page shows two fragments, the mentions section then the comments section (the theme's order).
WordPress pages, the seed's among them, read "N replies", then the trackbacks and pingbacks, then
the comments, then the form or "Comments are closed.": the count heads everything it counts. These
tests render both fragments with the plugin's real templates and read the page as a reader does,
heading by heading.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from pelican.plugins.engagement.comments.entries import PublicEntry
from pelican.plugins.engagement.comments.rebuild import rebuild_threads
from pelican.plugins.engagement.comments.render import FragmentRenderer
from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.comments.views import RenderContext, thread_view
from pelican.plugins.engagement.settings import from_pelican
from pelican.plugins.engagement.store import NewEntry

from tests.comments.helpers import T0, make_site, soup, thread_key, tree_bytes

ENDPOINT = "https://engage.example"


def _entry(entry_id: int, kind: str, **fields: object) -> PublicEntry:
    values: dict[str, object] = dict(
        id=entry_id, thread="t/", parent_id=None, kind=kind, author_name=f"Author {entry_id}",
        author_url=None, author_photo=None, title=None, blog_name=None, source_url=None,
        mention_type=None, body_html=f"<p>Text {entry_id}</p>",
        created_at=datetime(2024, 1, entry_id, tzinfo=UTC))
    values.update(fields)
    return PublicEntry(**values)  # type: ignore[arg-type]


COMMENT_1, COMMENT_2 = _entry(1, "comment"), _entry(2, "comment")
TRACKBACK = _entry(3, "trackback", blog_name="A blog")
MENTION = _entry(4, "webmention", mention_type="mention", source_url="https://m.example/4")
LIKE = _entry(5, "webmention", mention_type="like", source_url="https://l.example/5")


def _render(entries: list[PublicEntry], *, closed: bool) -> BeautifulSoup:
    """Both fragments of one thread, in the theme's order (theme/templates/article.html)."""
    pelican = {"SITEURL": "https://blog.example", "THEME": ""}
    context = RenderContext.from_settings(pelican, from_pelican({"ENGAGEMENT_ENDPOINT_URL": ENDPOINT}))
    thread = Thread("t/", "https://blog.example/t/", "T", "2024-01-01T00:00:00+00:00", closed=closed,
                    closed_reason="Comments are closed.")
    view = thread_view(thread, entries, context)
    renderer = FragmentRenderer(pelican, context)
    html = renderer.fragment("linkbacks", view) + renderer.fragment("comments", view)
    return BeautifulSoup(html, "html.parser")


def _reading(page: BeautifulSoup) -> list[str]:
    """What a reader meets, in order: headings ("h2 1 reply"; hidden ones marked) and the items
    (a linkback or a mention is a p-comment too, the article's comment property: named once)."""
    items = {"linkback": "linkback", "mention": "mention", "p-comment": "comment",
             "eg-closed": "closed", "eg-form": "form", "reaction": "like"}
    seen: list[str] = []
    for element in page.find_all(True):
        assert isinstance(element, Tag)
        classes = element.get("class") or []
        if element.name in ("h2", "h3"):
            hidden = " (hidden)" if "visually-hidden" in classes else ""
            seen.append(f"{element.name}{hidden} {element.get_text(strip=True)}")
        for cls, name in items.items():
            if cls in classes:
                seen.append(name)
                break
    return seen


COMBINATIONS = {
    # name: (entries, closed, what a reader meets)
    "nothing, closed": ([], True, ["h2 (hidden) Comments", "closed"]),
    "nothing, open": ([], False, ["h2 No replies yet", "h3 Leave a Reply", "form"]),
    "comments, closed": ([COMMENT_1, COMMENT_2], True,
                         ["h2 2 replies", "comment", "comment", "closed"]),
    "comments, open": ([COMMENT_1, COMMENT_2], False,
                       ["h2 2 replies", "comment", "comment", "h3 Leave a Reply", "form"]),
    # The seed page: "1 reply" / "Trackbacks & Pingbacks" / the trackback / "Comments are closed."
    "linkback, closed": ([TRACKBACK], True,
                         ["h2 1 reply", "h3 Trackbacks & Pingbacks", "linkback", "h3 (hidden) Comments",
                          "closed"]),
    "linkback, open": ([TRACKBACK], False,
                       ["h2 1 reply", "h3 Trackbacks & Pingbacks", "linkback", "h3 (hidden) Comments",
                        "h3 Leave a Reply", "form"]),
    "comments and a linkback, closed": (
        [COMMENT_1, COMMENT_2, TRACKBACK], True,
        ["h2 3 replies", "h3 Trackbacks & Pingbacks", "linkback", "h3 Comments", "comment", "comment",
         "closed"]),
    "comments and a linkback, open": (
        [COMMENT_1, COMMENT_2, TRACKBACK], False,
        ["h2 3 replies", "h3 Trackbacks & Pingbacks", "linkback", "h3 Comments", "comment", "comment",
         "h3 Leave a Reply", "form"]),
    # Likes are no replies: their row stays above the count, which heads the mention.
    "a like and a mention, open": (
        [LIKE, MENTION], False,
        ["h2 1 like", "like", "h2 1 reply", "h3 Mentions", "mention", "h3 (hidden) Comments",
         "h3 Leave a Reply", "form"]),
    "a like, a mention, a linkback and a comment, closed": (
        [LIKE, MENTION, TRACKBACK, COMMENT_1], True,
        ["h2 1 like", "like", "h2 3 replies", "h3 Mentions", "mention", "h3 Trackbacks & Pingbacks",
         "linkback", "h3 Comments", "comment", "closed"]),
    "a like only, open": ([LIKE], False,
                          ["h2 1 like", "like", "h2 No replies yet", "h3 Leave a Reply", "form"]),
}


@pytest.mark.parametrize("name", COMBINATIONS)
def test_each_combination_reads_in_order(name: str) -> None:
    entries, closed, expected = COMBINATIONS[name]
    assert _reading(_render(entries, closed=closed)) == expected


@pytest.mark.parametrize("name", COMBINATIONS)
def test_the_count_heads_exactly_what_it_counts(name: str) -> None:
    """"N replies" is followed by its N responses before the next heading of its level, and no
    heading level is skipped (axe's heading-order, one h2 level for the whole block)."""
    entries, closed, _ = COMBINATIONS[name]
    page = _render(entries, closed=closed)
    reading = _reading(page)
    levels = [int(step[1]) for step in reading if step.startswith("h")]
    assert levels[0] == 2 and all(b <= a + 1 for a, b in pairwise(levels))
    counts = [i for i, step in enumerate(reading) if step.split(" ")[-1] in ("reply", "replies")
              and step.startswith("h2")]
    for start in counts:
        number = int(reading[start].split(" ")[1])
        rest = reading[start + 1:]
        end = next((i for i, step in enumerate(rest) if step.startswith("h2")), len(rest))
        assert sum(step in ("linkback", "mention", "comment") for step in rest[:end]) == number


def test_the_seed_page_reads_as_the_wordpress_page_did(seed_site: Path) -> None:
    """Seed 000 (comments closed, one archived trackback), against /work/shared/seeds/000: "1 reply",
    "Trackbacks & Pingbacks", the trackback, "Comments are closed."."""
    page = soup(seed_site, "2014/06/understanding-customer-service-a-social-media-tale")
    text = " ".join(page.select_one("main").get_text(" ", strip=True).split())
    block = text[text.index("1 reply"):]
    assert block.startswith("1 reply Trackbacks & Pingbacks […] about Customer Service Fluidity?")
    assert block.endswith("Customer Service […] Comments Comments are closed.")  # "Comments": hidden
    assert page.select_one("#comments-title.visually-hidden").name == "h3"


def test_fast_update_keeps_both_fragments_in_step(store_url: str, tmp_path: Path) -> None:
    """The first comment under a linkback changes both fragments (the count above, the comments'
    heading shown below); the fast update gives the bytes of a full build, on each backend."""
    site = make_site(tmp_path, database_url=store_url)
    site.store.add(NewEntry(
        thread=thread_key("first-post"), kind="trackback", status="approved", blog_name="A blog",
        source_url="https://blog.example/post", title="A post", body_html="<p>Linked.</p>", created_at=T0,
    ))
    built = site.build()
    assert soup(built, "2024/01/first-post").select_one("#responses-title").get_text() == "1 reply"
    site.comment("first-post", "The first comment", minutes=5)

    rebuild_threads(site.config(), {thread_key("first-post")})

    page = soup(built, "2024/01/first-post")
    assert page.select_one("#responses-title").get_text() == "2 replies"
    assert "visually-hidden" not in (page.select_one("#comments-title").get("class") or [])
    assert tree_bytes(built) == tree_bytes(site.build(tmp_path / "fresh"))
    site.store.close()
