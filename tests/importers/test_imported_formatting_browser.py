"""An imported comment keeps WordPress's formatting in the page, and the thread stays accessible."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from pelican.plugins.engagement.markup import sanitize_imported_html
from pelican.plugins.engagement.store import NewEntry

from tests.comments.helpers import T0, make_site, thread_key
from tests.comments.test_comment_form_browser import ARTICLE, _Later
from tests.support.servers import serve_wsgi, static_app

pytestmark = pytest.mark.browser

WORDPRESS_COMMENT = ('<b>Bold</b> and <i>italic</i>, <strike>old price</strike> new price, '
                     '<q>the customer is always right</q> said <cite>The Handbook</cite>; '
                     '<abbr title="customer experience">CX</abbr> matters.')


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_imported_formatting_shows_and_has_no_axe_violations(browser: Any, tmp_path: Path,
                                                              scheme: str) -> None:
    static = _Later()
    with serve_wsgi(static) as site_url:
        site = make_site(tmp_path, SITEURL=site_url, FEED_DOMAIN=site_url, ENGAGEMENT_ENDPOINT_URL=site_url)
        site.store.add(NewEntry(
            thread=thread_key("first-post"), status="approved", author_name="Imported Ann",
            body_source=WORDPRESS_COMMENT, body_html=sanitize_imported_html(WORDPRESS_COMMENT), created_at=T0,
        ))
        static.app = static_app(site.build())
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{site_url}/{ARTICLE}")
        body = page.locator("#comments .p-comment").first
        assert body.locator("del").inner_text() == "old price"
        assert body.locator("abbr[title='customer experience']").inner_text() == "CX"
        assert body.locator("q").inner_text() == "the customer is always right"
        results = Axe().run(page, context="#comments", options={"resultTypes": ["violations"]})
        assert [v["id"] for v in results.response["violations"]] == []
        shots = os.environ.get("ENGAGEMENT_SCREENSHOTS")  # set to look at the result by eye
        if shots:
            for width in (375, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                body.screenshot(path=str(Path(shots) / f"imported-comment-{width}-{scheme}.png"))
        context.close()
