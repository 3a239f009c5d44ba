"""Posts the author named by hand (``Mastodon:`` / ``Bluesky:`` metadata) are shown, recorded
instead of posted, and read back like posted ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.plugins.engagement.social.backfeed import backfeed
from pelican.plugins.engagement.social.syndicate import syndicate

from tests.social.helpers import make_social_site
from tests.social.standin import APP_PASSWORD, DID, HANDLE, TOKEN

BSKY_URL = f"https://bsky.app/profile/{HANDLE}/post/3knamedpost2"


@pytest.fixture
def site(tmp_path: Path, standin, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENGAGEMENT_MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("ENGAGEMENT_BLUESKY_APP_PASSWORD", APP_PASSWORD)
    standin.statuses["777"] = {"id": "777"}
    standin.records[f"at://{DID}/app.bsky.feed.post/3knamedpost2"] = {"text": "Announced by hand",
                                                                       "createdAt": "2026-11-30T09:00:00Z"}
    social = make_social_site(tmp_path, f"sqlite:///{tmp_path / 'store.sqlite3'}", standin,
                              metadata={"Mastodon": f"{standin.base}/@site/777", "Bluesky": BSKY_URL})
    yield social
    social.store.close()


def test_the_build_shows_named_posts_before_any_syndicate_run(site, standin) -> None:
    links = [a["href"] for a in site.page().select(".h-entry a.u-syndication")]
    assert links == [f"{standin.base}/@site/777", BSKY_URL]


def test_named_posts_are_recorded_not_posted(site, standin) -> None:
    report = syndicate(site.config(), site.store)
    assert sorted(o.status for o in report.outcomes) == ["recorded", "recorded"]
    assert len(standin.statuses) == 1 and len(standin.records) == 1  # nothing new posted
    records = {s.platform: (s.remote_id, s.instance, s.origin) for s in site.store.syndications()}
    assert records == {"mastodon": ("777", standin.base, "named"),
                       "bluesky": (f"at://{DID}/app.bsky.feed.post/3knamedpost2", None, "named")}


def test_named_posts_are_read_back(site, standin) -> None:
    syndicate(site.config(), site.store)
    standin.add_mastodon_conversation("777")
    standin.add_bluesky_conversation(f"at://{DID}/app.bsky.feed.post/3knamedpost2")
    report = backfeed(site.config(), site.store)
    assert report.failures == []
    assert {e.kind for e in site.store.list(status="pending")} == {"mastodon", "bluesky"}



def test_a_named_post_that_is_no_address_stops_a_strict_build(tmp_path: Path, standin, caplog) -> None:
    with pytest.raises(RuntimeError, match="Warning or error encountered"):
        make_social_site(tmp_path, f"sqlite:///{tmp_path / 'store.sqlite3'}", standin,
                         metadata={"Mastodon": "soon"})
    assert "talk-to-us.md: Mastodon: 'soon' is not the address of a post" in caplog.text
