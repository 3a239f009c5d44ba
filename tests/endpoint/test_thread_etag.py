"""The thread API's validators: a strong ETag, 304 for a current copy, a new tag after any change."""

from __future__ import annotations

import requests

from tests.support.endpoint import OPEN, Endpoint, comment_fields


def thread(endpoint: Endpoint, **headers: str) -> requests.Response:
    return requests.get(f"{endpoint.url}/api/threads/{OPEN}comments", headers=headers, timeout=10)


def approved(endpoint: Endpoint, body: str) -> int:
    created = requests.post(f"{endpoint.url}/api/comments", json=comment_fields(body=body), timeout=10).json()
    endpoint.store.set_status(created["id"], "approved", actor="test")
    return created["id"]


def test_thread_answers_with_a_strong_etag_and_no_cache(endpoint: Endpoint) -> None:
    answer = thread(endpoint)
    assert answer.status_code == 200
    assert answer.headers["ETag"].startswith('"')  # strong: no W/ prefix
    assert answer.headers["Cache-Control"] == "no-cache"


def test_current_copy_gets_304_without_a_body(endpoint: Endpoint) -> None:
    approved(endpoint, "first")
    tag = thread(endpoint).headers["ETag"]
    answer = thread(endpoint, **{"If-None-Match": tag})
    assert answer.status_code == 304
    assert answer.content == b""
    assert answer.headers["ETag"] == tag


def test_weakened_tag_from_a_proxy_still_matches(endpoint: Endpoint) -> None:
    tag = thread(endpoint).headers["ETag"]
    assert thread(endpoint, **{"If-None-Match": f"W/{tag}"}).status_code == 304


def test_approval_changes_the_tag_and_the_document(endpoint: Endpoint) -> None:
    approved(endpoint, "first")
    before = thread(endpoint)
    second = approved(endpoint, "second")
    after = thread(endpoint, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert [c["id"] for c in after.json()["comments"]][-1] == second
    assert after.json()["count"] == 2


def test_deleting_a_comment_is_seen_at_once(endpoint: Endpoint) -> None:
    first = approved(endpoint, "first")
    approved(endpoint, "second")
    tag = thread(endpoint).headers["ETag"]
    endpoint.store.delete(first, actor="test")
    answer = thread(endpoint, **{"If-None-Match": tag})
    assert answer.status_code == 200
    assert first not in [c["id"] for c in answer.json()["comments"]]


def test_another_store_connection_changing_the_thread_changes_the_tag(start_endpoint, store_url: str) -> None:
    """Another worker or instance writes through its own connection; our cached copy must not stick."""
    endpoint = start_endpoint(store_url)
    comment_id = approved(endpoint, "original")
    tag = thread(endpoint).headers["ETag"]
    other = type(endpoint.store).open(endpoint.config.database_url, run_migrations=False)
    try:
        other.update(comment_id, body_html="<p>edited elsewhere</p>")
    finally:
        other.close()
    answer = thread(endpoint, **{"If-None-Match": tag})
    assert answer.status_code == 200
    assert answer.json()["comments"][0]["body_html"] == "<p>edited elsewhere</p>"
