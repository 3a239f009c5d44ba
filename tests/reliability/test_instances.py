"""Several endpoint instances on one store (the README's scale-out set-up): schema migrations run by
many processes at once, and one rate limit shared by two gunicorn instances."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import backend_store_url
from tests.reliability.gunicorn import Gunicorn, write_settings
from tests.reliability.load import run_clients, stored_by_marker

PROCESSES = 6
OPEN_STORE = "import sys; from pelican.plugins.engagement.store import Store; Store.open(sys.argv[1]).close()"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_store_url(request: pytest.FixtureRequest, tmp_path: Path):
    yield from backend_store_url(request.param, tmp_path)


def test_many_processes_migrating_one_fresh_store_at_once(fresh_store_url: str) -> None:
    """Instances start together after a deploy; each runs the migrations; none may fail."""
    starts = [subprocess.Popen([sys.executable, "-c", OPEN_STORE, fresh_store_url], stderr=subprocess.PIPE,
                               text=True) for _ in range(PROCESSES)]
    failures = [p.stderr.read() for p in starts if p.wait(timeout=120) != 0]  # type: ignore[union-attr]
    assert failures == []
    engine = create_engine(fresh_store_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    assert len(versions) == 1


@pytest.mark.slow
def test_two_instances_share_one_rate_limit(built_site, fresh_store_url: str, tmp_path: Path) -> None:
    limit, clients, per_client = 9, 12, 3
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    servers = [
        Gunicorn(write_settings(folder, built_site, fresh_store_url, RATE_LIMIT=limit, RATE_LIMIT_WINDOW=3600,
                                THREAD_RATE_LIMIT=0), folder / "gunicorn.log", workers=2)
        for folder in (first_dir, second_dir)
    ]
    try:
        for server in servers:
            server.start()
        start = threading.Barrier(clients)
        halves = [[], []]
        threads = [
            threading.Thread(target=lambda i=i: halves[i].append(
                run_clients(servers[i].url, clients // 2, per_client, start=start, prefix=f"i{i}-")))
            for i in (0, 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for server in servers:
            server.stop()
    runs = [half[0] for half in halves]
    admitted = sum(run.statuses.get(201, 0) for run in runs)
    print(f"two instances, limit {limit} ({fresh_store_url.split(':')[0]}): "
          f"sent {sum(r.sent for r in runs)}, admitted {admitted}, 5xx {sum(r.server_errors for r in runs)}")
    assert sum(run.server_errors for run in runs) == 0
    assert admitted == limit
    assert len(stored_by_marker(fresh_store_url, prefix="i")) == limit
