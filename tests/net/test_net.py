"""The guarded fetch, against real servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import pytest
from pelican.plugins.engagement.net import (
    BlockedAddress,
    FetchError,
    FetchPolicy,
    FetchTimeout,
    TooLarge,
    fetch,
)
from werkzeug.wrappers import Request, Response

from tests.support.servers import serve_wsgi

LOCAL = FetchPolicy(timeout=2.0, max_bytes=64 * 1024, allowed_private_hosts=frozenset({"127.0.0.1"}))


@Request.application
def stand_in(request: Request) -> Response:
    path = request.path
    if path == "/hello":
        return Response("<p>hello</p>", mimetype="text/html")
    if path.startswith("/redirect-to/"):
        return Response(status=302, headers={"Location": request.args["to"]})
    if path == "/loop":
        return Response(status=302, headers={"Location": "/loop"})
    if path == "/big":
        return Response(b"x" * (200 * 1024), mimetype="text/plain")
    if path == "/bomb":
        body = gzip.compress(b"\0" * (20 * 1024 * 1024))
        return Response(body, headers={"Content-Encoding": "gzip"}, mimetype="text/plain")
    if path == "/trickle":
        def slow() -> Iterator[bytes]:
            for _ in range(50):
                time.sleep(0.2)
                yield b"."
        return Response(slow(), mimetype="text/plain", direct_passthrough=True)
    if path == "/post":
        return Response(f"got {request.form.get('source')}", mimetype="text/plain")
    return Response("missing", status=404)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_wsgi(stand_in) as url:
        yield url


def test_allowed_local_host_is_fetched(server: str) -> None:
    result = fetch(f"{server}/hello", policy=LOCAL)
    assert result.status == 200 and result.text == "<p>hello</p>"
    assert result.content_type == "text/html"


def test_post_sends_form_data(server: str) -> None:
    result = fetch(f"{server}/post", policy=LOCAL, method="POST", data={"source": "https://a.example/"})
    assert result.text == "got https://a.example/"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",  # a name that resolves to loopback
        "http://2130706433/",  # 127.0.0.1 in decimal
        "http://0177.0.0.1/",  # 127.0.0.1 in octal
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
    ],
)
def test_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddress):
        fetch(url, policy=FetchPolicy(timeout=1.0))


def test_non_standard_port_is_refused_for_public_hosts() -> None:
    with pytest.raises(BlockedAddress, match="port 8080"):
        fetch("http://example.com:8080/", policy=FetchPolicy(timeout=1.0))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch(url, policy=LOCAL)


def test_redirect_into_a_private_host_is_refused(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    hop = f"{server}/redirect-to/?to=http://localhost:{port}/hello"
    with pytest.raises(BlockedAddress):
        fetch(hop, policy=LOCAL)


def test_redirects_are_limited(server: str) -> None:
    with pytest.raises(FetchError, match="redirects"):
        fetch(f"{server}/loop", policy=LOCAL)


def test_redirect_is_followed_and_reported(server: str) -> None:
    result = fetch(f"{server}/redirect-to/?to=/hello", policy=LOCAL)
    assert result.url == f"{server}/hello"
    assert result.history == (f"{server}/redirect-to/?to=/hello",)


def test_body_larger_than_cap_is_refused(server: str) -> None:
    with pytest.raises(TooLarge):
        fetch(f"{server}/big", policy=LOCAL)


def test_compression_bomb_is_stopped_at_the_decoded_cap(server: str) -> None:
    with pytest.raises(TooLarge):
        fetch(f"{server}/bomb", policy=LOCAL)


def test_trickling_server_hits_the_total_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(f"{server}/trickle", policy=FetchPolicy(
            timeout=1.0, allowed_private_hosts=frozenset({"127.0.0.1"})))
    assert time.monotonic() - started < 5
