"""A public export carries the syndication records: a database-free build shows the same page, and
importing the export into another store keeps where each article was posted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pelican.plugins.engagement.social.backfeed import backfeed
from pelican.plugins.engagement.store import Store

from tests.social.helpers import approve_all, make_social_site, syndicated
from tests.social.standin import APP_PASSWORD, TOKEN


@pytest.fixture
def site(tmp_path: Path, standin, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENGAGEMENT_MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("ENGAGEMENT_BLUESKY_APP_PASSWORD", APP_PASSWORD)
    social = make_social_site(tmp_path, f"sqlite:///{tmp_path / 'store.sqlite3'}", standin)
    syndicated(social, standin)
    backfeed(social.config(), social.store)
    approve_all(social)
    yield social
    social.store.close()


def test_a_build_from_the_public_export_shows_the_same_page(site, tmp_path: Path) -> None:
    export = tmp_path / "comments.json"
    export.write_text(json.dumps(site.store.export(private=False)), "utf-8")
    site.overrides.update(ENGAGEMENT_EXPORT_PATH=str(export),
                          ENGAGEMENT_DATABASE_URL=f"sqlite:///{tmp_path / 'absent.sqlite3'}")
    fresh = site.build(tmp_path / "from-export")
    assert (fresh / site.key / "index.html").read_bytes() == \
        (site.root / "output" / site.key / "index.html").read_bytes()


def test_importing_an_export_keeps_the_syndication_records(site, tmp_path: Path) -> None:
    other = Store.open(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other.import_(site.store.export())
    other.import_(site.store.export())  # twice: nothing doubled
    assert [(s.thread, s.platform, s.url) for s in other.syndications()] == \
        [(s.thread, s.platform, s.url) for s in site.store.syndications()]
    other.close()
