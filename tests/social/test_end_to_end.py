"""Syndicate a new article, let people answer on the stand-in platforms, backfeed, moderate, and
see the conversation in the fast-updated page and in a full build; follow edits and deletions.
On SQLite and on PostgreSQL (``store_url``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pelican.plugins.engagement.social.backfeed import backfeed
from pelican.plugins.engagement.social.syndicate import syndicate

from tests.social.helpers import approve_all as _approve_all
from tests.social.helpers import make_social_site
from tests.social.helpers import syndicated as _syndicated
from tests.social.standin import APP_PASSWORD, TOKEN, StandIn


@pytest.fixture
def site(tmp_path: Path, store_url: str, standin: StandIn, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENGAGEMENT_MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("ENGAGEMENT_BLUESKY_APP_PASSWORD", APP_PASSWORD)
    social = make_social_site(tmp_path, store_url, standin)
    yield social
    social.store.close()


def test_a_new_article_is_posted_once_to_each_platform(site, standin) -> None:
    report = syndicate(site.config(), site.store)
    again = syndicate(site.config(), site.store)
    assert sorted(o.platform for o in report.outcomes if o.status == "posted") == ["bluesky", "mastodon"]
    assert {o.key for o in report.outcomes} == {site.key}  # the 2016 article is not news
    assert again.outcomes == [] and len(standin.statuses) == 1 and len(standin.records) == 1


def test_the_posts_carry_title_link_and_hashtags(site, standin) -> None:
    syndicate(site.config(), site.store)
    toot = next(iter(standin.statuses.values()))["_text"]
    skeet = next(iter(standin.records.values()))
    url = f"http://127.0.0.1:8000/{site.key}"
    assert toot == f"Talk to us\n\nWhere the conversation happens.\n\n{url}\n\n#twitter #ResponseTime"
    assert skeet["embed"]["external"] == {"uri": url, "title": "Talk to us",
                                          "description": "Where the conversation happens."}
    features = [f["features"][0] for f in skeet["facets"]]
    assert {"$type": "app.bsky.richtext.facet#link", "uri": url} in features


def test_a_dry_run_posts_and_records_nothing(site, standin) -> None:
    report = syndicate(site.config(), site.store, dry_run=True)
    assert report.count("would-post") == 2 and "#ResponseTime" in report.outcomes[0].text
    assert standin.calls() == 0 and site.store.syndications() == []


def test_the_article_shows_where_it_was_posted(site, standin) -> None:
    records = _syndicated(site, standin)
    links = {a["href"] for a in site.page().select(".h-entry a.u-syndication")}
    assert links == {records["mastodon"].url, records["bluesky"].url}
    reply_links = {a["href"] for a in site.page().select(".eg-social-reply a")}
    assert reply_links == links


def test_backfed_replies_wait_for_moderation(site, standin) -> None:
    _syndicated(site, standin)
    report = backfeed(site.config(), site.store)
    pending = site.store.list(status="pending")
    assert report.created == len(pending) and report.changed == set()
    assert {e.kind for e in pending} == {"mastodon", "bluesky"}
    assert not site.page().select(".p-comment")


def test_approved_replies_and_reactions_show_in_the_fast_updated_page(site, standin) -> None:
    _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    page = site.page()
    authors = [a.get_text() for a in page.select(".p-comment .p-author")]
    assert authors == ["Alice Moreau", "CXperience", "Bob <b>Bold</b>", "Ivan 🚀", "judy.example.com"]
    assert page.select_one("#comments-title").get_text() == "5 replies"
    assert [p.get_text(" ", strip=True) for p in page.select(".eg-reaction-count")] == [
        "6 likes on Mastodon and Bluesky", "2 reposts on Mastodon and Bluesky"]
    sources = [a.get_text() for a in page.select(".p-comment .eg-source")]
    assert sources.count("replied on Mastodon") == 3 and sources.count("replied on Bluesky") == 2


def test_what_must_never_be_published_is_not(site, standin) -> None:
    _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    html = (site.root / "output" / site.key / "index.html").read_text("utf-8")
    for absent in ("Followers-only", "direct message", "Troll", "Mallory", "not to be shown",
                   "<script>alert", "alert('x')", "onerror", "javascript:", "<iframe"):
        assert absent not in html
    # Text that looks like HTML is shown as text (a minified page leaves the harmless > unescaped).
    assert re.search(r"&lt;script(&gt;|>)alert\('judy'\)", html)
    stored = " ".join(e.body_html for e in site.store.list(status=None))
    assert "Followers-only" not in stored and "meaningless without it" not in stored


def test_avatars_are_served_from_our_site(site, standin) -> None:
    _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    sources = {img["src"] for img in site.page().select(".eg-comments img")}
    assert sources and all(s.startswith("/engagement/avatars/") for s in sources)  # root-relative
    for src in sources:
        assert (site.root / "output" / src.removeprefix("/")).is_file()


def test_the_fast_update_and_a_full_build_agree(site, standin, tmp_path) -> None:
    _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    fresh = site.build(tmp_path / "fresh")
    assert (fresh / site.key / "index.html").read_bytes() == \
        (site.root / "output" / site.key / "index.html").read_bytes()


def test_an_edit_upstream_updates_the_page(site, standin) -> None:
    _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    standin.edit_status("9001", "<p>Edited: even better on a second read.</p>")
    report = backfeed(site.config(), site.store)
    assert (report.updated, report.changed) == (1, {site.key})
    assert "even better on a second read" in site.page().select_one(".p-comment").get_text()


def test_a_reply_deleted_upstream_leaves_the_page(site, standin) -> None:
    _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    standin.delete_status("9003")
    standin.delete_bluesky_post("at://did:plc:judy/app.bsky.feed.post/3kreply2")
    report = backfeed(site.config(), site.store)
    page = site.page()
    assert report.removed == 2
    assert "Bob" not in page.get_text() and "judy.example.com" not in page.get_text()
    assert page.select_one("#comments-title").get_text() == "3 replies"


def test_a_second_run_with_nothing_new_changes_nothing(site, standin) -> None:
    _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    before = (site.root / "output" / site.key / "index.html").read_bytes()
    report = backfeed(site.config(), site.store)
    assert (report.created, report.updated, report.removed, report.changed) == (0, 0, 0, set())
    assert (site.root / "output" / site.key / "index.html").read_bytes() == before


def test_one_failing_platform_does_not_stop_the_other(site, standin) -> None:
    _syndicated(site, standin)
    for _ in range(4):
        standin.fail_once("/context", 503)
    report = backfeed(site.config(), site.store)
    assert [(platform, why[:8]) for _key, platform, why in report.failures] == [("mastodon", "HTTP 503")]
    assert {e.kind for e in site.store.list(status="pending")} == {"bluesky"}


def test_a_post_deleted_upstream_takes_its_replies_along(site, standin) -> None:
    records = _syndicated(site, standin)
    backfeed(site.config(), site.store)
    _approve_all(site)
    standin.delete_bluesky_post(records["bluesky"].remote_id)
    backfeed(site.config(), site.store)
    page = site.page()
    assert "Ivan" not in page.get_text()
    assert [a.get_text() for a in page.select(".h-entry a.u-syndication")] == ["Mastodon"]


def test_a_post_only_token_is_refused_once_a_run_not_once_a_post(site, standin) -> None:
    """The README's count (3 Mastodon calls a post): the instance refuses a write:statuses token for
    reading once, and the run reads every further post logged-out straight away."""
    _syndicated(site, standin)
    standin.statuses["555"] = {"id": "555"}
    site.store.record_syndication(thread="2016/02/old-news/", platform="mastodon",
                                  url=f"{standin.base}/@site/555", remote_id="555",
                                  instance=standin.base, origin="named")
    standin.requests.clear()
    report = backfeed(site.config(), site.store)
    assert (report.posts, report.failures) == (3, [])
    assert standin.calls("/context") == 3  # the refused one, then each Mastodon post once
