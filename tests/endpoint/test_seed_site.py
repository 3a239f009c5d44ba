"""The repository's own site: comments open on the seed articles, closed on seed 000's."""

from __future__ import annotations

from pathlib import Path

import requests
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.settings import SiteConfig, from_pelican

from tests.support.servers import serve_wsgi
from tests.support.sites import CONTENT, REPO, site_settings

CLOSED_SEED = "2014/06/understanding-customer-service-a-social-media-tale/"
OPEN_SEED = "2013/04/the-now-of-customer-service/"


def test_seed_articles_take_comments_except_seed_000(seed_site: Path, tmp_path: Path) -> None:
    pelican = site_settings(seed_site.parent, CONTENT)
    pelican["ENGAGEMENT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'seed.sqlite3'}"
    config = SiteConfig(REPO / "pelicanconf.py", pelican, from_pelican(pelican, environ={}))
    with serve_wsgi(create_app(config)) as endpoint:
        def post(thread: str) -> requests.Response:
            fields = {"thread": thread, "name": "Ann", "body": "Hi"}
            return requests.post(f"{endpoint}/api/comments", json=fields, timeout=10)

        closed, opened = post(CLOSED_SEED), post(OPEN_SEED)
    assert (closed.status_code, closed.json()["error"]) == (403, "Comments are closed.")
    assert opened.status_code == 201
