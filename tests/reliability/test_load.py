"""Durability under load: gunicorn with several workers, thousands of posts, on SQLite and PostgreSQL.

The claim under test is the endpoint's contract: a 2xx means the comment is committed. So every
acknowledged comment must be in the store afterwards with the id the client was given, nothing
answers 5xx, and the per-client rate limit admits exactly its number however the requests spread
over worker processes. (Measured on Isso 0.14's documented gunicorn set-up: 1,997 of 2,000 stored,
HTTP 500 for the rest, and 8 concurrent clients got 5 comments past a limit of 2.)
"""

from __future__ import annotations

import threading

import pytest

from tests.reliability.conftest import CLIENT_LIMIT
from tests.reliability.load import Run, run_clients, stored_by_marker

#: 16 clients x CLIENT_LIMIT posts (2,000 by default) per backend.
CLIENTS = 16


def figures(label: str, run: Run, stored: dict[str, int]) -> list[str]:
    """Print the run's figures (for the issue note) and return the acknowledged-but-lost markers."""
    acknowledged = run.acknowledged
    lost = [m for m, entry_id in acknowledged.items() if stored.get(m) != entry_id]
    mine = [m for m in stored if m in {o.marker for o in run.outcomes}]
    print(f"{label}: sent {run.sent}, acknowledged {len(acknowledged)}, stored {len(mine)}, "
          f"lost {len(lost)}, 5xx {run.server_errors}, statuses {dict(run.statuses)}")
    return lost


@pytest.mark.slow
def test_every_acknowledged_comment_is_stored_under_load(served) -> None:
    run = run_clients(served.server.url, CLIENTS, CLIENT_LIMIT, prefix="load",
                      forwarded_for=lambda i: f"203.0.113.{i + 1}")
    stored = stored_by_marker(served.store_url, prefix="load")
    lost = figures(f"load ({served.store_url.split(':')[0]})", run, stored)

    assert run.sent == CLIENTS * CLIENT_LIMIT
    assert run.server_errors == 0
    assert run.statuses == {201: CLIENTS * CLIENT_LIMIT}
    assert lost == []
    assert len(stored) == len(run.acknowledged)  # and nothing stored that was not acknowledged


def test_rate_limit_admits_exactly_the_limit_across_workers(served) -> None:
    """16 clients sharing one address, released at once against 4 workers: exactly the limit gets in."""
    start = threading.Barrier(CLIENTS)
    per_client = CLIENT_LIMIT // CLIENTS + 3  # 16 x 10 = 160 attempts against a limit of 125
    run = run_clients(served.server.url, CLIENTS, per_client, prefix="shared", start=start,
                      forwarded_for=lambda i: "198.51.100.7")
    stored = stored_by_marker(served.store_url, prefix="shared")
    figures(f"rate limit {CLIENT_LIMIT} ({served.store_url.split(':')[0]})", run, stored)

    assert run.server_errors == 0
    assert run.statuses == {201: CLIENT_LIMIT, 429: CLIENTS * per_client - CLIENT_LIMIT}
    assert len(stored) == CLIENT_LIMIT
