"""Several gunicorn instances of several workers each, started together on a fresh store.

With ``ENGAGEMENT_SECRET_KEY`` empty (the default, and what the README recommends for several
instances) every worker reads the store's generated key at start and creates it when missing. On
PostgreSQL that read-then-insert raced: two workers both found no key, both inserted, one died on
the ``meta`` table's primary key, gunicorn reported "Worker failed to boot" and the instance was
down. Every worker must boot (gunicorn's ``post_worker_init`` hook, which runs once a worker has
loaded the app, leaves a file per worker) and every instance must answer, round after round, each
round on a fresh database (a new PostgreSQL schema, a new SQLite file), where the migrations race
too.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import backend_store_url
from tests.reliability.gunicorn import Gunicorn, write_settings

ROUNDS = 5
INSTANCES = 3
WORKERS = 4
BOOT_TIMEOUT = 180.0
HOOK = """\
import os
from pathlib import Path


def post_worker_init(worker):
    Path({ready!r}, str(os.getpid())).touch()
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_instances_of_many_workers_start_together_on_a_fresh_store(built_site, backend: str,
                                                                    tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        store = backend_store_url(backend, folder)
        url = next(store)
        try:
            _start_together(built_site, url, folder)
            _assert_one_secret(url)
        finally:
            store.close()  # drops this round's PostgreSQL schema


def _start_together(built_site, url: str, folder: Path) -> None:
    ready = folder / "ready"
    ready.mkdir()
    hook = folder / "hooks.py"
    hook.write_text(HOOK.format(ready=str(ready)), "utf-8")
    servers = []
    for number in range(INSTANCES):
        home = folder / f"instance-{number}"
        home.mkdir()
        settings = write_settings(home, built_site, url, SECRET_KEY="", REBUILD_ON_APPROVE=False)
        servers.append(Gunicorn(settings, home / "gunicorn.log", workers=WORKERS, args=("-c", str(hook))))
    try:
        for server in servers:
            server.launch()
        _wait_for_every_worker(servers, ready)
        for server in servers:
            assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        log = server.log_file.read_text("utf-8", errors="replace")
        assert "Worker failed to boot" not in log and "Traceback" not in log, log[-3000:]


def _wait_for_every_worker(servers: list[Gunicorn], ready: Path) -> None:
    deadline = time.monotonic() + BOOT_TIMEOUT
    while len(list(ready.iterdir())) < INSTANCES * WORKERS:
        for server in servers:
            assert server.process is not None
            if server.process.poll() is not None:
                raise AssertionError(f"an instance stopped at start:\n{server.log_file.read_text()[-3000:]}")
        assert time.monotonic() < deadline, f"only {len(list(ready.iterdir()))} workers booted"
        time.sleep(0.2)


def _assert_one_secret(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT value FROM meta WHERE key = 'secret_key'")).all()
    finally:
        engine.dispose()
    assert len(keys) == 1
