"""A writer that finds SQLite's write lock taken retries in short steps, then commits or gives up."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from pelican.plugins.engagement.store import NewEntry, Store
from pelican.plugins.engagement.store import engine as engine_module
from sqlalchemy.exc import OperationalError


def _entry(n: int) -> NewEntry:
    return NewEntry(thread="posts/a/", author_name=f"Reader {n}", body_source="Hello",
                    body_html="<p>Hello</p>", status="pending")


class _SleepWatcher:
    """Stands in for the ``time`` module inside engine.py: tells when a writer had to wait."""

    def __init__(self) -> None:
        import time

        self._time = time
        self.waited = threading.Event()

    def monotonic(self) -> float:
        return self._time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.waited.set()
        self._time.sleep(seconds)


def _hold_write_lock(database: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_writer_waits_for_the_lock_and_then_commits(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "comments.sqlite3"
    store = Store.open(f"sqlite:///{database}")
    watcher = _SleepWatcher()
    monkeypatch.setattr(engine_module, "time", watcher)
    holder = _hold_write_lock(database)
    added: list[int] = []
    writer = threading.Thread(target=lambda: added.append(store.add(_entry(1)).id))
    writer.start()
    try:
        assert watcher.waited.wait(30), "the writer never found the lock taken"
        assert added == []
    finally:
        holder.execute("COMMIT")
        holder.close()
    writer.join(30)
    assert len(added) == 1 and store.get(added[0]) is not None
    store.close()


def test_a_writer_gives_up_with_database_is_locked_and_keeps_the_busy_timeout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "comments.sqlite3"
    store = Store.open(f"sqlite:///{database}")
    monkeypatch.setattr(engine_module, "WRITE_LOCK_SECONDS", 0.05)
    holder = _hold_write_lock(database)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            store.add(_entry(2))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with store.engine.connect() as connection:
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert timeout == engine_module.BUSY_TIMEOUT_MS
    assert store.add(_entry(3)).id
    store.close()
