"""The moderation page: refused without the token, and the queue's buttons act (with CSRF)."""

from __future__ import annotations

import requests
from bs4 import BeautifulSoup

from tests.support.endpoint import Endpoint, comment_fields

TOKEN = "correct horse battery staple 42"


def _pending(endpoint: Endpoint, body: str = "Waiting") -> int:
    created = requests.post(f"{endpoint.url}/api/comments", json=comment_fields(body=body), timeout=10)
    return created.json()["id"]


def _logged_in(endpoint: Endpoint) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{endpoint.url}/admin/login", data={"token": TOKEN}, allow_redirects=False)
    assert answer.status_code == 303
    return session


def _csrf(page: str) -> str:
    return BeautifulSoup(page, "html.parser").find("input", {"name": "csrf"})["value"]


def test_admin_page_is_off_without_a_configured_token(endpoint: Endpoint) -> None:
    answer = requests.get(f"{endpoint.url}/admin", timeout=10)
    assert answer.status_code == 403
    assert "ENGAGEMENT_ADMIN_TOKEN" in answer.text
    assert requests.post(f"{endpoint.url}/admin/login", data={"token": ""}, timeout=10).status_code == 403


def test_queue_is_hidden_until_log_in(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    _pending(endpoint, "a secret pending comment")
    answer = requests.get(f"{endpoint.url}/admin", timeout=10)
    assert answer.status_code == 200
    assert 'name="token"' in answer.text
    assert "a secret pending comment" not in answer.text


def test_wrong_token_is_refused(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    session = requests.Session()
    answer = session.post(f"{endpoint.url}/admin/login", data={"token": TOKEN + "x"}, timeout=10)
    assert answer.status_code == 403
    assert "That token is not right." in answer.text
    assert "engagement_admin" not in session.cookies


def test_session_cookie_is_httponly_and_strict(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    answer = requests.post(f"{endpoint.url}/admin/login", data={"token": TOKEN}, allow_redirects=False,
                           timeout=10)
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("engagement_admin=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http here; https endpoints get Secure


def test_approve_button_publishes_and_logs(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    entry_id = _pending(endpoint, "please approve me")
    session = _logged_in(endpoint)
    queue = session.get(f"{endpoint.url}/admin", timeout=10)
    assert "please approve me" in queue.text
    answer = session.post(
        f"{endpoint.url}/admin/entries/{entry_id}/approve", data={"csrf": _csrf(queue.text)}, timeout=10
    )
    assert answer.status_code == 200  # followed the 303 back to the queue
    assert f"Comment {entry_id} approved." in answer.text
    assert endpoint.store.require(entry_id).status == "approved"
    assert [(r["action"], r["actor"]) for r in endpoint.store.moderation_history(entry_id)] == [
        ("approved", "admin")
    ]


def test_action_without_csrf_token_is_refused(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    entry_id = _pending(endpoint)
    session = _logged_in(endpoint)
    answer = session.post(f"{endpoint.url}/admin/entries/{entry_id}/spam", data={"csrf": "guess"}, timeout=10)
    assert answer.status_code == 400
    assert endpoint.store.require(entry_id).status == "pending"


def test_action_without_log_in_is_refused(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    entry_id = _pending(endpoint)
    answer = requests.post(f"{endpoint.url}/admin/entries/{entry_id}/delete", data={"csrf": ""}, timeout=10)
    assert answer.status_code == 403
    assert endpoint.store.get(entry_id) is not None


def test_delete_button_removes_the_entry(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    entry_id = _pending(endpoint)
    session = _logged_in(endpoint)
    csrf = _csrf(session.get(f"{endpoint.url}/admin", timeout=10).text)
    session.post(f"{endpoint.url}/admin/entries/{entry_id}/delete", data={"csrf": csrf}, timeout=10)
    assert endpoint.store.get(entry_id) is None


def test_log_in_attempts_are_rate_limited(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    statuses = [
        requests.post(f"{endpoint.url}/admin/login", data={"token": "guess"}, timeout=10).status_code
        for _ in range(11)
    ]
    assert statuses == [403] * 10 + [429]


def test_long_queue_is_paginated_oldest_first(start_endpoint) -> None:
    from pelican.plugins.engagement.endpoint.admin import QUEUE_PAGE_SIZE
    from pelican.plugins.engagement.store import NewEntry

    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    for n in range(QUEUE_PAGE_SIZE + 1):
        endpoint.store.add(NewEntry(thread="2024/01/open-thread/", author_name="A", body_source=f"c{n}",
                                    body_html=f"<p>entry number {n}</p>"))
    session = _logged_in(endpoint)
    first = session.get(f"{endpoint.url}/admin", timeout=10).text
    second = session.get(f"{endpoint.url}/admin?page=2", timeout=10).text
    assert first.count('<li class="mq-entry') == QUEUE_PAGE_SIZE and "Next →" in first
    assert "entry number 0<" in first and "entry number 50<" not in first
    assert "entry number 50<" in second and second.count('<li class="mq-entry') == 1


def test_api_refuses_without_bearer_token(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    answer = requests.get(f"{endpoint.url}/admin/api/entries", headers={"Authorization": "Bearer nope"},
                          timeout=10)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in answer.json()["error"]


def test_api_lists_and_moderates_with_the_token(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    entry_id = _pending(endpoint, "via the api")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    queue = requests.get(f"{endpoint.url}/admin/api/entries", headers=auth, timeout=10).json()
    assert [e["id"] for e in queue["entries"]] == [entry_id]
    assert queue["entries"][0]["author_email"] == "ann@example.org"
    done = requests.post(f"{endpoint.url}/admin/api/entries/{entry_id}/spam", headers=auth, timeout=10)
    assert done.json()["status"] == "spam"
    assert endpoint.store.moderation_history(entry_id)[-1]["actor"] == "admin-api"
