"""The "check and send" page with its "In reply to" choice in headless Chromium: axe-core in both
schemes, no sideways scrolling at 320 px with a long name.

Set ENGAGEMENT_SCREENSHOTS=DIR to keep screenshots of it at 375 and 1280 px, light and dark.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pelican.plugins.engagement.endpoint import reply_choice
from pelican.plugins.engagement.store import NewEntry

from tests.support.browser import assert_axe_clean
from tests.support.endpoint import OPEN, Endpoint, comment_fields

pytestmark = pytest.mark.browser
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NAMES = ("Ann Reader", "Łukasz Öz", "Maximiliana Wolkenstein-Oberhausen-Fitzgerald", "Ann Reader")


def _seeded(endpoint: Endpoint) -> Endpoint:
    for minutes, name in enumerate(NAMES):
        endpoint.store.add(NewEntry(thread=OPEN, kind="comment", status="approved", author_name=name,
                                    body_source="Hi", body_html="<p>Hi</p>",
                                    created_at=T0 + timedelta(minutes=minutes)))
    return endpoint


def _check_page(browser: Any, endpoint: Endpoint, *, scheme: str = "light", width: int = 1280) -> Any:
    """The page a reader without JavaScript gets after pressing "Post comment" on the article."""
    # Scripts on: axe-core runs as one (the page itself has none, so it is the same page).
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    # A form of our own on a blank page posts what the article's static form posts.
    fields = comment_fields(body="I *agree*, and:\n\n- one\n- two", **{reply_choice.FIELD: "1", "parent": ""})
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    action = f"{endpoint.url}/comments"
    page.set_content(f'<form method="post" action="{action}">{inputs}<button>Go</button></form>')
    page.click("button")
    page.wait_for_selector("select#parent")
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_check_page_with_reply_choice_has_no_axe_violations(browser: Any, start_endpoint, scheme: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reply_choice, "LIMIT", 3)  # the note on a long thread shows too
    endpoint = _seeded(start_endpoint())
    for width in (375, 1280):
        page = _check_page(browser, endpoint, scheme=scheme, width=width)
        assert page.is_visible("#parent-note")
        assert_axe_clean(page, f"check-reply-{width}-{scheme}")
        page.context.close()


def test_check_page_does_not_scroll_sideways_at_320_px(browser: Any, start_endpoint) -> None:
    page = _check_page(browser, _seeded(start_endpoint()), width=320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()
