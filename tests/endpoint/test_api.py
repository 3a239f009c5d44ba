"""The JSON API the page's script uses: 201 with the stored comment, 4xx with a message and field."""

from __future__ import annotations

import json

import requests
from pelican.plugins.engagement.moderation.actions import reply_as_author

from tests.support.endpoint import CLOSED, OPEN, SITEURL, Endpoint, comment_fields


def post(endpoint: Endpoint, payload: object, **headers: str) -> requests.Response:
    return requests.post(
        f"{endpoint.url}/api/comments", data=json.dumps(payload),
        headers={"Content-Type": "application/json", **headers}, timeout=10,
    )


def test_json_post_is_committed_before_the_201(start_endpoint, store_url: str) -> None:
    endpoint = start_endpoint(store_url)
    answer = post(endpoint, comment_fields())
    assert answer.status_code == 201
    body = answer.json()
    assert body["status"] == "pending"
    assert body["author_name"] == "Ann Reader"
    assert body["body_html"] == "<p>Nice <em>post</em>.</p>"
    assert "awaiting moderation" in body["message"]
    # A second connection (another process would do the same) sees the row.
    other = type(endpoint.store).open(store_url, run_migrations=False)
    try:
        assert other.require(body["id"]).thread == OPEN
    finally:
        other.close()


def test_email_is_never_in_public_json(endpoint: Endpoint) -> None:
    created = post(endpoint, comment_fields(email="secret.person@example.org")).json()
    endpoint.store.set_status(created["id"], "approved", actor="test")
    listing = requests.get(f"{endpoint.url}/api/threads/{OPEN}comments", timeout=10)
    assert listing.status_code == 200
    assert [c["id"] for c in listing.json()["comments"]] == [created["id"]]
    for text in (json.dumps(created), listing.text):
        assert "secret.person" not in text
        assert "ip_hash" not in text


def test_thread_listing_marks_the_authors_reply(endpoint: Endpoint) -> None:
    """"Approve and reply" stores the answer ``by_author``; the API says so, as the pages do."""
    asked = post(endpoint, comment_fields(body="When do refunds arrive?")).json()
    assert asked["by_author"] is False  # a reader's comment never is
    _outcome, reply = reply_as_author(endpoint.config, endpoint.store, asked["id"], "Within five days.",
                                      actor="test")
    comments = requests.get(f"{endpoint.url}/api/threads/{OPEN}comments", timeout=10).json()["comments"]
    assert [(c["id"], c["by_author"]) for c in comments] == [(asked["id"], False), (reply.id, True)]


def test_thread_listing_shows_only_approved_comments(endpoint: Endpoint) -> None:
    kept = post(endpoint, comment_fields(body="approved one")).json()
    post(endpoint, comment_fields(body="still pending"))
    endpoint.store.set_status(kept["id"], "approved", actor="test")
    comments = requests.get(f"{endpoint.url}/api/threads/{OPEN}comments", timeout=10).json()["comments"]
    assert [c["body_html"] for c in comments] == ["<p>approved one</p>"]


def test_error_names_the_field(endpoint: Endpoint) -> None:
    answer = post(endpoint, comment_fields(email="not-an-address"))
    assert answer.status_code == 400
    assert answer.json() == {"error": "“not-an-address” is not an e-mail address.", "field": "email"}


def test_closed_thread_is_403_json(endpoint: Endpoint) -> None:
    answer = post(endpoint, comment_fields(thread=CLOSED))
    assert answer.status_code == 403
    assert answer.json()["error"] == "Comments are closed."


def test_form_encoding_is_refused_on_the_json_route(endpoint: Endpoint) -> None:
    answer = requests.post(f"{endpoint.url}/api/comments", data=comment_fields(), timeout=10)
    assert answer.status_code == 415
    assert "application/json" in answer.json()["error"]


def test_malformed_json_is_400(endpoint: Endpoint) -> None:
    answer = requests.post(
        f"{endpoint.url}/api/comments", data="{not json",
        headers={"Content-Type": "application/json"}, timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "The request body is not a JSON object."


def test_notify_without_email_is_refused(endpoint: Endpoint) -> None:
    answer = post(endpoint, comment_fields(email="", notify="1"))
    assert answer.status_code == 400
    assert answer.json()["field"] == "email"


def test_website_without_scheme_gets_https(endpoint: Endpoint) -> None:
    created = post(endpoint, comment_fields(website="ann.example.org/blog")).json()
    assert created["author_url"] == "https://ann.example.org/blog"


def test_javascript_website_is_refused(endpoint: Endpoint) -> None:
    answer = post(endpoint, comment_fields(website="javascript:alert(1)"))
    assert answer.status_code == 400
    assert answer.json()["field"] == "website"


def test_thread_given_as_full_url_is_accepted(endpoint: Endpoint) -> None:
    assert post(endpoint, comment_fields(thread=f"{SITEURL}/{OPEN}")).status_code == 201


def test_json_booleans_and_numbers_are_accepted(endpoint: Endpoint) -> None:
    parent = post(endpoint, comment_fields()).json()["id"]
    endpoint.store.set_status(parent, "approved", actor="test")
    reply = post(endpoint, {**comment_fields(), "parent": parent, "notify": True})
    assert reply.status_code == 201
    assert reply.json()["parent"] == parent
    assert endpoint.store.require(reply.json()["id"]).notify is True


def test_non_text_field_is_refused(endpoint: Endpoint) -> None:
    answer = post(endpoint, {**comment_fields(), "name": ["Ann"]})
    assert answer.status_code == 400
    assert answer.json() == {"error": "The field “name” must be text.", "field": "name"}
