"""axe-core finds no violations in a thread with Mastodon/Bluesky replies, reactions and the
"Also on" links, in both colour schemes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from pelican.plugins.engagement.social.backfeed import backfeed

from tests.comments.test_comment_form_browser import _Later
from tests.social.helpers import approve_all, make_social_site, syndicated
from tests.social.standin import APP_PASSWORD, TOKEN
from tests.support.servers import serve_wsgi, static_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_social_thread_has_no_axe_violations(browser: Any, tmp_path: Path, standin, scheme: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGEMENT_MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("ENGAGEMENT_BLUESKY_APP_PASSWORD", APP_PASSWORD)
    static = _Later()
    with serve_wsgi(static) as site_url:
        site = make_social_site(tmp_path, f"sqlite:///{tmp_path / 'store.sqlite3'}", standin,
                                SITEURL=site_url, FEED_DOMAIN=site_url, ENGAGEMENT_ENDPOINT_URL=site_url)
        syndicated(site, standin)
        backfeed(site.config(), site.store)
        approve_all(site)
        static.app = static_app(site.root / "output")
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{site_url}/{site.key}")
        assert page.locator(".eg-platform").count() == 5
        for region in ("#comments", ".article-footer"):
            results = Axe().run(page, context=region, options={"resultTypes": ["violations"]})
            found = [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                     for v in results.response["violations"]]
            assert found == []
        context.close()
    site.store.close()
