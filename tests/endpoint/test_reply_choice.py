"""The "In reply to" choice of the no-JavaScript "check and send" page (endpoint/reply_choice.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.endpoint import reply_choice
from pelican.plugins.engagement.moderation import form_token
from pelican.plugins.engagement.store import Entry, NewEntry, Store

from tests.support.endpoint import CLOSED, OPEN, SITEURL, Endpoint, comment_fields

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
STATIC = {reply_choice.FIELD: "1", "parent": ""}  # what the static form adds without a script


def _add(store: Store, name: str, minutes: int = 0, **fields: Any) -> Entry:
    fields.setdefault("status", "approved")
    fields.setdefault("thread", OPEN)
    return store.add(NewEntry(kind=fields.pop("kind", "comment"), author_name=name, body_source="Hi",
                              body_html="<p>Hi</p>", created_at=T0 + timedelta(minutes=minutes), **fields))


def _post(endpoint: Endpoint, **fields: str) -> requests.Response:
    data = comment_fields(**STATIC) | fields
    return requests.post(f"{endpoint.url}/comments", data=data, allow_redirects=False, timeout=10)


def _select(answer: requests.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return BeautifulSoup(answer.text, "html.parser").find("select", id="parent")


def _labels(select: Any) -> list[str]:
    return [option.get_text() for option in select.find_all("option")]


def test_static_form_post_asks_whom_it_replies_to(endpoint: Endpoint) -> None:
    ann, bob = _add(endpoint.store, "Ann"), _add(endpoint.store, "Bob", 1)
    select = _select(_post(endpoint))
    assert select["name"] == "parent" and endpoint.store.list(status="pending") == []
    assert _labels(select) == ["Nobody (a new comment)", "Ann", "Bob"]
    assert [o["value"] for o in select.find_all("option")] == ["", str(ann.id), str(bob.id)]
    assert select.find("option", selected=True) is None  # the browser picks the first: nobody


def test_posted_parent_is_preselected(endpoint: Endpoint) -> None:
    _add(endpoint.store, "Ann")
    bob = _add(endpoint.store, "Bob", 1)
    selected = _select(_post(endpoint, parent=str(bob.id))).find_all("option", selected=True)
    assert [o["value"] for o in selected] == [str(bob.id)]


def test_the_select_replaces_the_hidden_parent(endpoint: Endpoint) -> None:
    _add(endpoint.store, "Ann")
    form = BeautifulSoup(_post(endpoint).text, "html.parser").find("form")
    assert [field.name for field in form.find_all(attrs={"name": "parent"})] == ["select"]
    assert form.find(attrs={"name": reply_choice.FIELD}) is None  # sent on, the reader is asked once


def test_same_name_twice_is_told_apart_by_date(endpoint: Endpoint) -> None:
    _add(endpoint.store, "Ann")
    _add(endpoint.store, "Ann", 90)
    _add(endpoint.store, "Bob", 91)
    labels = _labels(_select(_post(endpoint)))[1:]
    assert labels == ["Ann, 1 May 2024, 13:00", "Ann, 1 May 2024, 14:30", "Bob"]  # Europe/London, summer time


def test_only_what_the_thread_shows_is_offered(endpoint: Endpoint) -> None:
    store = endpoint.store
    _add(store, "Shown")
    _add(store, "Waiting", 1, status="pending")
    _add(store, "Elsewhere", 2, thread=CLOSED)
    _add(store, "Pinger", 3, kind="pingback")
    _add(store, "Liker", 4, kind="webmention", mention_type="like")
    _add(store, "Replier", 5, kind="webmention", mention_type="reply")
    assert _labels(_select(_post(endpoint)))[1:] == ["Shown", "Replier"]


def test_long_thread_lists_the_newest_and_says_so(endpoint: Endpoint,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reply_choice, "LIMIT", 3)
    for n in range(5):
        _add(endpoint.store, f"Reader {n}", n)
    page = BeautifulSoup(_post(endpoint).text, "html.parser")
    select = page.find("select", id="parent")
    assert _labels(select)[1:] == ["Reader 2", "Reader 3", "Reader 4"]
    note = page.find(id=select["aria-describedby"])
    assert "3 newest comments" in note.get_text()


def test_short_thread_has_no_note(endpoint: Endpoint) -> None:
    _add(endpoint.store, "Ann")
    select = _select(_post(endpoint))
    assert not select.has_attr("aria-describedby")


def test_posted_parent_older_than_the_newest_is_still_listed(endpoint: Endpoint) -> None:
    oldest = _add(endpoint.store, "Oldest")
    for n in range(1, 4):
        _add(endpoint.store, f"Reader {n}", n)
    choices = reply_choice.reply_choices(endpoint.store, OPEN, str(oldest.id), str, limit=2)
    assert [(c.label, c.selected) for c in choices.options] == [
        ("Oldest", True), ("Reader 2", False), ("Reader 3", False)]
    assert choices.more


def test_empty_thread_keeps_the_one_step_post(endpoint: Endpoint) -> None:
    answer = _post(endpoint)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#comment-pending")


def test_post_without_the_marker_is_stored_at_once(endpoint: Endpoint) -> None:
    _add(endpoint.store, "Ann")
    answer = requests.post(f"{endpoint.url}/comments", data=comment_fields(), allow_redirects=False,
                           timeout=10)
    assert answer.status_code == 303 and len(endpoint.store.list(status="pending")) == 1


def test_post_with_a_token_is_not_asked_again(endpoint: Endpoint) -> None:
    _add(endpoint.store, "Ann")
    token = form_token.issue(endpoint.store.secret_key(), OPEN, now=time.time() - 60)
    answer = _post(endpoint, **{form_token.FIELD: token})
    assert answer.status_code == 303 and len(endpoint.store.list(status="pending")) == 1


def test_field_problem_is_refused_before_asking(endpoint: Endpoint) -> None:
    _add(endpoint.store, "Ann")
    answer = _post(endpoint, name="")
    assert answer.status_code == 400 and "Please give your name." in answer.text


def test_with_tokens_off_the_page_does_not_ask_to_wait(start_endpoint) -> None:
    endpoint = start_endpoint(FORM_TOKEN="off")
    _add(endpoint.store, "Ann")
    assert "wait a few seconds" not in _post(endpoint).text


def test_check_page_may_send_the_reader_back_to_the_site(endpoint: Endpoint) -> None:
    """Chromium applies form-action to the 303 that follows the page's post: the site's origin must
    be allowed, or the comment is stored and the reader left on the page."""
    _add(endpoint.store, "Ann")
    policy = _post(endpoint).headers["Content-Security-Policy"]
    assert f"form-action 'self' {SITEURL};" in policy
