"""The thread and form as a reader sees them, in Chromium, with JavaScript on and off: avatars,
the meta line at 320 px, replies, a bare-domain website, the pending comment and its one notice."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pelican.plugins.engagement.comments.monogram import monogram
from pelican.plugins.engagement.comments.views import RenderContext
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.store import Entry, NewEntry, Store

from tests.comments.helpers import T0, Site, make_site, thread_key
from tests.support.servers import serve_wsgi, static_app

pytestmark = pytest.mark.browser
WITH_REPLIES = "2024/01/first-post/"
EMPTY = "2024/02/second-post/"
LONG_NAME = "Maximiliana Wolkenstein-Oberhausen-Fitzgerald"


@dataclass
class LiveSite:
    site: Site
    url: str
    first: Entry
    reply: Entry

    def pending(self, slug: str = "first-post") -> list[Entry]:
        return self.site.store.list(status="pending", thread=thread_key(slug))


class _Later:
    app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@contextmanager
def _served(tmp_path: Path, seed: Callable[[Site], Any]) -> Iterator[tuple[Site, str, Any]]:
    """A site built after ``seed(site)`` stored its entries, served with its endpoint; yields the
    site, its URL and what ``seed`` returned."""
    static, endpoint = _Later(), _Later()
    with serve_wsgi(static) as site_url, serve_wsgi(endpoint) as endpoint_url:
        site = make_site(tmp_path, SITEURL=site_url, FEED_DOMAIN=site_url,
                         ENGAGEMENT_ENDPOINT_URL=endpoint_url, ENGAGEMENT_FORM_TOKEN_MIN_SECONDS=0)
        seeded = seed(site)
        static.app = static_app(site.build())
        endpoint.app = create_app(site.config(), store=Store.open(site.database_url))
        yield site, site_url, seeded


def _comment_and_reply(site: Site) -> tuple[Entry, Entry]:
    first = site.comment("first-post", "The first comment.", author_name="Łukasz Öz")
    reply = site.comment("first-post", "A reply to it.", minutes=5, parent=first, author_name=LONG_NAME,
                         author_url="https://max.example")
    return first, reply


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[LiveSite]:
    with _served(tmp_path, _comment_and_reply) as (site, site_url, (first, reply)):
        yield LiveSite(site, site_url, first, reply)


def _page(browser: Any, *, javascript: bool = True, width: int = 1280) -> Any:
    # A browser in another time zone than the site's (Europe/London), so a date formatted by the
    # browser's own locale and zone would show.
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900},
                                  timezone_id="America/Los_Angeles", locale="de-DE")
    return context.new_page()


def _post(page: Any, name: str = "Dana Reader", website: str = "", body: str = "Hello *there*.") -> None:
    page.fill("#cf-name", name)
    page.fill("#cf-website", website)
    page.fill("#cf-body", body)
    page.click("#comment-form .eg-submit button")


def _send_checked(page: Any) -> None:
    """Without a script, a comment on a thread with comments passes the endpoint's "check and send"
    page (which asks whom it replies to): send it from there."""
    page.wait_for_selector("select#parent")
    page.click("form button[type=submit]")


def _visible_count(page: Any, text: str) -> int:
    """How many times a sighted reader sees ``text`` (a 1 px visually-hidden live region is for
    screen readers, not seen)."""
    found = page.get_by_text(re.compile(text, re.I))
    boxes = [found.nth(i).bounding_box() for i in range(found.count())]
    return sum(1 for box in boxes if box and box["width"] > 1 and box["height"] > 1)


def test_every_comment_has_its_monogram_avatar(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    for entry in (live_site.first, live_site.reply):
        comment = page.locator(f"#comment-{entry.id}")
        expected = monogram(entry.author_name)
        assert comment.get_attribute("data-initials") == expected.initials
        assert f"eg-hue-{expected.hue}" in comment.get_attribute("class")
        # Drawn by CSS from those: the initials on the hue, in a circle, with empty alternative
        # text (the name is read once, in the meta line).
        drawn = comment.evaluate("el => { const s = getComputedStyle(el, '::before'); return"
                                 " [s.content, s.backgroundColor, s.borderRadius, s.width, s.height]; }")
        assert drawn[0] == f'"{expected.initials}" / ""'
        assert drawn[1] != "rgba(0, 0, 0, 0)" and drawn[2] == "50%"
        assert drawn[3] == drawn[4] and float(drawn[3].removesuffix("px")) >= 28  # a reply's is smaller
    assert page.locator("#comments img").count() == 0  # drawn by CSS: no image, no third party
    page.context.close()


def test_reply_is_indented_under_its_parent_with_a_thread_line(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    avatar = "el => [el.getBoundingClientRect().x, parseFloat(getComputedStyle(el, '::before').width)]"
    parent = page.locator(f"#comment-{live_site.first.id}").evaluate(avatar)
    child = page.locator(f"#comment-{live_site.reply.id}").evaluate(avatar)
    assert child[0] > parent[0] + parent[1] / 2  # the avatar (the <li>'s first column) is indented
    line = page.eval_on_selector(f"#comment-{live_site.first.id} > .eg-replies",
                                 "el => `${getComputedStyle(el).borderLeftStyle} "
                                 "${getComputedStyle(el).borderLeftWidth}`")
    assert line == "solid 2px"
    page.context.close()


def test_readers_reply_in_a_thread_without_replies_shows_styled(browser: Any, tmp_path: Path) -> None:
    """A flat thread's page does without comment-extras.css; a reply posted there (with
    JavaScript) still shows indented on its thread line, and on its pending tint: comment-post.js
    loads both stylesheets before it shows the comment."""
    with _served(tmp_path, lambda site: site.comment("first-post", "A flat thread.")) as (_site, url, top):
        page = _page(browser)
        page.goto(f"{url}/{WITH_REPLIES}")
        assert page.locator('link[href$="/comment-extras.css"]').count() == 0
        page.locator(f"#comment-{top.id} .eg-reply").click()
        _post(page)
        mine = page.locator(f"#comment-{top.id} > .eg-replies > .eg-pending-comment")
        mine.wait_for(timeout=10_000)
        looks = mine.evaluate("el => [getComputedStyle(el.parentElement).borderLeftStyle,"
                              " getComputedStyle(el).backgroundColor]")
        assert looks[0] == "solid" and looks[1] != "rgba(0, 0, 0, 0)"
        page.context.close()


def test_meta_line_wraps_between_items_at_320_px(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser, width=320)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    meta = f"#comment-{live_site.reply.id} > p"
    for part in (".p-author", "a.u-url:not(.p-author)", ".eg-in-reply-to"):
        box = page.locator(f"{meta} > {part}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, part
        assert box["height"] < 30, f"{part} wrapped inside itself"  # one line of 0.875rem text
    page.context.close()


def test_bare_domain_website_is_accepted_with_javascript(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    _post(page, website="dana.example")
    page.locator(".eg-pending-comment").wait_for(timeout=10_000)
    (stored,) = live_site.pending()
    assert stored.author_url == "https://dana.example"
    assert page.get_attribute(".eg-pending-comment a.p-author", "href") == "https://dana.example"
    page.context.close()


def test_bare_domain_website_is_accepted_without_javascript(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser, javascript=False)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    _post(page, website="dana.example")
    _send_checked(page)
    page.wait_for_url("**#comment-pending", timeout=10_000)
    (stored,) = live_site.pending()
    assert stored.author_url == "https://dana.example"
    page.context.close()


def test_website_that_is_no_address_is_stopped_in_the_browser(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    _post(page, website="not a website")
    assert page.eval_on_selector("#cf-website", "el => el.validity.patternMismatch")
    assert live_site.pending() == []
    page.context.close()


def test_no_replies_yet_goes_when_the_readers_comment_shows(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser)
    page.goto(f"{live_site.url}/{EMPTY}")
    assert page.inner_text("#comments-title") == "No replies yet"
    _post(page)
    page.locator(".eg-pending-comment").wait_for(timeout=10_000)
    assert "No replies yet" not in page.inner_text("#comments")
    assert page.inner_text("#comments-title") == "Replies"
    page.context.close()


def test_comments_heading_shows_with_the_readers_comment_under_a_linkback(browser: Any,
                                                                           tmp_path: Path) -> None:
    """Under a linkback the count heads the block and the comments' heading is hidden (it heads
    nothing yet); the reader's own pending comment is something for it to head."""
    def trackback(site: Site) -> None:
        site.store.add(NewEntry(thread=thread_key("second-post"), kind="trackback", status="approved",
                                blog_name="A blog", body_html="<p>Linked.</p>", created_at=T0))

    with _served(tmp_path, trackback) as (_site, site_url, _):
        page = _page(browser)
        page.goto(f"{site_url}/{EMPTY}")
        assert page.inner_text("#responses-title") == "1 reply"
        assert _visible_count(page, "^Comments$") == 0
        _post(page)
        page.locator(".eg-pending-comment").wait_for(timeout=10_000)
        assert _visible_count(page, "^Comments$") == 1
        page.context.close()


def test_pending_notice_appears_once_with_javascript(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    _post(page)
    page.locator(".eg-pending-comment").wait_for(timeout=10_000)
    assert _visible_count(page, "awaiting moderation") == 1
    # Screen readers still hear it once, from the form's status line.
    assert "awaiting moderation" in page.inner_text("#comment-form .eg-status")
    page.context.close()


def test_pending_notice_appears_once_without_javascript(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser, javascript=False)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    assert _visible_count(page, "awaiting moderation") == 0
    _post(page)
    _send_checked(page)
    page.wait_for_url("**#comment-pending", timeout=10_000)
    assert _visible_count(page, "awaiting moderation") == 1
    page.context.close()


def test_script_dates_and_draws_the_new_comment_like_the_page(browser: Any, live_site: LiveSite) -> None:
    page = _page(browser)
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    _post(page, name=live_site.first.author_name)
    page.locator(".eg-pending-comment").wait_for(timeout=10_000)
    (stored,) = live_site.pending()
    context = RenderContext.from_settings(live_site.site.config().pelican, live_site.site.config().engagement)
    assert page.inner_text(".eg-pending-comment time") == context.format_date(stored.created_at)
    # The same monogram as the static comment by the same name (comments.js mirrors monogram.py).
    static = page.locator(f"#comment-{live_site.first.id}")
    mine = page.locator(".eg-pending-comment")
    assert mine.get_attribute("data-initials") == static.get_attribute("data-initials")
    hue = [name for name in static.get_attribute("class").split() if name.startswith("eg-hue-")]
    assert hue and hue[0] in mine.get_attribute("class").split()
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_thread_with_the_readers_pending_comment_is_axe_clean(
    browser: Any, live_site: LiveSite, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{live_site.url}/{WITH_REPLIES}")
    _post(page, website="dana.example")
    page.locator(".eg-pending-comment").wait_for(timeout=10_000)
    results = Axe().run(page, context="#comments", options={"resultTypes": ["violations"]})
    found = results.response["violations"]
    assert [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in found] == []
    context.close()
