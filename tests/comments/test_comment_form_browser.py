"""A reader posts through the built page and the real endpoint, with JavaScript on and off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.store import Entry, Store

from tests.comments.helpers import Site, make_site, thread_key
from tests.support.servers import serve_wsgi, static_app

pytestmark = pytest.mark.browser
ARTICLE = "2024/01/first-post/"


@dataclass
class LiveSite:
    site: Site
    url: str
    existing: Entry

    def pending(self) -> list[Entry]:
        return self.site.store.list(status="pending", thread=thread_key("first-post"))


class _Later:
    """A WSGI app filled in once the server's address is known (the build needs it)."""

    app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[LiveSite]:
    static, endpoint = _Later(), _Later()
    with serve_wsgi(static) as site_url, serve_wsgi(endpoint) as endpoint_url:
        site = make_site(tmp_path, SITEURL=site_url, FEED_DOMAIN=site_url,
                         ENGAGEMENT_ENDPOINT_URL=endpoint_url, ENGAGEMENT_FORM_TOKEN_MIN_SECONDS=0)
        existing = site.comment("first-post", "First!", author_name="Ann")
        output = site.build()
        static.app = static_app(output)
        endpoint.app = create_app(site.config(), store=Store.open(site.database_url))
        yield LiveSite(site, site_url, existing)


def _fill(page: Any, body: str) -> None:
    page.fill("#cf-name", "Dana Reader")
    page.fill("#cf-email", "dana@example.org")
    page.fill("#cf-body", body)


def test_comment_posted_with_javascript_shows_in_place_as_pending(browser: Any, live_site: LiveSite) -> None:
    page = browser.new_page()
    page.goto(live_site.url + "/" + ARTICLE)
    _fill(page, "Posted *with* script")
    page.click("#comment-form .eg-submit button")

    pending = page.locator(".eg-pending-comment")
    pending.wait_for(timeout=10_000)
    assert "Posted with script" in pending.inner_text()
    assert "awaiting moderation" in pending.inner_text()
    assert page.url.endswith(ARTICLE)  # no navigation
    (stored,) = live_site.pending()
    assert stored.author_name == "Dana Reader" and stored.parent_id is None
    page.close()


def test_reply_moves_the_form_and_posts_a_threaded_reply(browser: Any, live_site: LiveSite) -> None:
    page = browser.new_page()
    page.goto(live_site.url + "/" + ARTICLE)
    parent = f"#comment-{live_site.existing.id}"
    page.click(f"{parent} .eg-reply")
    assert page.locator(f"{parent} #comment-form").count() == 1
    _fill(page, "A reply in place")
    page.click("#comment-form .eg-submit button")

    page.locator(f"{parent} .eg-replies .eg-pending-comment").wait_for(timeout=10_000)
    (stored,) = live_site.pending()
    assert stored.parent_id == live_site.existing.id
    page.close()


def test_endpoint_error_shows_next_to_the_field(browser: Any, live_site: LiveSite) -> None:
    page = browser.new_page()
    page.goto(live_site.url + "/" + ARTICLE)
    _fill(page, "Bad address")
    page.eval_on_selector("#cf-email", "el => { el.type = 'text'; el.value = 'not an address'; }")
    page.click("#comment-form .eg-submit button")

    error = page.locator("#cf-email-error")
    error.wait_for(state="visible", timeout=10_000)
    assert error.inner_text().strip()
    assert page.get_attribute("#cf-email", "aria-invalid") == "true"
    assert live_site.pending() == []
    page.close()


def test_endpoint_error_is_read_out_with_its_field(browser: Any, live_site: LiveSite) -> None:
    """The slot the script makes is named in the field's description (after its help), so a screen
    reader says the message when the field takes the focus; a second error reuses it."""
    page = browser.new_page()
    page.goto(live_site.url + "/" + ARTICLE)
    _fill(page, "Bad address")
    page.eval_on_selector("#cf-email", "el => { el.type = 'text'; el.value = 'not an address'; }")
    for _ in range(2):
        page.click("#comment-form .eg-submit button")
        page.locator("#cf-email-error").wait_for(state="visible", timeout=10_000)
    assert page.get_attribute("#cf-email", "aria-describedby") == "cf-email-error"
    assert page.locator(".eg-error").count() == 1
    assert page.evaluate("document.activeElement.id") == "cf-email"
    page.close()


def test_form_without_javascript_posts_and_shows_the_notice(browser: Any, live_site: LiveSite) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site.url + "/" + ARTICLE)
    assert not page.is_visible("#comment-pending")
    _fill(page, "Posted without script")
    page.click("#comment-form .eg-submit button")
    page.select_option("#parent", str(live_site.existing.id))  # asked on the "check and send" page
    page.click("form button[type=submit]")

    page.wait_for_url("**#comment-pending", timeout=10_000)
    assert page.is_visible("#comment-pending")
    assert "awaiting moderation" in page.inner_text("#comment-pending")
    (stored,) = live_site.pending()
    assert stored.parent_id == live_site.existing.id
    context.close()


def test_permalink_to_a_comment_on_a_later_page_finds_it(browser: Any, tmp_path: Path) -> None:
    static = _Later()
    with serve_wsgi(static) as site_url:
        site = make_site(tmp_path, SITEURL=site_url, FEED_DOMAIN=site_url, ENGAGEMENT_COMMENTS_PER_PAGE=1)
        site.comment("first-post", "On page one")
        later = site.comment("first-post", "On page two", minutes=1)
        static.app = static_app(site.build())
        page = browser.new_page()
        page.goto(f"{site_url}/{ARTICLE}#comment-{later.id}")

        page.wait_for_url(f"**/{ARTICLE}comments/page/2/#comment-{later.id}", timeout=10_000)
        assert "On page two" in page.inner_text(f"#comment-{later.id}")
        page.close()


def test_permalink_into_folded_replies_unfolds_them(browser: Any, tmp_path: Path) -> None:
    static = _Later()
    with serve_wsgi(static) as site_url:
        site = make_site(tmp_path, SITEURL=site_url, FEED_DOMAIN=site_url,
                         ENGAGEMENT_COMMENT_COLLAPSE_REPLIES=1)
        top = site.comment("first-post", "Top")
        site.comment("first-post", "First reply", minutes=1, parent=top)
        hidden = site.comment("first-post", "Folded reply", minutes=2, parent=top)
        static.app = static_app(site.build())
        page = browser.new_page()
        page.goto(f"{site_url}/{ARTICLE}")
        assert not page.is_visible(f"#comment-{hidden.id}")
        page.goto(f"{site_url}/{ARTICLE}#comment-{hidden.id}")

        page.locator(f"#comment-{hidden.id}").wait_for(state="visible", timeout=10_000)
        page.close()


def test_a_lost_answer_is_retried_with_the_same_key_and_stored_once(browser: Any, live_site: LiveSite
                                                                    ) -> None:
    """The endpoint stores the comment but its answer never arrives (the connection drops): the
    script sends the comment again by itself, with the same Idempotency-Key, and shows it once."""
    page = browser.new_page()
    keys: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) == 1:
            route.fetch()  # the comment reaches the endpoint and is stored ...
            route.abort("connectionreset")  # ... and the answer is lost on the way back
        else:
            route.continue_()

    page.route("**/api/comments", lose_the_first_answer)
    page.goto(live_site.url + "/" + ARTICLE)
    _fill(page, "Sent once, answered once")
    page.click("#comment-form .eg-submit button")

    page.locator(".eg-pending-comment").wait_for(timeout=15_000)
    (stored,) = live_site.pending()
    assert len(keys) == 2 and keys[0] == keys[1]
    assert keys[0].startswith('"') and keys[0].endswith('"') and len(keys[0]) == 38  # a quoted UUID
    assert page.locator(".eg-pending-comment").count() == 1
    assert page.get_attribute(".eg-pending-comment", "id") == f"comment-{stored.id}"
    page.close()


def test_each_comment_gets_its_own_key(browser: Any, live_site: LiveSite) -> None:
    page = browser.new_page()
    keys: list[str] = []
    page.on("request", lambda request: keys.append(request.headers.get("idempotency-key", ""))
            if request.method == "POST" else None)
    page.goto(live_site.url + "/" + ARTICLE)
    for number in (1, 2):
        _fill(page, f"Comment number {number}")
        page.click("#comment-form .eg-submit button")
        page.locator(".eg-pending-comment").nth(number - 1).wait_for(timeout=15_000)
    assert len(keys) == 2 and keys[0] != keys[1] and all(keys)
    assert len(live_site.pending()) == 2
    page.close()
