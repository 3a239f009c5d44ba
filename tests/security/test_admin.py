"""Admin security beyond tests/endpoint/test_admin.py: the Secure flag, constant-time comparison,
CSRF tokens bound to their session on every form, sessions that end when the token changes or the
cookie is forged, and a moderation-log line for every action and every failed log-in."""

from __future__ import annotations

import hmac

import pytest
import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.endpoint import security

from tests.support.endpoint import comment_fields

TOKEN = "a long admin token, 2026-11 edition"


def _pending(endpoint) -> int:
    return requests.post(f"{endpoint.url}/api/comments", json=comment_fields(), timeout=10).json()["id"]


def _log_in(endpoint, token: str = TOKEN) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{endpoint.url}/admin/login", data={"token": token}, allow_redirects=False,
                          timeout=10)
    assert answer.status_code == 303, answer.text
    return session


def _forms(session: requests.Session, endpoint) -> list:
    page = session.get(f"{endpoint.url}/admin", timeout=10)
    assert page.status_code == 200
    return BeautifulSoup(page.text, "html.parser").find_all("form", method="post")


def _csrf(session: requests.Session, endpoint) -> str:
    return _forms(session, endpoint)[0].find("input", {"name": "csrf"})["value"]


def test_session_cookie_is_secure_when_the_endpoint_is_https(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN, ENDPOINT_URL="https://comments.example.org")
    answer = requests.post(f"{endpoint.url}/admin/login", data={"token": TOKEN}, allow_redirects=False,
                           timeout=10)
    cookie = answer.headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_token_is_compared_in_constant_time(start_endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    """The log-in goes through hmac.compare_digest (never ``==``, whose time leaks the prefix)."""
    compared: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def recording(a, b):
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", recording)
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    guess = TOKEN[:10] + "x" * (len(TOKEN) - 10)
    answer = requests.post(f"{endpoint.url}/admin/login", data={"token": guess}, timeout=10)
    assert answer.status_code == 403
    assert (guess.encode(), TOKEN.encode()) in compared


def test_every_post_form_carries_the_sessions_csrf_token(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    _pending(endpoint)
    session = _log_in(endpoint)
    forms = _forms(session, endpoint)
    # Log out, and the one queue form whose buttons post the entry's own actions, the bulk action
    # and "approve and reply" (formaction): every button sends the form's CSRF token.
    actions = {button["formaction"] for form in forms for button in form.find_all("button", formaction=True)}
    assert len(forms) == 2 and len(actions) >= 5
    tokens = {form.find("input", {"name": "csrf"})["value"] for form in forms}
    assert len(tokens) == 1 and len(next(iter(tokens))) >= 32


def test_csrf_token_of_another_session_is_refused(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    entry_id = _pending(endpoint)
    attacker, victim = _log_in(endpoint), _log_in(endpoint)
    answer = victim.post(f"{endpoint.url}/admin/entries/{entry_id}/approve",
                         data={"csrf": _csrf(attacker, endpoint)}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert endpoint.store.require(entry_id).status == "pending"


def test_log_out_needs_the_csrf_token(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    session = _log_in(endpoint)
    assert session.post(f"{endpoint.url}/admin/logout", timeout=10).status_code == 400
    assert 'name="token"' not in session.get(f"{endpoint.url}/admin", timeout=10).text  # still logged in


def test_changing_the_token_ends_every_session(start_endpoint) -> None:
    before = start_endpoint(ADMIN_TOKEN=TOKEN)
    session = _log_in(before)
    cookie = session.cookies.get("engagement_admin")
    after = start_endpoint(ADMIN_TOKEN=TOKEN + " rotated")  # same store, so the same signing key
    page = requests.get(f"{after.url}/admin", cookies={"engagement_admin": cookie}, timeout=10)
    assert 'name="token"' in page.text  # the log-in form: the old session is not accepted


def test_forged_session_cookie_is_not_a_log_in(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    cookie = _log_in(endpoint).cookies.get("engagement_admin")
    forged = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    entry_id = _pending(endpoint)
    page = requests.get(f"{endpoint.url}/admin", cookies={"engagement_admin": forged}, timeout=10)
    assert 'name="token"' in page.text
    act = requests.post(f"{endpoint.url}/admin/entries/{entry_id}/approve", data={"csrf": "x"},
                        cookies={"engagement_admin": forged}, allow_redirects=False, timeout=10)
    assert act.status_code == 403


@pytest.mark.parametrize("action", ["approve", "reject", "spam", "delete"])
def test_every_moderation_action_is_logged_with_its_actor(start_endpoint, action: str) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN, REBUILD_ON_APPROVE=False)
    entry_id = _pending(endpoint)
    session = _log_in(endpoint)
    answer = session.post(f"{endpoint.url}/admin/entries/{entry_id}/{action}",
                          data={"csrf": _csrf(session, endpoint)}, allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    logged = [(row["action"], row["actor"]) for row in endpoint.store.moderation_history(entry_id)]
    expected = {"approve": "approved", "reject": "rejected", "spam": "spam", "delete": "delete"}[action]
    assert logged == [(expected, "admin")]


def test_failed_log_ins_are_logged_without_the_guess(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    requests.post(f"{endpoint.url}/admin/login", data={"token": "guess-one"}, timeout=10)
    history = endpoint.store.moderation_history()
    assert [row["action"] for row in history] == ["login-failed"]
    assert "guess-one" not in repr(history)


def test_admin_pages_cannot_be_framed_or_sniffed(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    answer = requests.get(f"{endpoint.url}/admin", timeout=10)
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def _bulk(session, endpoint, ids, csrf, action="approve", **extra):
    data = {"csrf": csrf, "action": action, "ids": ids, **extra}
    return session.post(f"{endpoint.url}/admin/bulk", data=data, allow_redirects=False, timeout=10)


def test_bulk_action_without_the_sessions_csrf_token_changes_nothing(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = [_pending(endpoint) for _ in range(3)]
    attacker, victim = _log_in(endpoint), _log_in(endpoint)
    assert _bulk(victim, endpoint, ids, "").status_code == 400
    assert _bulk(victim, endpoint, ids, _csrf(attacker, endpoint)).status_code == 400
    assert {endpoint.store.require(i).status for i in ids} == {"pending"}


def test_bulk_action_without_a_session_is_refused(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = [_pending(endpoint) for _ in range(2)]
    answer = _bulk(requests.Session(), endpoint, ids, "x", action="delete")
    assert answer.status_code == 403
    assert all(endpoint.store.get(i) is not None for i in ids)


def test_bulk_action_is_logged_per_entry_with_its_actor(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    ids = [_pending(endpoint) for _ in range(3)]
    session = _log_in(endpoint)
    assert _bulk(session, endpoint, ids, _csrf(session, endpoint), action="spam").status_code == 303
    for entry_id in ids:
        logged = [(r["action"], r["actor"]) for r in endpoint.store.moderation_history(entry_id)]
        assert logged == [("spam", "admin")]


def test_approve_and_reply_needs_session_and_csrf(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    entry_id = _pending(endpoint)
    url = f"{endpoint.url}/admin/entries/{entry_id}/reply"
    data = {"csrf": "x", f"reply-{entry_id}": "hi"}
    stranger = requests.post(url, data=data, allow_redirects=False, timeout=10)
    forged = _log_in(endpoint).post(url, data=data, allow_redirects=False, timeout=10)
    assert (stranger.status_code, forged.status_code) == (403, 400)
    assert endpoint.store.require(entry_id).status == "pending"
    assert len(endpoint.store.list()) == 1
