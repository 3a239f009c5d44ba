"""Click-to-play in a browser: the platform's player appears only after the reader asks for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cases.conftest import article_site, video_snapshot
from tests.support.servers import serve_wsgi, static_app
from tests.support.sites import build_site

pytestmark = pytest.mark.browser
SITEURL = "http://127.0.0.1:8000"


def test_player_loads_only_after_the_click(tmp_path: Path, browser: Any) -> None:
    url = "https://youtu.be/abc"
    content = article_site(tmp_path, url)
    video_snapshot(content, url)
    output = build_site(tmp_path, content, ENGAGEMENT_EMBEDS_INTERACTIVE=True)
    offsite: list[str] = []
    with serve_wsgi(static_app(output)) as base:
        context = browser.new_context()

        def route(request_route: Any) -> None:
            address = request_route.request.url
            if address.startswith(SITEURL):
                request_route.continue_(url=address.replace(SITEURL, base))
            else:
                offsite.append(address)
                request_route.abort()

        context.route("**/*", route)
        try:
            page = context.new_page()
            page.goto(f"{SITEURL}/2024/01/post/")
            assert page.locator("iframe").count() == 0 and offsite == []
            page.get_by_role("button", name="Play video (loads YouTube)").click()
            page.wait_for_selector("iframe")
            assert page.locator("iframe").get_attribute("src") == "https://www.youtube-nocookie.com/embed/abc"
        finally:
            context.close()
