"""Hostile input comes out inert; cross-origin callers get CORS only for the site's own origins."""

from __future__ import annotations

import pytest
import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.markup import ALLOWED_TAGS

from tests.support.endpoint import SITEURL, Endpoint, comment_fields

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_stored_inert(endpoint: Endpoint, payload: str) -> None:
    created = requests.post(
        f"{endpoint.url}/api/comments", json=comment_fields(body=payload), timeout=10
    ).json()
    html = created["body_html"]
    assert_inert(html)
    assert endpoint.store.require(created["id"]).body_html == html


def assert_inert(html: str) -> None:
    """Only allow-listed elements, no event handlers, links only to http(s)/mailto."""
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        assert element.name in ALLOWED_TAGS, element
        assert not [name for name in element.attrs if name.startswith("on")], element
        href = element.get("href")
        if href is not None:
            assert href.split(":", 1)[0] in {"http", "https", "mailto"}, element


def test_preflight_from_the_site_origin_is_answered(endpoint: Endpoint) -> None:
    answer = requests.options(
        f"{endpoint.url}/api/comments",
        headers={"Origin": SITEURL, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
        timeout=10,
    )
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == SITEURL
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    assert answer.headers["Access-Control-Allow-Headers"] == "Content-Type, Idempotency-Key"


def test_post_from_the_site_origin_gets_cors_headers(endpoint: Endpoint) -> None:
    answer = requests.post(
        f"{endpoint.url}/api/comments", json=comment_fields(), headers={"Origin": SITEURL}, timeout=10
    )
    assert answer.status_code == 201
    assert answer.headers["Access-Control-Allow-Origin"] == SITEURL
    assert "Origin" in answer.headers["Vary"]


def test_foreign_origin_is_refused_without_cors_headers(endpoint: Endpoint) -> None:
    for method in ("OPTIONS", "POST"):
        answer = requests.request(
            method, f"{endpoint.url}/api/comments", json=comment_fields(),
            headers={"Origin": "https://evil.example"}, timeout=10,
        )
        assert answer.status_code == 403, method
        assert "Access-Control-Allow-Origin" not in answer.headers
    assert endpoint.store.list() == []


def test_extra_allowed_origin_is_answered(start_endpoint) -> None:
    endpoint = start_endpoint(ALLOWED_ORIGINS=["https://www.example.org"])
    answer = requests.options(
        f"{endpoint.url}/api/comments",
        headers={"Origin": "https://www.example.org", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert answer.headers["Access-Control-Allow-Origin"] == "https://www.example.org"


def test_refusals_to_the_site_origin_are_readable_by_the_script(start_endpoint) -> None:
    endpoint = start_endpoint(RATE_LIMIT=1)
    def send() -> requests.Response:
        return requests.post(f"{endpoint.url}/api/comments", json=comment_fields(),
                             headers={"Origin": SITEURL}, timeout=10)

    send()
    answer = send()
    assert answer.status_code == 429
    assert answer.headers["Access-Control-Allow-Origin"] == SITEURL
    assert answer.headers["Access-Control-Expose-Headers"] == "Retry-After"
