"""The spam rules at the endpoint: what they decide is stored on the entry and logged; the form token
through the API and the no-JavaScript "check and send" page."""

from __future__ import annotations

import time

import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.moderation import form_token

from tests.support.endpoint import OPEN, comment_fields

LINKS = ("Three write-ups of the same outage: https://a.example/ for the timeline, https://b.example/ "
         "for the apology and https://c.example/ for what changed afterwards.")


def _post(endpoint, **fields):
    return requests.post(f"{endpoint.url}/api/comments", json=comment_fields(**fields), timeout=10)


def _token(endpoint, age: float = 60) -> str:
    return form_token.issue(endpoint.store.secret_key(), OPEN, now=time.time() - age)


def test_too_many_links_hold_even_a_returning_commenter(start_endpoint) -> None:
    endpoint = start_endpoint(AUTO_APPROVE_RETURNING=True)
    first = _post(endpoint).json()
    endpoint.store.set_status(first["id"], "approved", actor="test")
    held = _post(endpoint, body=LINKS).json()
    assert held["status"] == "pending"
    assert endpoint.store.require(held["id"]).moderation_reason == "max-links: 3 links (more than 2)"
    logged = [(r["action"], r["actor"]) for r in endpoint.store.moderation_history(held["id"])]
    assert logged == [("held", "rules")]


def test_link_farm_is_kept_as_spam_and_logged(start_endpoint) -> None:
    endpoint = start_endpoint()
    farm = "Nice article " + " ".join(f"https://shop{i}.example/item" for i in range(6))
    answer = _post(endpoint, body=farm)
    assert answer.status_code == 201 and answer.json()["status"] == "pending"  # a robot learns nothing
    entry = endpoint.store.require(answer.json()["id"])
    assert (entry.status, entry.moderation_reason) == (
        "spam", "link-farm: 6 links and 2 other words (fewer than 2 per link)")
    logged = [(r["action"], r["actor"], r["detail"]) for r in endpoint.store.moderation_history(entry.id)]
    assert logged[-1] == ("spam", "rules", entry.moderation_reason)


def test_disallowed_word_is_kept_as_spam_and_logged(start_endpoint) -> None:
    endpoint = start_endpoint(DISALLOWED_KEYS=["payday loan"])
    answer = _post(endpoint, body="Get a PAYDAY LOAN today")
    assert answer.status_code == 201  # acknowledged, and kept: the spam tab can recover it
    entry = endpoint.store.require(answer.json()["id"])
    assert entry.status == "spam" and entry.moderation_reason == "disallowed: “payday loan” in the text"
    assert endpoint.store.moderation_history(entry.id)[-1]["actor"] == "rules"


def test_issued_token_used_at_once_is_spam(start_endpoint) -> None:
    endpoint = start_endpoint()
    issued = requests.get(f"{endpoint.url}/api/form-token", params={"thread": OPEN}, timeout=10)
    assert issued.headers["Cache-Control"] == "no-store"
    answer = _post(endpoint, form_token=issued.json()["token"]).json()
    entry = endpoint.store.require(answer["id"])
    assert entry.status == "spam" and entry.moderation_reason.startswith("form-token: sent")
    assert answer["status"] == "pending"  # the sender is not told: a robot learns nothing


def test_token_counts_once(start_endpoint) -> None:
    endpoint = start_endpoint()
    token = _token(endpoint)
    first, second = (endpoint.store.require(_post(endpoint, form_token=token).json()["id"]) for _ in "12")
    assert (first.status, second.status) == ("pending", "spam")
    assert second.moderation_reason == "form-token: the form token was used before"


def test_forged_token_is_spam(start_endpoint) -> None:
    endpoint = start_endpoint()
    entry_id = _post(endpoint, form_token="2024.forged.token").json()["id"]
    assert endpoint.store.require(entry_id).status == "spam"


def test_expired_token_is_refused_with_the_text_echoed(start_endpoint) -> None:
    endpoint = start_endpoint()
    answer = requests.post(f"{endpoint.url}/comments", data=comment_fields(
        body="my careful words", form_token=_token(endpoint, age=2 * 86400)), timeout=10)
    assert answer.status_code == 400
    assert "too long ago" in answer.text and "my careful words" in answer.text
    assert endpoint.store.list() == []


def test_form_token_for_an_unknown_article_is_404(start_endpoint) -> None:
    endpoint = start_endpoint()
    answer = requests.get(f"{endpoint.url}/api/form-token", params={"thread": "no/such/"}, timeout=10)
    assert answer.status_code == 404


def test_required_token_gives_the_form_a_check_and_send_page(start_endpoint) -> None:
    endpoint = start_endpoint(FORM_TOKEN="require", FORM_TOKEN_MIN_SECONDS=0)
    first = requests.post(f"{endpoint.url}/comments", data=comment_fields(body="Hello *there*"), timeout=10)
    assert first.status_code == 200 and endpoint.store.list() == []
    page = BeautifulSoup(first.text, "html.parser")
    assert page.find("em").text == "there"  # the preview
    fields = {i["name"]: i.get("value", "") for i in page.find("form").find_all("input")}
    assert fields["body"] == "Hello *there*" and fields[form_token.FIELD]
    sent = requests.post(f"{endpoint.url}/comments", data=fields, allow_redirects=False, timeout=10)
    assert sent.status_code == 303
    [entry] = endpoint.store.list()
    assert entry.status == "pending" and entry.moderation_reason is None


def test_required_token_refuses_json_without_one(start_endpoint) -> None:
    endpoint = start_endpoint(FORM_TOKEN="require")
    answer = _post(endpoint)
    assert answer.status_code == 400 and answer.json()["field"] == form_token.FIELD
