"""`engagement send` on a real built site: every protocol, idempotence, updates, dry run, guards."""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pelican.plugins.engagement.linkbacks import pingback, trackback
from pelican.plugins.engagement.linkbacks.send import send_all
from pelican.plugins.engagement.settings import SiteConfig, from_pelican
from pelican.plugins.engagement.store import Store
from werkzeug.wrappers import Response

from tests.support.sites import build_site, site_settings, write_article

ARTICLE_KEY = "2024/01/sending-post/"


def _html(head: str = "") -> str:
    return f"<!doctype html><html><head><title>Target</title>{head}</head><body><p>x</p></body></html>"


@pytest.fixture
def targets(peer):
    """Target pages for each protocol, and endpoints that accept what they are sent."""
    peer.page("/wm", _html('<link rel="webmention" href="/wm-endpoint?token=abc">'))
    peer.page("/wm2", _html(), headers={"Link": '</wm-endpoint?token=abc>; rel="webmention"'})
    peer.page("/pb", _html(), headers={"X-Pingback": f"{peer.url}/xmlrpc"})
    rdf = ('<!-- <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">'
           f'<rdf:Description dc:identifier="{peer.url}/tb" trackback:ping="{peer.url}/tb-ping" />'
           "</rdf:RDF> -->")
    peer.page("/tb", _html() .replace("<p>x</p>", rdf))
    peer.page("/plain", _html())
    peer.route("/wm-endpoint", lambda r: Response("Accepted", status=202))
    peer.route("/xmlrpc", lambda r: Response(pingback.success("thanks"), content_type="text/xml"))
    peer.route("/tb-ping", lambda r: Response(trackback.response(None), content_type="text/xml"))
    return peer


def _links(peer, paths: list[str]) -> str:
    items = "\n".join(f"- [link {p}]({peer.url}{p})" for p in paths)
    return f"A post about other posts.\n\n{items}\n\nAnd [one of ours](/2024/01/other/)."


class Site:
    def __init__(self, root: Path, peer) -> None:
        self.root, self.peer = root, peer
        self.content = root / "content"
        self.content.mkdir()
        self.overrides = {
            "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"],
            "ENGAGEMENT_DATABASE_URL": f"sqlite:///{root / 'engagement.sqlite3'}",
            "ENGAGEMENT_FETCH_TIMEOUT": 3.0,
        }

    def build(self, paths: list[str]) -> None:
        write_article(self.content / "articles", "sending-post", _links(self.peer, paths),
                      title="Sending post", date="2024-01-02 10:00")
        build_site(self.root, self.content, **self.overrides)

    @property
    def config(self) -> SiteConfig:
        pelican = site_settings(self.root, self.content, **self.overrides)
        return SiteConfig(self.root / "pelicanconf.py", pelican, from_pelican(pelican))

    def send(self, **options):
        store = Store.open(self.config.database_url)
        try:
            return send_all(self.config, store, **options)
        finally:
            store.close()

    @property
    def source(self) -> str:
        return f"{self.config.site_url}/{ARTICLE_KEY}"


@pytest.fixture
def site(tmp_path, targets) -> Site:
    return Site(tmp_path, targets)


def _posts(peer, path: str) -> list:
    return [r for r in peer.requests if r.path == path and r.method == "POST"]


def test_each_protocol_is_notified(site):
    site.build(["/wm", "/pb", "/tb", "/plain"])
    report = site.send()
    assert (report.count("sent"), report.count("no-endpoint")) == (3, 1)
    [webmention] = _posts(site.peer, "/wm-endpoint")
    assert webmention.args.to_dict() == {"token": "abc"}  # the endpoint's query is kept
    assert parse_qs(webmention.get_data(as_text=True)) == {
        "source": [site.source], "target": [site.peer.url + "/wm"]}
    assert "Webmention" in webmention.headers["User-Agent"]
    [ping] = _posts(site.peer, "/xmlrpc")
    assert xmlrpc.client.loads(ping.get_data())[0] == (site.source, site.peer.url + "/pb")
    [track] = _posts(site.peer, "/tb-ping")
    assert track.form["url"] == site.source and track.form["title"] == "Sending post"


def test_links_to_our_own_site_are_not_sent(site):
    site.build(["/plain"])
    report = site.send()
    assert [r.delivery.target for r in report.results] == [site.peer.url + "/plain"]


def test_second_run_sends_nothing(site):
    site.build(["/wm", "/pb", "/tb"])
    site.send()
    before = len(site.peer.requests)
    report = site.send()
    assert report.results == [] and len(site.peer.requests) == before


def test_changed_article_resends_including_removed_links(site):
    site.build(["/wm", "/pb"])
    site.send()
    site.build(["/pb", "/wm2"])
    report = site.send()
    outcome = {r.delivery.target.rsplit("/", 1)[1]: r.status for r in report.results}
    assert outcome == {"wm2": "sent", "wm": "removed"}  # /pb was pinged once already
    assert len(_posts(site.peer, "/wm-endpoint")) == 3  # /wm, then /wm2 and the removal of /wm
    assert site.send().results == []


def test_pingback_and_trackback_targets_are_pinged_once_per_article(site):
    """As WordPress keeps its "pung" list: an edit re-sends webmentions (the receiver updates its
    copy) but a Pingback server would answer fault 48 and a TrackBack receiver store a duplicate."""
    site.build(["/wm", "/pb", "/tb"])
    site.send()
    site.build(["/wm", "/pb", "/tb", "/plain"])
    report = site.send()
    assert {r.delivery.target.rsplit("/", 1)[1] for r in report.results} == {"wm", "plain"}
    assert len(_posts(site.peer, "/xmlrpc")) == len(_posts(site.peer, "/tb-ping")) == 1
    assert len(_posts(site.peer, "/wm-endpoint")) == 2


def test_removed_pingback_link_is_not_pinged_again(site):
    site.build(["/pb", "/tb"])
    site.send()
    site.build(["/plain"])
    assert [r.delivery.target for r in site.send().results] == [site.peer.url + "/plain"]
    assert len(_posts(site.peer, "/xmlrpc")) == len(_posts(site.peer, "/tb-ping")) == 1


def test_failed_pingback_is_tried_again_when_the_article_changes(site):
    site.peer.route("/xmlrpc", lambda r: Response(pingback.fault(0, "busy"), content_type="text/xml"))
    site.build(["/pb"])
    assert site.send().results[0].status == "failed"
    site.peer.route("/xmlrpc", lambda r: Response(pingback.success("thanks"), content_type="text/xml"))
    site.build(["/pb", "/plain"])
    assert {r.delivery.target.rsplit("/", 1)[1]: r.status for r in site.send().results}["pb"] == "sent"


def test_webmention_400_for_a_removed_link_is_the_expected_end(site):
    """The receiver verified the source, found no link and dropped its copy: done, not a failure."""
    site.build(["/wm"])
    site.send()
    site.peer.route("/wm-endpoint", lambda r: Response("source does not link to target", status=400))
    site.build(["/plain"])
    outcome = {r.delivery.target.rsplit("/", 1)[1]: r.status for r in site.send().results}
    assert outcome == {"wm": "removed", "plain": "no-endpoint"}
    site.build(["/plain", "/pb"])
    assert "/wm" not in {r.delivery.target[len(site.peer.url):] for r in site.send().results}
    assert len(_posts(site.peer, "/wm-endpoint")) == 2


def test_dry_run_sends_and_records_nothing(site):
    site.build(["/wm", "/pb"])
    report = site.send(dry_run=True)
    assert [r.status for r in report.results] == ["would-send", "would-send"]
    assert not [r for r in site.peer.requests if r.method == "POST"]
    assert site.send().count("sent") == 2  # nothing was recorded by the dry run


def test_private_targets_are_not_contacted(site):
    site.build(["/wm"])
    article = site.content / "articles" / "sending-post.md"
    article.write_text(article.read_text() + "\n[inside](http://localhost/admin)\n")
    build_site(site.root, site.content, **site.overrides)
    report = site.send()
    [blocked] = [r for r in report.results if "localhost" in r.delivery.target]
    assert blocked.status == "failed" and "non-public" in blocked.detail


def test_failing_endpoint_is_recorded_as_failed(site):
    site.peer.route("/wm-endpoint", lambda r: Response("no", status=400))
    site.build(["/wm"])
    [result] = site.send().results
    assert (result.status, result.detail) == ("failed", "HTTP 400")


def test_pingback_fault_48_counts_as_sent(site):
    site.peer.route("/xmlrpc", lambda r: Response(pingback.fault(48, "already"), content_type="text/xml"))
    site.build(["/pb"])
    [result] = site.send().results
    assert result.status == "sent"


def test_send_needs_a_built_site(tmp_path, targets):
    from pelican.plugins.engagement.linkbacks.send import SendError

    site = Site(tmp_path, targets)
    with pytest.raises(SendError, match="build the site first"):
        site.send()


def test_send_needs_an_absolute_siteurl(tmp_path, targets):
    from pelican.plugins.engagement.linkbacks.send import SendError

    site = Site(tmp_path, targets)
    site.overrides["SITEURL"] = ""
    with pytest.raises(SendError, match="SITEURL must be an absolute"):
        site.send()
