"""axe-core finds no accessibility violations in a thread with replies, folds and page links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.comments.helpers import make_site
from tests.comments.test_comment_form_browser import ARTICLE, _Later
from tests.support.servers import serve_wsgi, static_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_thread_has_no_axe_violations(browser: Any, tmp_path: Path, scheme: str) -> None:
    static = _Later()
    with serve_wsgi(static) as site_url:
        site = make_site(tmp_path, SITEURL=site_url, FEED_DOMAIN=site_url, ENGAGEMENT_COMMENTS_PER_PAGE=2,
                         ENGAGEMENT_COMMENT_COLLAPSE_REPLIES=1, ENGAGEMENT_ENDPOINT_URL=site_url)
        top = site.comment("first-post", "Top with a [link](https://example.org)",
                           author_url="https://ann.example/", author_name="Ann")
        reply = site.comment("first-post", "A reply", minutes=1, parent=top)
        site.comment("first-post", "> quoted\n\nand `code`", minutes=2, parent=reply)
        for n in range(3):
            site.comment("first-post", f"Comment {n}", minutes=10 + n)
        static.app = static_app(site.build())
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{site_url}/{ARTICLE}")
        page.click(f"#comment-{top.id} summary")  # the folded replies are checked too

        results = Axe().run(page, context="#comments", options={"resultTypes": ["violations"]})
        found = [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                 for v in results.response["violations"]]
        assert found == []
        context.close()
