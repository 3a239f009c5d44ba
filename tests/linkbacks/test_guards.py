"""Every guard on the verification fetch, exercised through the webmention endpoint.

Each blocked case is built so that, without the guard, the outcome would differ (a fetch attempt
that is refused or times out is a *transient* failure and stays queued; a guard refusal is final
and removes the mention with its reason).
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from pelican.plugins.engagement.store import utcnow
from werkzeug.wrappers import Response

from tests.linkbacks.conftest import linking_page


def _mention(endpoint, source: str):
    response = requests.post(endpoint.url + "/webmention",
                             data={"source": source, "target": endpoint.open_url}, timeout=10)
    assert response.status_code == 202, response.text
    [entry] = endpoint.store.list(kind="webmention")
    return endpoint.wait_settled(entry.id)


@pytest.mark.parametrize("source", [
    "http://10.0.0.1/post",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost/post",  # a DNS name that resolves to loopback
    "http://[::1]/post",
    "http://2130706433/post",  # 127.0.0.1 written as one decimal number
])
def test_private_addresses_are_never_fetched(endpoint, source):
    entry = _mention(endpoint, source)
    assert (entry.status, entry.verification) == ("deleted", "failed")
    assert "non-public" in entry.verify_error


def test_non_standard_port_on_public_name_is_refused(endpoint):
    entry = _mention(endpoint, "http://localhost:8080/post")
    assert entry.status == "deleted" and "port 8080" in entry.verify_error


def test_redirect_to_loopback_is_refused(endpoint, peer):
    source = peer.page("/moved", "", status=302, headers={"Location": "http://localhost/post"})
    entry = _mention(endpoint, source)
    assert peer.hits("/moved") == 1
    assert entry.status == "deleted" and "non-public" in entry.verify_error


def test_allowed_host_redirect_is_followed(endpoint, peer):
    peer.page("/post", linking_page(endpoint.open_url))
    source = peer.page("/old", "", status=301, headers={"Location": "/post"})
    assert _mention(endpoint, source).verification == "verified"


def test_huge_source_is_cut_off(endpoint, peer):
    def fifty_megabytes(_request):
        chunk = b"<p>" + b"x" * 65532 + b"</p>"
        return Response((chunk for _ in range(800)), content_type="text/html")

    source = peer.route("/huge", fifty_megabytes)
    entry = _mention(endpoint, source)
    assert entry.status == "deleted" and "too large" in entry.verify_error


def test_slow_source_times_out_and_is_retried(make_endpoint, peer):
    def slow(_request):
        time.sleep(3)
        return Response("late", content_type="text/html")

    with make_endpoint(FETCH_TIMEOUT=0.5) as endpoint:
        source = peer.route("/slow", slow)
        entry = _mention(endpoint, source)
    assert (entry.verification, entry.verify_attempts) == ("queued", 1)
    assert "too long" in entry.verify_error


def test_trickling_source_hits_the_total_deadline(make_endpoint, peer):
    def trickle(_request):
        def body():
            for _ in range(30):
                time.sleep(0.1)
                yield b"<p>x</p>"
        return Response(body(), content_type="text/html")

    with make_endpoint(FETCH_TIMEOUT=0.5) as endpoint:
        source = peer.route("/trickle", trickle)
        entry = _mention(endpoint, source)
    assert "too long" in entry.verify_error


def test_transient_failures_give_up_after_the_configured_attempts(make_endpoint, peer):
    from pelican.plugins.engagement.linkbacks.worker import RETRY_BACKOFF, verify_queued

    source = peer.page("/down", "maintenance", status=503)
    with make_endpoint(LINKBACK_VERIFY_ATTEMPTS=2) as endpoint:
        entry = _mention(endpoint, source)
        assert (entry.verification, entry.verify_attempts) == ("queued", 1)
        manifest = endpoint.app.extensions["engagement"].manifest
        assert not verify_queued(endpoint.store, endpoint.config.engagement, manifest)  # not due
        later = utcnow() + timedelta(seconds=RETRY_BACKOFF + 1)
        verify_queued(endpoint.store, endpoint.config.engagement, manifest, now=later)
        entry = endpoint.store.require(entry.id)
    assert (entry.verification, entry.status) == ("failed", "pending")
