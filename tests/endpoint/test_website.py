"""The commenter's website: a bare domain is completed with https://, anything else gets a 400."""

from __future__ import annotations

import json
import re

import pytest
import requests

from tests.support.endpoint import Endpoint, comment_fields


def post_json(endpoint: Endpoint, **fields: str) -> requests.Response:
    return requests.post(f"{endpoint.url}/api/comments", data=json.dumps(comment_fields(**fields)),
                         headers={"Content-Type": "application/json"}, timeout=10)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("example.org", "https://example.org"),
        ("  example.org/me  ", "https://example.org/me"),
        ("//example.org", "https://example.org"),
        ("www.example.org:8080/blog", "https://www.example.org:8080/blog"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://Example.org/Me", "HTTPS://Example.org/Me"),
    ],
)
def test_website_is_stored_as_a_full_address(endpoint: Endpoint, typed: str, stored: str) -> None:
    answer = post_json(endpoint, website=typed)
    assert answer.status_code == 201, answer.text
    assert answer.json()["author_url"] == stored


def test_bare_domain_from_the_plain_form_is_accepted(endpoint: Endpoint) -> None:
    answer = requests.post(f"{endpoint.url}/comments", data=comment_fields(website="ann.example"),
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 303, answer.text
    [stored] = endpoint.store.list()
    assert stored.author_url == "https://ann.example"


@pytest.mark.parametrize(
    "typed",
    ["localhost", "https://[::1", "example.org:99999", "ftp://example.org", "mailto:ann@example.org",
     "javascript:alert(1)", "exa mple.org", "https://"],
)
def test_what_is_not_a_web_address_is_refused_with_a_sentence(endpoint: Endpoint, typed: str) -> None:
    answer = post_json(endpoint, website=typed)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {
        "error": "Your website must be a web address, such as example.org or https://example.org.",
        "field": "website",
    }
    assert endpoint.store.list() == []


def test_the_new_comment_is_dated_as_the_pages_date_it(endpoint: Endpoint) -> None:
    from pelican.plugins.engagement.comments.views import RenderContext
    from pelican.plugins.engagement.store import Store

    answer = post_json(endpoint)
    body = answer.json()
    entry = Store.require(endpoint.store, body["id"])
    context = RenderContext.from_settings(endpoint.config.pelican, endpoint.config.engagement)
    assert body["created_at_text"] == context.format_date(entry.created_at)
    # The case cards' short format, in the repository's TIMEZONE: "30 Nov 2026, 16:36".
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", body["created_at_text"])
