"""axe-core finds no accessibility violations in a thread with replies, folds and page links, nor
in the responses block a linkback opens (the count above it, the comments' heading an h3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from pelican.plugins.engagement.store import NewEntry

from tests.comments.helpers import T0, make_site, thread_key
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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("with_comments", [False, True], ids=["linkbacks-only", "linkbacks-and-comments"])
def test_responses_under_linkbacks_have_no_axe_violations(browser: Any, tmp_path: Path, scheme: str,
                                                          with_comments: bool) -> None:
    """The whole page is checked: heading-order spans the mentions and the comments sections."""
    static = _Later()
    with serve_wsgi(static) as site_url:
        site = make_site(tmp_path, SITEURL=site_url, FEED_DOMAIN=site_url, ENGAGEMENT_ENDPOINT_URL=site_url)
        for n, (kind, mention) in enumerate([("trackback", None), ("webmention", "mention"),
                                             ("webmention", "like")]):
            site.store.add(NewEntry(
                thread=thread_key("first-post"), kind=kind, mention_type=mention, status="approved",
                author_name=f"Linker {n}", source_url=f"https://linker.example/{n}", title=f"Post {n}",
                body_html="<p>Linked.</p>", created_at=T0))
        if with_comments:
            site.comment("first-post", "A comment", author_name="Ann")
        static.app = static_app(site.build())
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{site_url}/{ARTICLE}")

        results = Axe().run(page, options={"resultTypes": ["violations"]})
        found = [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                 for v in results.response["violations"]]
        assert found == []
        assert page.inner_text("#responses-title") == ("3 replies" if with_comments else "2 replies")
        context.close()
