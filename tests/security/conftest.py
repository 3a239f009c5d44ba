"""A real site that has taken the whole hostile corpus through every way in, approved and built.

Three servers on 127.0.0.1: the built site (static files), the endpoint, and a source site for the
linkbacks. The corpus is posted as form and JSON comments and sent as webmentions, pingbacks and
trackbacks whose source pages carry it; verification really fetches the sources (the endpoint lets
127.0.0.1 through with ALLOWED_PRIVATE_HOSTS, as only tests do). Then everything pending is
approved with ``engagement moderate approve`` and the site is built again.
"""

from __future__ import annotations

import html
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.endpoint.linkbacks import VERIFIER_KEY
from pelican.plugins.engagement.settings import load_site
from pelican.plugins.engagement.store import Store

from tests.linkbacks.conftest import Peer
from tests.reliability.gunicorn import write_settings
from tests.security import hostile
from tests.support.endpoint import OPEN, BuiltSite, built_site, start_endpoint
from tests.support.servers import serve_wsgi, static_app
from tests.support.sites import write_article

__all__ = ["built_site", "hostile_site", "start_endpoint"]

SETTLE_TIMEOUT = 60.0


class Deferred:
    """A WSGI app whose real app is set later: the server's port must be known before the build."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@dataclass
class HostileSite:
    site_url: str
    endpoint_url: str
    output: Path
    settings_file: Path
    store_url: str
    #: (route, corpus index, HTTP status) of every hostile post.
    answers: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def article_url(self) -> str:
        return f"{self.site_url}/{OPEN}"


def build(settings_file: Path) -> None:
    from pelican import Pelican
    from pelican.log import init as init_logging

    init_logging(fatal="warnings")
    Pelican(dict(load_site(settings_file).pelican)).run()


def source_page(index: int, body: str, target: str) -> str:
    """A source post carrying the payload as its content, author and title (raw, as an attacker would)."""
    name = hostile.NAMES[index % len(hostile.NAMES)]
    return (f"<!doctype html><html><head><title>{body[:300]}</title></head><body>"
            f"<article class=\"h-entry\"><h1 class=\"p-name\">{body[:300]}</h1>"
            f"<a class=\"u-in-reply-to\" href=\"{html.escape(target)}\">the article</a>"
            f"<p class=\"p-author h-card\"><a class=\"p-name u-url\" href=\"/\">{name}</a></p>"
            f"<div class=\"e-content\">{body}</div></article></body></html>")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSite]:
    root = tmp_path_factory.mktemp("hostile-site")
    content = root / "content"
    write_article(content / "articles", "open-thread", "An article that readers attack.")
    store_url = f"sqlite:///{root / 'engagement.sqlite3'}"
    endpoint = Deferred()
    peer = Peer()
    with serve_wsgi(static_app(root / "output")) as site_url, serve_wsgi(endpoint) as endpoint_url, \
            serve_wsgi(peer) as peer_url:
        peer.url = peer_url
        settings_file = write_settings(
            root, BuiltSite(root, content, root / "output", {}), store_url,
            pelican={"SITEURL": site_url, "CACHE_PATH": str(root / "cache"), "LOAD_CONTENT_CACHE": False},
            ENDPOINT_URL=endpoint_url, ALLOWED_PRIVATE_HOSTS=["127.0.0.1"], REBUILD_ON_APPROVE=False,
            RATE_LIMIT=0, THREAD_RATE_LIMIT=0, LINKBACK_RATE_LIMIT=0, LINKBACK_SOURCE_RATE_LIMIT=0,
            COMMENTS_PER_PAGE=1000, EMBEDS_FETCH=False, FETCH_TIMEOUT=3.0,
        )
        build(settings_file)
        app = create_app(load_site(settings_file))
        endpoint.app = app
        site = HostileSite(site_url, endpoint_url, root / "output", settings_file, store_url)
        try:
            _post_comments(site)
            _send_linkbacks(site, peer)
            _wait_verified(store_url)
            _approve_everything(site)
            build(settings_file)
            yield site
        finally:
            verifier = app.extensions.get(VERIFIER_KEY)
            if verifier is not None:
                verifier.stop()
                verifier.join(timeout=5)


def _post_comments(site: HostileSite) -> None:
    for index, body in enumerate(hostile.BODIES):
        data = hostile.fields(index, body, OPEN)
        form = requests.post(site.endpoint_url + "/comments", data=data, allow_redirects=False, timeout=30)
        site.answers.append(("form", index, form.status_code))
        api = requests.post(site.endpoint_url + "/api/comments", json=data, timeout=30,
                            headers={"Origin": site.site_url})
        site.answers.append(("json", index, api.status_code))
    # Bytes that are not UTF-8 at all, in both encodings.
    broken = b"thread=" + OPEN.encode() + b"&name=Bytes&body=%FF%FE%C0%AF<script>" + hostile.RUN.encode()
    raw = requests.post(site.endpoint_url + "/comments", data=broken, allow_redirects=False, timeout=30,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    site.answers.append(("form-bytes", -1, raw.status_code))
    raw_json = b'{"thread": "' + OPEN.encode() + b'", "name": "Bytes", "body": "\xff\xfe<script>x</script>"}'
    raw = requests.post(site.endpoint_url + "/api/comments", data=raw_json, timeout=30,
                        headers={"Content-Type": "application/json"})
    site.answers.append(("json-bytes", -1, raw.status_code))
    # Malformed JSON (a lone surrogate, thousands of levels deep) and reply ids beyond 64 bits.
    fields = {"thread": OPEN, "name": "Edge", "body": "An edge case"}
    malformed = [hostile.lone_surrogate_json(fields, "body"), hostile.deeply_nested_json(),
                 hostile.deeply_nested_field(fields, "body")]
    for body in malformed:
        raw = requests.post(site.endpoint_url + "/api/comments", data=body, timeout=30,
                            headers={"Content-Type": "application/json"})
        site.answers.append(("json-malformed", -1, raw.status_code))
    for number in hostile.HUGE_NUMBERS:
        raw = requests.post(site.endpoint_url + "/comments", data=fields | {"parent": str(number)},
                            allow_redirects=False, timeout=30)
        site.answers.append(("form-parent", number, raw.status_code))


def _send_linkbacks(site: HostileSite, peer: Peer) -> None:
    target = site.article_url
    pingback = xmlrpc.client.ServerProxy(site.endpoint_url + "/pingback")
    for index, body in enumerate(hostile.BODIES):
        page = source_page(index, body, target)
        webmention_source = peer.page(f"/wm/{index}", page)
        answer = requests.post(site.endpoint_url + "/webmention",
                               data={"source": webmention_source, "target": target}, timeout=30)
        site.answers.append(("webmention", index, answer.status_code))
        try:
            pingback.pingback.ping(peer.page(f"/pb/{index}", page), target)
            site.answers.append(("pingback", index, 200))
        except xmlrpc.client.Fault:
            site.answers.append(("pingback-fault", index, 200))
        except xmlrpc.client.ProtocolError as error:
            site.answers.append(("pingback", index, error.errcode))
        answer = requests.post(f"{site.endpoint_url}/trackback/{OPEN}", timeout=30, data={
            "url": peer.page(f"/tb/{index}", page), "title": body[:500], "excerpt": body[:2000],
            "blog_name": hostile.NAMES[index % len(hostile.NAMES)],
        })
        site.answers.append(("trackback", index, answer.status_code))


def _wait_verified(store_url: str) -> None:
    store = Store.open(store_url)
    try:
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while store.list(verification="queued"):
            assert time.monotonic() < deadline, "linkback verification did not settle"
            time.sleep(0.2)
    finally:
        store.close()


def _approve_everything(site: HostileSite) -> None:
    store = Store.open(site.store_url)
    try:
        pending = [str(entry.id) for entry in store.list(status="pending")]
    finally:
        store.close()
    assert pending, f"nothing of the corpus was accepted: {site.answers}"
    arguments = ["moderate", "approve", *pending, "--settings", str(site.settings_file)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
