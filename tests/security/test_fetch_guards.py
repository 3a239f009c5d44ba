"""The fetch guards attacked through each caller, beyond tests/net (the fetch itself) and
tests/linkbacks/test_guards.py (private literals, redirect to port 80, size and time limits).

Here the forbidden address is always a LIVE server — the peer, reached by a name or notation that
means loopback but is not the one allowed host ``127.0.0.1`` — so without the guards the request
would succeed, and the peer's request log proves whether it was made. (The peer listens on a free
port, so the first guard to refuse is the "only ports 80 and 443 for hosts not explicitly allowed"
rule; the address rules on ports 80/443 are covered in tests/net and tests/linkbacks.)
"""

from __future__ import annotations

import gzip
import time
import xmlrpc.client

import pytest
import requests
from pelican.plugins.engagement import net
from pelican.plugins.engagement.cases.oembed import EmbedError, fetch_entry
from pelican.plugins.engagement.cases.providers import Match, Provider
from pelican.plugins.engagement.linkbacks.send import Article, Delivery, deliver
from werkzeug.wrappers import Response

from tests.linkbacks.conftest import (  # noqa: F401  (fixtures)
    endpoint,
    linking_page,
    make_endpoint,
    peer,
    sqlite_store,
)

POLICY = net.FetchPolicy(allowed_private_hosts=frozenset({"127.0.0.1"}), timeout=2.0, max_bytes=256 * 1024)


def _port(peer) -> int:  # noqa: F811
    return int(peer.url.rsplit(":", 1)[1])


def loopback_spellings(port: int) -> list[str]:
    """The peer's address in forms that are loopback after parsing or DNS, but not ``127.0.0.1``."""
    return [
        f"http://localhost:{port}",
        f"http://[::ffff:127.0.0.1]:{port}",
        f"http://0x7f.0.0.1:{port}",
        f"http://0177.0.0.1:{port}",
        f"http://127.1:{port}",
        f"http://2130706433:{port}",
        f"http://127.0.0.2:{port}",
    ]


def _gzip_bomb(_request) -> Response:
    body = gzip.compress(b" " * (30 * 1024 * 1024))
    return Response(body, headers={"Content-Encoding": "gzip"}, content_type="text/html")


def _mention(endpoint, source: str):  # noqa: F811
    answer = requests.post(endpoint.url + "/webmention",
                           data={"source": source, "target": endpoint.open_url}, timeout=10)
    assert answer.status_code == 202, answer.text
    [entry] = [e for e in endpoint.store.list(kind="webmention") if e.source_url == source]
    return endpoint.wait_settled(entry.id)


# --- verification of webmentions and pingbacks ------------------------------------------------------------


@pytest.mark.parametrize("spelling", range(7))
def test_verification_never_reaches_loopback_by_another_name(endpoint, peer, spelling: int) -> None:  # noqa: F811
    peer.page("/post", linking_page(endpoint.open_url))
    source = loopback_spellings(_port(peer))[spelling] + "/post"
    entry = _mention(endpoint, source)
    assert peer.hits("/post") == 0
    assert (entry.status, entry.verification) == ("deleted", "failed")


def test_pingback_source_on_loopback_by_name_is_not_fetched(endpoint, peer) -> None:  # noqa: F811
    peer.page("/post", linking_page(endpoint.open_url))
    proxy = xmlrpc.client.ServerProxy(endpoint.url + "/pingback")
    with pytest.raises(xmlrpc.client.Fault):
        proxy.pingback.ping(f"http://localhost:{_port(peer)}/post", endpoint.open_url)
    assert peer.hits("/post") == 0


def test_redirect_from_an_allowed_source_into_a_live_private_server_is_refused(endpoint, peer) -> None:  # noqa: F811
    peer.page("/secret", linking_page(endpoint.open_url))
    source = peer.page("/moved", "", status=302,
                       headers={"Location": f"http://localhost:{_port(peer)}/secret"})
    entry = _mention(endpoint, source)
    assert peer.hits("/moved") == 1 and peer.hits("/secret") == 0
    assert (entry.status, entry.verification) == ("deleted", "failed")


def test_compressed_bomb_source_is_refused_as_too_large(endpoint, peer) -> None:  # noqa: F811
    source = peer.route("/bomb", _gzip_bomb)
    entry = _mention(endpoint, source)
    assert entry.status == "deleted" and "too large" in entry.verify_error


# --- sending: discovery and the notification ------------------------------------------------------------

ARTICLE = Article("http://127.0.0.1:8000/2024/01/ours/", "Ours", "An excerpt.", (), "f")


def _deliver(target: str):
    with net.Fetcher(POLICY) as fetcher:
        return deliver(Delivery(ARTICLE.url, target), ARTICLE, "Our Blog", fetcher)


@pytest.mark.parametrize("announced", [
    '<link rel="webmention" href="http://localhost:{port}/hook">',
    '<link rel="webmention" href="http://[::ffff:127.0.0.1]:{port}/hook">',
    '<link rel="pingback" href="http://0x7f.0.0.1:{port}/hook">',
])
def test_announced_endpoint_in_private_space_is_never_called(peer, announced: str) -> None:  # noqa: F811
    peer.route("/hook", lambda _request: Response("thanks", status=202))
    head = announced.format(port=_port(peer))
    target = peer.page("/target", f"<!doctype html><html><head>{head}</head><body>x</body></html>")
    result = _deliver(target)
    assert result.status == "failed" and result.detail
    assert peer.hits("/hook") == 0


def test_discovery_redirected_into_private_space_stops(peer) -> None:  # noqa: F811
    peer.page("/inside", '<link rel="webmention" href="/hook">')
    target = peer.page("/target", "", status=301, headers={"Location": f"http://localhost:{_port(peer)}/inside"})
    result = _deliver(target)
    assert result.status == "failed" and peer.hits("/inside") == 0


@pytest.mark.parametrize("kind", ["bomb", "huge"])
def test_oversized_target_page_fails_discovery_cleanly(peer, kind: str) -> None:  # noqa: F811
    if kind == "bomb":
        target = peer.route("/target", _gzip_bomb)
    else:
        target = peer.page("/target", "<p>" + "x" * (2 * 1024 * 1024) + "</p>")
    result = _deliver(target)
    assert result.status == "failed" and "larger than" in result.detail


def test_slow_loris_target_is_cut_off_at_the_deadline(peer) -> None:  # noqa: F811
    def trickle(_request):
        def body():
            for _ in range(100):
                time.sleep(0.1)
                yield b"<p>."
        return Response(body(), content_type="text/html", direct_passthrough=True)

    result = _deliver(peer.route("/target", trickle))
    assert result.status == "failed" and "too long" in result.detail


# --- oEmbed (embeds at build time) ------------------------------------------------------------------------


def _embed(peer, endpoint_path: str):  # noqa: F811
    provider = Provider("stand-in", (f"{peer.url}/post/*",), peer.url + endpoint_path)
    with net.Fetcher(POLICY) as fetcher:
        return fetch_entry(fetcher, f"{peer.url}/post/1", Match("stand-in", provider=provider))


def test_oembed_endpoint_redirecting_into_private_space_is_refused(peer) -> None:  # noqa: F811
    secret = '{"type": "rich", "version": "1.0", "html": "secret"}'
    peer.page("/private", secret, content_type="application/json")
    peer.page("/oembed", "", status=302, headers={"Location": f"http://localhost:{_port(peer)}/private"})
    with pytest.raises(EmbedError):
        _embed(peer, "/oembed")
    assert peer.hits("/private") == 0


@pytest.mark.parametrize("compressed", [True, False])
def test_oversized_oembed_answer_is_refused(peer, compressed: bool) -> None:  # noqa: F811
    def huge(_request):
        body = b'{"type": "rich", "html": "' + b" " * ((30 if compressed else 2) * 1024 * 1024) + b'"}'
        if compressed:
            return Response(gzip.compress(body), headers={"Content-Encoding": "gzip"},
                            content_type="application/json")
        return Response(body, content_type="application/json")

    peer.route("/oembed", huge)
    with pytest.raises(EmbedError, match="larger than"):
        _embed(peer, "/oembed")
