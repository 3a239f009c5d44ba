"""The moderation page driven in headless Chromium: tabs, search, select all, bulk approve in one
request, keyboard approve, approve and reply, without JavaScript too, and axe-core in both schemes.

Set ENGAGEMENT_SCREENSHOTS=DIR to keep the screenshots (docs/screenshots/ holds the committed ones).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import assert_axe_clean
from tests.support.endpoint import Endpoint
from tests.support.moderation_queue import seed_queue

TOKEN = "browser admin token 0123456789"


def _open(browser: Any, endpoint: Endpoint, *, scheme: str = "light", width: int = 1280,
          javascript: bool = True) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{endpoint.url}/admin")
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector(".mq-tabs")
    return page


def _statuses(endpoint: Endpoint, ids) -> set[str]:
    return {endpoint.store.require(i).status for i in ids}


def test_tabs_filter_by_state_with_counts(browser: Any, start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = seed_queue(endpoint.store)
    page = _open(browser, endpoint)
    assert page.inner_text('.mq-tabs a[data-status="pending"] .mq-count') == "4"
    page.click('.mq-tabs a[data-status="spam"]')
    entries = page.locator(".mq-entry")
    assert entries.count() == 1 and entries.first.get_attribute("data-id") == str(ids["spam"])
    assert "disallowed" in entries.first.inner_text()


@pytest.mark.parametrize("javascript", [True, False])
def test_every_tab_is_in_view_at_375_px(browser: Any, start_endpoint, javascript: bool) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    seed_queue(endpoint.store)
    page = _open(browser, endpoint, width=375, javascript=javascript)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways page scroll
    for tab in page.locator(".mq-tabs a").all():
        box = tab.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, tab.inner_text()
    page.click('.mq-tabs a[data-status="deleted"]')  # reachable without scrolling anything
    page.wait_for_selector('.mq-tabs a[data-status="deleted"][aria-current="page"]')
    page.context.close()


def test_search_finds_by_email_and_text(browser: Any, start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = seed_queue(endpoint.store)
    page = _open(browser, endpoint)
    page.fill("#mq-q", "maria@example")
    page.click(".mq-search button")
    assert [e.get_attribute("data-id") for e in page.locator(".mq-entry").all()] == [str(ids["question"])]
    page.fill("#mq-q", "apology")
    page.click(".mq-search button")
    assert [e.get_attribute("data-id") for e in page.locator(".mq-entry").all()] == [str(ids["reply"])]


def test_entry_shows_what_a_moderator_needs(browser: Any, start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = seed_queue(endpoint.store)
    page = _open(browser, endpoint)
    question = page.locator(f"#entry-{ids['question']}").inner_text()
    assert "maria@example.org" in question and "https://maria.example.org" in question
    assert "1 earlier (1 approved, 0 spam)" in question  # the same e-mail's approved comment
    reply = page.locator(f"#entry-{ids['reply']}").inner_text()
    assert reply.startswith("REPLY") or "reply" in reply.lower()
    assert "In reply to" in reply and "Great write-up." in reply
    held = page.locator(f"#entry-{ids['links']}").inner_text()
    assert "max-links: 4 links" in held
    mention = page.locator(f"#entry-{ids['webmention']}").inner_text()
    assert "https://sam.example/post" in mention and "verified" in mention


def test_select_all_and_bulk_approve_fifty_in_one_request(browser: Any, start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    seed_queue(endpoint.store, bulk=50)
    page = _open(browser, endpoint)
    on_page = [int(e.get_attribute("data-id")) for e in page.locator(".mq-entry").all()]
    assert len(on_page) == 50
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.check("#mq-all")
    page.select_option("#mq-action", "approve")
    with page.expect_response(lambda r: r.url.endswith("/admin/bulk")):
        page.click("button[name=scope][value=selected]")
    page.wait_for_selector(".mq-empty")
    assert posts == [f"{endpoint.url}/admin/bulk"]
    assert _statuses(endpoint, on_page) == {"approved"}
    assert page.inner_text('.mq-tabs a[data-status="approved"] .mq-count') == "51"
    assert "50 entries approved" in page.inner_text("#mq-status")


def test_keyboard_moves_and_approves(browser: Any, start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = seed_queue(endpoint.store)
    page = _open(browser, endpoint)
    page.keyboard.press("j")  # the first (oldest) entry
    page.keyboard.press("j")  # the second: the reply
    assert page.evaluate("document.activeElement.dataset.id") == str(ids["reply"])
    with page.expect_response(lambda r: "/approve" in r.url):
        page.keyboard.press("a")
    page.wait_for_selector(f"#entry-{ids['reply']}", state="detached")
    assert endpoint.store.require(ids["reply"]).status == "approved"
    assert endpoint.store.require(ids["question"]).status == "pending"
    assert page.evaluate("document.activeElement.dataset.id") == str(ids["links"])  # moved on


def test_approve_and_reply_publishes_the_authors_answer(browser: Any, start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = seed_queue(endpoint.store)
    page = _open(browser, endpoint)
    entry = page.locator(f"#entry-{ids['question']}")
    entry.locator("summary").click()
    entry.locator("textarea").fill("About **two hours**, and they apologised.")
    with page.expect_response(lambda r: r.url.endswith("/reply")):
        entry.locator("button[data-action=reply]").click()
    page.wait_for_selector(f"#entry-{ids['question']}", state="detached")
    assert endpoint.store.require(ids["question"]).status == "approved"
    replies = [e for e in endpoint.store.list(status="approved") if e.parent_id == ids["question"]]
    assert len(replies) == 1 and replies[0].by_author
    assert "<strong>two hours</strong>" in replies[0].body_html


def test_bulk_works_without_javascript(browser: Any, start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    seed_queue(endpoint.store)
    page = _open(browser, endpoint, javascript=False)
    on_page = [int(e.get_attribute("data-id")) for e in page.locator(".mq-entry").all()]
    page.select_option("#mq-action", "spam")
    page.click("button[name=scope][value=page]")
    page.wait_for_selector(".mq-empty")
    assert "4 entries marked as spam" in page.inner_text("#mq-status")
    assert _statuses(endpoint, on_page) == {"spam"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_moderation_page_has_no_axe_violations(browser: Any, start_endpoint, scheme: str) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    seed_queue(endpoint.store)
    for width in (375, 1280):
        page = _open(browser, endpoint, scheme=scheme, width=width)
        page.keyboard.press("j")
        assert_axe_clean(page, f"moderation-{width}-{scheme}")
        page.context.close()
