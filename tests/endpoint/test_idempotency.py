"""Retries do not duplicate comments: ``Idempotency-Key`` on the JSON API, the form token on the form.

Each case runs on SQLite and PostgreSQL (the ``store_url`` fixture), through the real endpoint.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.moderation import form_token
from pelican.plugins.engagement.store.schema import IDEMPOTENCY_TTL_SECONDS, idempotency_keys

from tests.support.endpoint import OPEN, SITEURL, Endpoint, comment_fields

RACERS = 8


def post(endpoint: Endpoint, key: str | None, **fields: str) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return requests.post(f"{endpoint.url}/api/comments", data=json.dumps(comment_fields(**fields)),
                         headers=headers, timeout=30)


def quoted() -> str:
    """A fresh key as the draft writes it (an RFC 8941 string) and comments.js sends it."""
    return f'"{uuid.uuid4()}"'


def test_same_key_twice_is_one_entry_and_the_same_answer(start_endpoint, store_url: str) -> None:
    endpoint = start_endpoint(store_url)
    key = quoted()
    first, second = post(endpoint, key), post(endpoint, key)
    assert first.status_code == second.status_code == 201
    assert second.content == first.content  # byte for byte: same id, same text
    assert second.headers["Content-Type"] == "application/json"
    assert len(endpoint.store.list()) == 1
    third = post(endpoint, quoted())  # a new key is a new comment
    assert third.status_code == 201 and third.json()["id"] != first.json()["id"]
    assert len(endpoint.store.list()) == 2


def test_the_first_answer_is_kept_after_a_moderator_acts(start_endpoint, store_url: str) -> None:
    endpoint = start_endpoint(store_url)
    key = quoted()
    first = post(endpoint, key)
    endpoint.store.set_status(first.json()["id"], "approved", actor="test")
    again = post(endpoint, key)
    assert again.content == first.content and again.json()["status"] == "pending"


def test_same_key_with_another_comment_is_422(start_endpoint, store_url: str) -> None:
    endpoint = start_endpoint(store_url)
    key = quoted()
    assert post(endpoint, key, body="The first comment.").status_code == 201
    reused = post(endpoint, key, body="Something else entirely.")
    assert reused.status_code == 422
    assert reused.json()["error"] == ("This Idempotency-Key was already used for a different comment. "
                                      "Send a new comment with a new key.")
    assert reused.headers["Link"] == '</openapi.yaml>; rel="describedby"'
    assert len(endpoint.store.list()) == 1


def test_keys_belong_to_one_client(start_endpoint) -> None:
    """Another client (here: another forwarded address) with the same key is another comment."""
    endpoint = start_endpoint(TRUSTED_PROXIES=1)
    key = quoted()
    for address in ("203.0.113.7", "198.51.100.9"):
        answer = requests.post(f"{endpoint.url}/api/comments", json=comment_fields(), timeout=10,
                               headers={"Idempotency-Key": key, "X-Forwarded-For": address})
        assert answer.status_code == 201
    assert len(endpoint.store.list()) == 2


@pytest.mark.parametrize("value", [
    '"short"', "", '"has space inside the key 123"', '"ünïcödé-key-0123456789"', '"' + "k" * 256 + '"',
    '"quote"inside-0123456789"',
])
def test_malformed_key_is_400_with_the_rule(endpoint: Endpoint, value: str) -> None:
    answer = requests.post(f"{endpoint.url}/api/comments", data=json.dumps(comment_fields()).encode(),
                           headers={"Content-Type": "application/json",
                                    "Idempotency-Key": value.encode("utf-8")}, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"] == (
        "The Idempotency-Key header must be 16 to 255 letters, digits or - _ . ~ : + / =, "
        "in double quotes (a random UUID is best).")
    assert endpoint.store.list() == []


def test_two_keys_in_one_request_is_400(endpoint: Endpoint) -> None:
    body = json.dumps(comment_fields()).encode()
    connection = http.client.HTTPConnection(urlsplit(endpoint.url).netloc, timeout=10)
    try:
        connection.putrequest("POST", "/api/comments")
        for header, value in [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                              ("Idempotency-Key", quoted()), ("Idempotency-Key", quoted())]:
            connection.putheader(header, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        assert answer.status == 400
        assert json.loads(answer.read())["error"] == "Send one Idempotency-Key header, not 2."
    finally:
        connection.close()
    assert endpoint.store.list() == []


def test_a_bare_key_is_accepted_too(endpoint: Endpoint) -> None:
    key = str(uuid.uuid4())
    assert post(endpoint, key).content == post(endpoint, f'"{key}"').content
    assert len(endpoint.store.list()) == 1


def test_racing_retries_store_one_entry_and_all_get_its_answer(start_endpoint, store_url: str) -> None:
    endpoint = start_endpoint(store_url)
    key = quoted()
    barrier = threading.Barrier(RACERS)
    answers: list[requests.Response] = []

    def send() -> None:
        barrier.wait()
        answers.append(post(endpoint, key))

    threads = [threading.Thread(target=send) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [201] * RACERS
    assert len({a.content for a in answers}) == 1
    assert len(endpoint.store.list()) == 1


def test_a_retry_is_answered_even_when_the_rate_limit_is_used_up(start_endpoint, store_url: str) -> None:
    """The comment that used the client's last slot is the one retried: it gets its 201, not 429."""
    endpoint = start_endpoint(store_url, RATE_LIMIT=1)
    key = quoted()
    first = post(endpoint, key)
    assert post(endpoint, quoted(), body="Another comment.").status_code == 429
    again = post(endpoint, key)
    assert again.status_code == 201 and again.content == first.content
    assert len(endpoint.store.list()) == 1


def test_a_key_expires_after_a_day(start_endpoint, store_url: str) -> None:
    endpoint = start_endpoint(store_url)
    key = quoted()
    first = post(endpoint, key).json()
    with endpoint.store.write() as conn:  # the key was used a day and a minute ago
        conn.execute(idempotency_keys.update().values(
            created_at=idempotency_keys.c.created_at - timedelta(seconds=IDEMPOTENCY_TTL_SECONDS + 60)))
    later = post(endpoint, key)
    assert later.status_code == 201 and later.json()["id"] != first["id"]
    assert len(endpoint.store.list()) == 2


def test_without_a_key_a_retry_is_a_second_comment(endpoint: Endpoint) -> None:
    """The header is optional: old scripts and other clients work as before."""
    assert post(endpoint, None).status_code == post(endpoint, None).status_code == 201
    assert len(endpoint.store.list()) == 2


def test_a_refusal_is_not_remembered(start_endpoint) -> None:
    """Nothing was stored, so the corrected comment may use the same key."""
    endpoint = start_endpoint()
    key = quoted()
    assert post(endpoint, key, email="not-an-address").status_code == 400
    assert post(endpoint, key).status_code == 201


def test_cors_preflight_allows_the_header(endpoint: Endpoint) -> None:
    answer = requests.options(f"{endpoint.url}/api/comments", timeout=10, headers={
        "Origin": SITEURL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,idempotency-key"})
    assert "Idempotency-Key" in answer.headers["Access-Control-Allow-Headers"]


# --- the plain form: its one-time token is the key ------------------------------------------------------


def _token(endpoint: Endpoint) -> str:
    return form_token.issue(endpoint.store.secret_key(), OPEN, now=time.time() - 60)


def _form(endpoint: Endpoint, **fields: str) -> requests.Response:
    return requests.post(f"{endpoint.url}/comments", data=comment_fields(**fields), allow_redirects=False,
                         timeout=10)


def test_form_sent_again_with_its_token_is_one_entry(start_endpoint, store_url: str) -> None:
    endpoint = start_endpoint(store_url)
    token = _token(endpoint)
    first, again = _form(endpoint, form_token=token), _form(endpoint, form_token=token)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"] == f"{SITEURL}/{OPEN}#comment-pending"
    [entry] = endpoint.store.list()
    assert entry.status == "pending"


def test_form_token_reused_for_another_comment_is_still_spam(start_endpoint) -> None:
    """A robot replaying a token with new text is what the once-only rule is for; the key steps aside."""
    endpoint = start_endpoint()
    token = _token(endpoint)
    _form(endpoint, form_token=token, body="The reader's comment.")
    assert _form(endpoint, form_token=token, body="Buy cheap things").status_code == 303
    statuses = sorted((e.body_source, e.status) for e in endpoint.store.list())
    assert statuses == [("Buy cheap things", "spam"), ("The reader's comment.", "pending")]


def test_check_and_send_page_sent_twice_is_one_entry(start_endpoint) -> None:
    """Without JavaScript (FORM_TOKEN = "require"), the page with the fresh token is the submission."""
    endpoint = start_endpoint(FORM_TOKEN="require", FORM_TOKEN_MIN_SECONDS=0)
    page = BeautifulSoup(_form(endpoint).text, "html.parser")
    fields = {i["name"]: i.get("value", "") for i in page.find("form").find_all("input")}
    answers = [requests.post(f"{endpoint.url}/comments", data=fields, allow_redirects=False, timeout=10)
               for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert len(endpoint.store.list()) == 1
