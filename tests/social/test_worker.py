"""The endpoint's periodic backfeed: one run per interval however many processes ask."""

from __future__ import annotations

import time
from datetime import timedelta

from pelican.plugins.engagement.settings import SiteConfig, from_pelican
from pelican.plugins.engagement.social import worker
from pelican.plugins.engagement.store import Store, utcnow

from tests.support.sites import REPO


def _config(**settings) -> SiteConfig:
    pelican = {"SITEURL": "http://127.0.0.1:8000", **settings}
    return SiteConfig(REPO / "pelicanconf.py", pelican, from_pelican(pelican, environ={}))


def test_only_one_caller_gets_each_turn(store) -> None:
    now = utcnow()
    assert store.claim_run("job", 60, now) is True
    assert store.claim_run("job", 60, now + timedelta(seconds=30)) is False
    assert store.claim_run("job", 60, now + timedelta(seconds=61)) is True


def test_no_thread_without_an_account_or_a_syndicated_post(store) -> None:
    assert worker.wanted(_config(), store) is False


def test_a_syndicated_post_is_enough(store) -> None:
    store.record_syndication(thread="2026/11/a/", platform="mastodon", url="https://m.example/@s/1",
                             remote_id="1", origin="named")
    assert worker.wanted(_config(), store) is True
    assert worker.wanted(_config(ENGAGEMENT_BACKFEED_INTERVAL=0), store) is False


def test_two_threads_on_one_store_run_the_backfeed_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    stores = [Store.open(url), Store.open(url)]
    config = _config(ENGAGEMENT_DATABASE_URL=url, ENGAGEMENT_BACKFEED_INTERVAL=3600,
                     OUTPUT_PATH=str(tmp_path / "output"))
    threads = [worker.BackfeedThread(config, store, check=0.05) for store in stores]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while sum(t.runs for t in threads) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # both threads checked several times by now
    for thread in threads:
        thread.stop()
        thread.join(5)
    assert sum(t.runs for t in threads) == 1
    for store in stores:
        store.close()
