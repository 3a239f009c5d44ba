"""Faults: the server SIGKILLed mid-run (master and every worker) and restarted on the same store.

An acknowledged comment was committed before its 2xx, so no kill can take it back: after the
restart every one of them is still stored, SQLite's ``PRAGMA integrity_check`` says ``ok``, and the
restarted server takes comments again.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import backend_store_url
from tests.reliability.gunicorn import gunicorn, write_settings
from tests.reliability.load import comment, run_clients, stored_by_marker

CLIENTS = 8
#: Acknowledged posts to wait for before the kill (the clients are still sending when it lands).
KILL_AFTER = 150
RUN_TIMEOUT = 120.0


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url_for_kill(request: pytest.FixtureRequest, tmp_path: Path):
    yield from backend_store_url(request.param, tmp_path)


@pytest.mark.slow
def test_acknowledged_comments_survive_sigkill(built_site, store_url_for_kill: str, tmp_path: Path) -> None:
    store_url = store_url_for_kill
    settings = write_settings(tmp_path, built_site, store_url, RATE_LIMIT=0, THREAD_RATE_LIMIT=0)
    with gunicorn(settings) as server:
        stop = threading.Event()
        result: list = []
        clients = threading.Thread(
            target=lambda: result.append(run_clients(server.url, CLIENTS, 10_000, stop=stop, prefix="k"))
        )
        clients.start()
        _wait_for_acknowledgements(server.url, store_url, KILL_AFTER)
        stop.set()  # no new requests after this; the ones in flight meet the kill
        server.kill()
        clients.join(timeout=RUN_TIMEOUT)
        run = result[0]

        failed_by_kill = run.statuses.get(0, 0)
        acknowledged = run.acknowledged
        # KILL_AFTER were committed before the kill; each client may have lost the answer to one.
        assert len(acknowledged) >= KILL_AFTER - CLIENTS
        assert run.server_errors == 0

        server.start()  # the same settings and store
        stored = stored_by_marker(store_url, prefix="k")
        lost = [m for m, entry_id in acknowledged.items() if stored.get(m) != entry_id]
        print(f"kill ({store_url.split(':')[0]}): sent {run.sent}, acknowledged {len(acknowledged)}, "
              f"stored {len(stored)}, lost {len(lost)}, cut off by the kill {failed_by_kill}, "
              f"5xx {run.server_errors}")
        assert lost == []
        # Anything stored beyond the acknowledged was committed just before the kill cut its answer.
        assert len(stored) - len(acknowledged) <= failed_by_kill

        if store_url.startswith("sqlite"):
            assert _integrity(store_url) == "ok"
        after = requests.post(server.url + "/api/comments", json=comment("after-restart"), timeout=30)
        assert after.status_code == 201


def _wait_for_acknowledgements(url: str, store_url: str, count: int) -> None:
    """Poll the store (not the clients) until ``count`` comments are in, so the kill lands mid-run."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        if len(stored_by_marker(store_url, prefix="k")) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} comments stored within {RUN_TIMEOUT} s")


def _integrity(store_url: str) -> str:
    connection = sqlite3.connect(store_url.split("///", 1)[1])
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
