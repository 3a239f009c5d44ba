"""Comments close N days after an article's date (ENGAGEMENT_COMMENTS_CLOSE_AFTER_DAYS)."""

from __future__ import annotations

from pathlib import Path

import requests
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.settings import SiteConfig, from_pelican

from tests.support.servers import serve_wsgi
from tests.support.sites import REPO, build_site, site_settings, write_article


def test_old_article_closes_after_the_configured_days(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content / "articles", "old-news", date="2020-01-02 10:00")
    write_article(content / "articles", "fresh-news", date="2099-01-02 10:00")
    build_site(tmp_path, content, ENGAGEMENT_COMMENTS_CLOSE_AFTER_DAYS=30)
    pelican = site_settings(tmp_path, content, ENGAGEMENT_COMMENTS_CLOSE_AFTER_DAYS=30)
    config = SiteConfig(REPO / "pelicanconf.py", pelican, from_pelican(pelican, environ={}))
    with serve_wsgi(create_app(config)) as endpoint:
        def post(thread: str) -> requests.Response:
            fields = {"thread": thread, "name": "Ann", "body": "Late to the party"}
            return requests.post(f"{endpoint}/api/comments", json=fields, timeout=10)

        old, fresh = post("2020/01/old-news/"), post("2099/01/fresh-news/")
    assert old.status_code == 403
    assert old.json()["error"] == "Comments closed automatically some time after publication."
    assert fresh.status_code == 201
