"""What the built pages show and announce: discovery, the seed's trackback, mention sections."""

from __future__ import annotations

from datetime import UTC, datetime

from bs4 import BeautifulSoup
from pelican.plugins.engagement.comments.entries import PublicEntry
from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.comments.views import RenderContext, thread_view
from pelican.plugins.engagement.linkbacks import trackback

SEED_000 = "2014/06/understanding-customer-service-a-social-media-tale/"
OPEN_SEED = "2013/04/the-now-of-customer-service/"


def _page(site, key: str) -> BeautifulSoup:
    return BeautifulSoup((site / key / "index.html").read_text("utf-8"), "html.parser")


def test_open_article_announces_webmention_and_pingback(seed_site):
    page = _page(seed_site, OPEN_SEED)
    assert page.find("link", rel="webmention")["href"] == "http://127.0.0.1:8001/webmention"
    assert page.find("link", rel="pingback")["href"] == "http://127.0.0.1:8001/pingback"


def test_open_article_carries_the_trackback_rdf_block(seed_site):
    html = (seed_site / OPEN_SEED / "index.html").read_text("utf-8")
    ping = trackback.discover(html, f"http://127.0.0.1:8000/{OPEN_SEED}")
    assert ping == f"http://127.0.0.1:8001/trackback/{OPEN_SEED}"


def test_closed_article_announces_no_endpoints(seed_site):
    html = (seed_site / SEED_000 / "index.html").read_text("utf-8")
    assert 'rel="webmention"' not in html and "trackback:ping" not in html


def test_seed_trackback_is_shown_under_its_article(seed_site):
    section = _page(seed_site, SEED_000).find("section", class_="mentions")
    # "1 reply" heads the block (tests/comments/test_responses_order.py), the trackbacks under it.
    assert section.find("h2").get_text() == "1 reply"
    assert section.find("h3").get_text() == "Trackbacks & Pingbacks"
    [item] = section.select("li.linkback")
    assert item.get_text(" ", strip=True) == (
        "[…] about Customer Service Fluidity? One of the biggest elements of being fluid in "
        "customers service is adapting to the customer or rather Customer Service […]")
    assert item.find("a") is None  # the seed gives no link, so none is invented


def _entry(entry_id: int, kind: str, **fields) -> PublicEntry:
    values = dict(id=entry_id, thread="t/", parent_id=None, kind=kind, author_name="Ann",
                  author_url="https://ann.example/", author_photo=None, title=None, blog_name=None,
                  source_url=f"https://ann.example/{entry_id}", mention_type=None,
                  body_html="<p>text</p>", created_at=datetime(2024, 1, entry_id, tzinfo=UTC))
    values.update(fields)
    return PublicEntry(**values)


def _render(tmp_path, entries) -> BeautifulSoup:
    from pelican.plugins.engagement.comments.render import FragmentRenderer
    from pelican.plugins.engagement.settings import from_pelican

    pelican = {"SITEURL": "https://blog.example", "THEME": ""}
    context = RenderContext.from_settings(pelican, from_pelican({}))
    view = thread_view(Thread("t/", "https://blog.example/t/", "T", "2024-01-01T00:00:00+00:00"),
                       entries, context)
    return BeautifulSoup(FragmentRenderer(pelican, context).fragment("linkbacks", view), "html.parser")


def test_pingback_shows_title_site_excerpt_and_link(tmp_path):
    page = _render(tmp_path, [_entry(1, "pingback", title="A post", blog_name="Ann's blog")])
    link = page.select_one("li.linkback-pingback a")
    assert (link["href"], link.get_text()) == ("https://ann.example/1", "A post")
    assert "nofollow" in link["rel"]
    assert page.select_one(".linkback-site").get_text() == "on Ann's blog"


def test_likes_are_a_compact_row_with_local_avatars(tmp_path):
    entries = [_entry(1, "webmention", mention_type="like", author_photo="abc.png"),
               _entry(2, "webmention", mention_type="like", author_name="Bo")]
    page = _render(tmp_path, entries)
    assert page.select_one(".reactions-like h2").get_text() == "2 likes"
    img = page.select_one(".reactions-like img")
    assert img["src"] == "/engagement/avatars/abc.png"  # the site's own file: root-relative
    # Without a photo: a monogram (drawn by CSS, hidden from screen readers) and the name for them.
    without = page.select(".reactions-like li")[1]
    assert without.select_one(".eg-avatar[aria-hidden=true]").get_text() == "B"
    assert without.select_one(".p-name.visually-hidden").get_text() == "Bo"


def test_webmention_replies_are_left_to_the_comment_thread(tmp_path):
    page = _render(tmp_path, [_entry(1, "webmention", mention_type="reply")])
    assert page.find("section") is None


def test_mention_text_is_not_reinterpreted(tmp_path):
    page = _render(tmp_path, [_entry(1, "webmention", mention_type="mention",
                                     title="<script>x</script>")])
    assert page.find("script") is None
    assert "<script>x</script>" in page.select_one(".mention-source a").get_text()


def test_headers_file_gives_static_hosts_the_discovery_headers(tmp_path):
    from tests.support.sites import build_site, write_article

    content = tmp_path / "content"
    write_article(content / "articles", "open-one", date="2024-01-02 10:00")
    write_article(content / "articles", "closed-one", date="2024-01-03 10:00",
                  extra={"Comments": "closed"})
    output = build_site(tmp_path, content, ENGAGEMENT_HEADERS_FILE="_headers",
                        ENGAGEMENT_ARCHIVE_PATH="", ENGAGEMENT_ENDPOINT_URL="https://engage.example")
    assert (output / "_headers").read_text("utf-8") == (
        "/2024/01/open-one/\n"
        '  Link: <https://engage.example/webmention>; rel="webmention"\n'
        "  X-Pingback: https://engage.example/pingback\n\n")


def test_only_web_links_are_linked(tmp_path):
    page = _render(tmp_path, [_entry(1, "trackback", title="T", source_url="javascript:alert(1)")])
    assert page.select_one("li.linkback a") is None
    assert page.select_one("li.linkback .p-name").get_text() == "T"
