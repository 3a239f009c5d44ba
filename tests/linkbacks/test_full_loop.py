"""The whole loop from a second local site: our built pages announce the endpoints; a trackback, a
pingback and a webmention are sent with independent clients, verified, approved, and shown after a
rebuild."""

from __future__ import annotations

import time
import xmlrpc.client
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.endpoint.app import create_app
from pelican.plugins.engagement.endpoint.linkbacks import VERIFIER_KEY
from pelican.plugins.engagement.linkbacks import trackback
from pelican.plugins.engagement.settings import SiteConfig, from_pelican
from pelican.plugins.engagement.store import Store
from ronkyuu.webmention import sendWebmention

from tests.linkbacks.conftest import linking_page, reply_page
from tests.support.servers import serve_wsgi, static_app
from tests.support.sites import CONTENT, build_site, site_settings

ARTICLE = "2013/04/the-now-of-customer-service/"


def _wait_verified(store: Store, kind: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entries = store.list(kind=kind)
        if entries and entries[0].verification != "queued":
            return entries[0]
        time.sleep(0.05)
    raise AssertionError(f"no verified {kind}")


@pytest.mark.slow
def test_trackback_pingback_and_webmention_appear_after_rebuild(tmp_path: Path, peer):
    output = tmp_path / "output"
    output.mkdir()
    overrides = {
        "ENGAGEMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'engagement.sqlite3'}",
        "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"],
        "ENGAGEMENT_ARCHIVE_PATH": "",
    }
    with serve_wsgi(static_app(output)) as site_url:
        overrides["SITEURL"] = site_url
        pelican = site_settings(tmp_path, CONTENT, **overrides)
        config = SiteConfig(tmp_path / "pelicanconf.py", pelican, from_pelican(pelican, environ={}))
        store = Store.open(config.database_url)
        app = create_app(config, store=store)
        try:
            with serve_wsgi(app) as endpoint_url:
                build_site(tmp_path, CONTENT, ENGAGEMENT_ENDPOINT_URL=endpoint_url, **overrides)
                target = f"{site_url}/{ARTICLE}"
                page = requests.get(target, timeout=10).text

                # TrackBack: the ping URL from our page's RDF block, then a plain form POST.
                tb_source = peer.page("/tb", linking_page(target, title="Their trackback post"))
                ping_url = trackback.discover(page, target)
                answer = requests.post(ping_url, data={"url": tb_source, "title": "Their trackback post",
                                                       "excerpt": "They wrote about us",
                                                       "blog_name": "Peer Blog"}, timeout=10)
                assert b"<error>0</error>" in answer.content

                # Pingback: the XML-RPC server from <link rel="pingback">, called by xmlrpc.client.
                pb_source = peer.page("/pb", linking_page(target, title="Their pingback post"))
                server = BeautifulSoup(page, "html.parser").find("link", rel="pingback")["href"]
                xmlrpc.client.ServerProxy(server).pingback.ping(pb_source, target)

                # Webmention: ronkyuu discovers the endpoint on our page by itself.
                wm_source = peer.page("/wm", reply_page(target, text="Replying from my own site",
                                                        author="Wendy Mention"))
                assert sendWebmention(wm_source, target, test_urls=False, timeout=10).status_code == 202

                entries = [_wait_verified(store, kind) for kind in ("trackback", "pingback", "webmention")]
                assert [e.verification for e in entries] == ["verified"] * 3
                for entry in entries:
                    store.set_status(entry.id, "approved", actor="test")

                build_site(tmp_path, CONTENT, ENGAGEMENT_ENDPOINT_URL=endpoint_url, **overrides)
                rebuilt = BeautifulSoup(requests.get(target, timeout=10).text, "html.parser")
        finally:
            verifier = app.extensions.get(VERIFIER_KEY)
            if verifier is not None:
                verifier.stop()
                verifier.join(timeout=5)
            store.close()

    linkbacks = rebuilt.select("section.mentions li.linkback")
    assert [li["class"][-1] for li in linkbacks] == ["linkback-trackback", "linkback-pingback"]
    assert linkbacks[0].find("a")["href"] == tb_source
    assert "They wrote about us" in linkbacks[0].get_text()
    assert linkbacks[1].find("a").get_text() == "Their pingback post"
    comments = rebuilt.find(id="comments")
    assert "Wendy Mention" in comments.get_text() and "Replying from my own site" in comments.get_text()
