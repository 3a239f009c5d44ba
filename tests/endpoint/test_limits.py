"""Size, nesting and rate limits: each refusal has its status and says what to do."""

from __future__ import annotations

import requests

from tests.support.endpoint import OPEN, Endpoint, comment_fields


def post(endpoint: Endpoint, **changes: str) -> requests.Response:
    return requests.post(f"{endpoint.url}/api/comments", json=comment_fields(**changes), timeout=10)


def test_too_long_comment_is_400_with_the_limit(start_endpoint) -> None:
    endpoint = start_endpoint(COMMENT_MAX_LENGTH=20)
    answer = post(endpoint, body="x" * 21)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "Your comment is 21 characters long; the limit is 20. Please shorten it.", "field": "body",
    }


def test_too_long_name_is_400(endpoint: Endpoint) -> None:
    answer = post(endpoint, name="n" * 201)
    assert answer.status_code == 400
    assert answer.json()["field"] == "name"


def test_body_over_max_body_bytes_is_413(start_endpoint) -> None:
    endpoint = start_endpoint(MAX_BODY_BYTES=2048)
    answer = requests.post(f"{endpoint.url}/comments", data=comment_fields(body="y" * 4096), timeout=10)
    assert answer.status_code == 413
    assert "larger than the 2,048 bytes we accept" in answer.text
    assert endpoint.store.list() == []


def test_client_rate_limit_is_429_with_retry_after(start_endpoint) -> None:
    endpoint = start_endpoint(RATE_LIMIT=2, RATE_LIMIT_WINDOW=90)
    statuses = [post(endpoint, body=f"comment {n}").status_code for n in range(2)]
    refused = post(endpoint, body="one too many")
    assert statuses == [201, 201]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "90"
    assert "posting too quickly" in refused.json()["error"]
    assert len(endpoint.store.list()) == 2


def test_thread_rate_limit_counts_all_clients(start_endpoint) -> None:
    endpoint = start_endpoint(RATE_LIMIT=0, THREAD_RATE_LIMIT=1)
    assert post(endpoint).status_code == 201
    refused = post(endpoint, name="Somebody Else")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"


def test_invalid_posts_do_not_use_up_the_rate_limit(start_endpoint) -> None:
    endpoint = start_endpoint(RATE_LIMIT=1)
    assert post(endpoint, name="").status_code == 400
    assert post(endpoint).status_code == 201


def test_ip_is_stored_only_as_a_keyed_hash(endpoint: Endpoint) -> None:
    post(endpoint)
    [entry] = endpoint.store.list()
    assert entry.ip_hash is not None and len(entry.ip_hash) == 64
    assert "127.0.0.1" not in entry.ip_hash


def _approved(endpoint: Endpoint, parent: int | None = None) -> int:
    fields = comment_fields() if parent is None else comment_fields(parent=str(parent))
    created = requests.post(f"{endpoint.url}/api/comments", json=fields, timeout=10).json()
    endpoint.store.set_status(created["id"], "approved", actor="test")
    return created["id"]


def test_reply_deeper_than_max_depth_attaches_at_max_depth(start_endpoint) -> None:
    endpoint = start_endpoint(COMMENT_MAX_DEPTH=2, RATE_LIMIT=0)
    top = _approved(endpoint)
    reply = _approved(endpoint, top)
    deeper = post(endpoint, parent=str(reply)).json()
    assert deeper["parent"] == top  # a sibling of the reply, at depth 2


def test_reply_to_unpublished_comment_is_refused(endpoint: Endpoint) -> None:
    pending = post(endpoint).json()
    answer = post(endpoint, parent=str(pending["id"]))
    assert answer.status_code == 400
    assert answer.json()["field"] == "parent"


def test_returning_commenter_is_auto_approved(start_endpoint) -> None:
    endpoint = start_endpoint(AUTO_APPROVE_RETURNING=True)
    first = post(endpoint).json()
    assert first["status"] == "pending"
    endpoint.store.set_status(first["id"], "approved", actor="test")
    second = post(endpoint, email="ANN@example.org", body="again").json()
    stranger = post(endpoint, name="Bob", email="bob@example.org").json()
    assert (second["status"], stranger["status"]) == ("approved", "pending")
    assert second["thread"] == OPEN


def test_forwarded_address_counts_only_behind_a_trusted_proxy(start_endpoint) -> None:
    trusting = start_endpoint(RATE_LIMIT=1, TRUSTED_PROXIES=1)

    def from_client(address: str) -> int:
        return requests.post(f"{trusting.url}/api/comments", json=comment_fields(),
                             headers={"X-Forwarded-For": address}, timeout=10).status_code

    assert [from_client("203.0.113.1"), from_client("203.0.113.1"), from_client("203.0.113.2")] == [
        201, 429, 201,
    ]


def test_behind_one_proxy_only_the_address_it_appended_counts(start_endpoint) -> None:
    trusting = start_endpoint(RATE_LIMIT=1, TRUSTED_PROXIES=1)

    def forwarded(chain: str) -> int:
        return requests.post(f"{trusting.url}/api/comments", json=comment_fields(),
                             headers={"X-Forwarded-For": chain}, timeout=10).status_code

    # What the client wrote comes first; the proxy appends the address it saw (203.0.113.1).
    assert [forwarded("198.51.100.1, 203.0.113.1"), forwarded("198.51.100.2, 203.0.113.1")] == [201, 429]


def test_forwarded_address_is_ignored_by_default(endpoint: Endpoint) -> None:
    statuses = {
        requests.post(f"{endpoint.url}/api/comments", json=comment_fields(),
                      headers={"X-Forwarded-For": f"203.0.113.{n}"}, timeout=10).status_code
        for n in range(6)
    }
    assert statuses == {201, 429}  # the default limit (5 a minute) holds whatever the header says


def test_old_rate_events_are_pruned(endpoint: Endpoint) -> None:
    from datetime import UTC, datetime, timedelta

    from pelican.plugins.engagement.store.schema import rate_events
    from sqlalchemy import func, select

    endpoint.store.admit("old-scope", 1, 60, now=datetime.now(UTC) - timedelta(days=3))
    post(endpoint)
    with endpoint.store.read() as conn:
        scopes = set(conn.execute(select(rate_events.c.scope)).scalars())
        assert conn.execute(select(func.count()).select_from(rate_events)).scalar_one() == 2
    assert "old-scope" not in scopes


def test_page_jobs_finished_a_week_ago_are_pruned(endpoint: Endpoint) -> None:
    from datetime import UTC, datetime, timedelta

    from pelican.plugins.engagement.store.schema import page_jobs
    from sqlalchemy import select

    old, recent, waiting = (endpoint.store.add_job("push", [f"{n}/index.html"]) for n in range(3))
    endpoint.store.finish_jobs([old, recent])
    with endpoint.store.write() as conn:
        conn.execute(page_jobs.update().where(page_jobs.c.id == old)
                     .values(done_at=datetime.now(UTC) - timedelta(days=8)))
    post(endpoint)  # the first request of the hour does the housekeeping
    with endpoint.store.read() as conn:
        assert set(conn.execute(select(page_jobs.c.id)).scalars()) == {recent, waiting}
