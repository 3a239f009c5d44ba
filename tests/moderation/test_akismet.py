"""Akismet against a stand-in server on loopback speaking its REST API (comment-check, submit-spam,
submit-ham): spam is kept as spam, a timeout or an error holds the comment, decisions are reported."""

from __future__ import annotations

import time

import pytest
import requests
from bs4 import BeautifulSoup

from tests.support.akismet import KEY, StandIn, akismet
from tests.support.endpoint import built_site, comment_fields, start_endpoint

__all__ = ["akismet", "built_site", "start_endpoint"]  # fixtures, used here
ADMIN_TOKEN = "a long admin token for the Akismet tests"


def _endpoint(start_endpoint, akismet: StandIn, **extra):
    # A generous timeout: on a loaded CI machine a loopback answer can take over a second; only the
    # slow case shortens it, and its stand-in sleeps far longer than that.
    timeout = 1.0 if akismet.verdict == "slow" else 10.0
    return start_endpoint(AKISMET_KEY=KEY, AKISMET_URL=akismet.url, AKISMET_TIMEOUT=timeout,
                          ALLOWED_PRIVATE_HOSTS=["127.0.0.1"], **extra)


def _post(endpoint, **fields) -> int:
    answer = requests.post(f"{endpoint.url}/api/comments", json=comment_fields(**fields),
                           headers={"User-Agent": "Test Browser 1.0"}, timeout=10)
    assert answer.status_code == 201  # acknowledged in every case below
    return answer.json()["id"]


def test_spam_verdict_keeps_the_comment_as_spam(start_endpoint, akismet: StandIn) -> None:
    akismet.verdict = "true"
    endpoint = _endpoint(start_endpoint, akismet)
    entry = endpoint.store.require(_post(endpoint, body="Buy now"))
    assert entry.status == "spam" and entry.moderation_reason == "akismet: Akismet says spam"
    path, sent = akismet.calls[0]
    assert path == "/1.1/comment-check"
    assert sent["comment_content"] == "Buy now" and sent["user_ip"] == "127.0.0.1"
    assert sent["user_agent"] == "Test Browser 1.0" and sent["comment_type"] == "comment"


def test_not_spam_leaves_the_comment_pending(start_endpoint, akismet: StandIn) -> None:
    endpoint = _endpoint(start_endpoint, akismet)
    entry = endpoint.store.require(_post(endpoint))
    assert entry.status == "pending" and entry.moderation_reason is None


@pytest.mark.parametrize("verdict", ["slow", "error", "invalid"])
def test_unanswered_check_holds_the_comment(start_endpoint, akismet: StandIn, verdict: str) -> None:
    akismet.verdict = verdict
    endpoint = _endpoint(start_endpoint, akismet, AUTO_APPROVE_RETURNING=True)
    entry = endpoint.store.require(_post(endpoint))
    assert entry.status == "pending" and entry.moderation_reason.startswith("akismet: not checked")


def test_moderators_decisions_are_reported_back(start_endpoint, akismet: StandIn) -> None:
    from pelican.plugins.engagement.moderation import actions

    endpoint = _endpoint(start_endpoint, akismet)
    missed = _post(endpoint, body="sneaky spam")
    actions.moderate(endpoint.config, endpoint.store, missed, "spam", actor="test")
    akismet.verdict = "true"
    wrongly = _post(endpoint, body="a real reader")
    actions.moderate(endpoint.config, endpoint.store, wrongly, "approve", actor="test")
    reports = [(path, form["comment_content"]) for path, form in akismet.calls if "submit" in path]
    assert reports == [("/1.1/submit-spam", "sneaky spam"), ("/1.1/submit-ham", "a real reader")]


def test_without_a_key_nothing_is_sent(start_endpoint, akismet: StandIn) -> None:
    endpoint = start_endpoint(AKISMET_URL=akismet.url, ALLOWED_PRIVATE_HOSTS=["127.0.0.1"])
    entry = endpoint.store.require(_post(endpoint))
    assert akismet.calls == [] and entry.spam_context is None


def test_bulk_decisions_are_reported_per_entry_after_the_batch_committed(
        start_endpoint, akismet: StandIn, monkeypatch) -> None:
    from pelican.plugins.engagement.moderation import actions
    from pelican.plugins.engagement.moderation import akismet as client

    akismet.verdict = "true"
    endpoint = _endpoint(start_endpoint, akismet)
    spam = [_post(endpoint, body=f"a real reader {n}") for n in range(3)]
    akismet.verdict = "false"
    pending = _post(endpoint, body="never marked")
    states_at_report: list[set[str]] = []
    real_report = client.report

    def report(config, entry, action, permalink):
        states_at_report.append({endpoint.store.require(i).status for i in [*spam, pending]})
        return real_report(config, entry, action, permalink)

    monkeypatch.setattr(client, "report", report)
    ids = [*spam, pending]
    outcome = actions.moderate_many(endpoint.config, endpoint.store, ids, "approve", actor="test")

    assert len(outcome.outcomes) == 4
    reports = [(path, form["comment_content"]) for path, form in akismet.calls if "submit" in path]
    assert reports == [("/1.1/submit-ham", f"a real reader {n}") for n in range(3)]  # not the pending one
    assert states_at_report == [{"approved"}] * 3  # each sent once the whole batch was committed


def test_the_moderation_page_answers_before_its_reports_go_out(start_endpoint, akismet: StandIn) -> None:
    """Akismet holding each report (up to its timeout) must not hold the moderator's answer."""
    akismet.verdict = "true"
    endpoint = _endpoint(start_endpoint, akismet, ADMIN_TOKEN=ADMIN_TOKEN)
    spam = [_post(endpoint, body=f"a real reader {n}") for n in range(2)]
    session = requests.Session()
    assert session.post(f"{endpoint.url}/admin/login", data={"token": ADMIN_TOKEN},
                        allow_redirects=False, timeout=10).status_code == 303
    page = session.get(f"{endpoint.url}/admin?status=spam", timeout=10).text
    csrf = BeautifulSoup(page, "html.parser").find("input", {"name": "csrf"})["value"]
    akismet.reports_released.clear()

    # Sent in line, the two held reports would take 2 x 10 s (the timeout): far past this answer's 5 s.
    answer = session.post(f"{endpoint.url}/admin/bulk", data={"csrf": csrf, "action": "approve", "ids": spam},
                          headers={"Accept": "application/json"}, timeout=5)

    assert answer.status_code == 200 and answer.json()["ids"] == spam
    assert {endpoint.store.require(i).status for i in spam} == {"approved"}
    akismet.reports_released.set()
    deadline = time.monotonic() + 20
    while len(_reports(akismet)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _reports(akismet) == [("/1.1/submit-ham", f"a real reader {n}") for n in range(2)]


def _reports(akismet: StandIn) -> list[tuple[str, str]]:
    return [(path, form["comment_content"]) for path, form in akismet.calls if "submit" in path]
