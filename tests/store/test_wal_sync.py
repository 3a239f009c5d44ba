"""The shared WAL fsync: a writer returns only after an fsync begun after its commit; writers at the
same moment share fsyncs; a failed fsync acknowledges nobody; Store.write uses it on SQLite only."""

from __future__ import annotations

import os
import sqlite3
import threading
import types
from pathlib import Path

import pytest
from pelican.plugins.engagement.store import NewEntry, Store
from pelican.plugins.engagement.store import wal_sync as wal_sync_module
from pelican.plugins.engagement.store.wal_sync import WalSync

from tests.support.transactions import ids_from_threads

WRITERS = 8


class _Disk:
    """Stands in for ``os.fsync`` in wal_sync.py: counts fsyncs and can hold the first one."""

    def __init__(self, *, hold_first: bool = False, fail: int = 0) -> None:
        self.started = 0
        self.finished = 0
        self.first_running = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()
        self.fail = fail
        self.inodes: list[int] = []
        self._lock = threading.Lock()

    def fsync(self, fd: int) -> None:
        with self._lock:
            self.started += 1
            number = self.started
            self.inodes.append(os.fstat(fd).st_ino)
        if number == 1:
            self.first_running.set()
            assert self.release.wait(30), "the test never released the first fsync"
        if number <= self.fail:
            raise OSError(5, "Input/output error")
        with self._lock:
            self.finished += 1


@pytest.fixture
def wal(tmp_path: Path) -> Path:
    path = tmp_path / "comments.sqlite3-wal"
    path.write_bytes(b"frames")
    return path


def _disk(monkeypatch: pytest.MonkeyPatch, **options: object) -> _Disk:
    """The disk, seen by wal_sync.py only: an ``os`` of its own whose fsync is the stand-in.

    Patching ``os.fsync`` itself would also count the fsyncs of any other thread of the test
    process (a file written by a background thread a previous test left running).
    """
    disk = _Disk(**options)  # type: ignore[arg-type]
    own_os = types.ModuleType("os")
    own_os.__dict__.update(os.__dict__)
    own_os.fsync = disk.fsync  # type: ignore[attr-defined]
    monkeypatch.setattr(wal_sync_module, "os", own_os)
    return disk


def test_a_writer_arriving_during_an_fsync_waits_for_the_next_one(wal: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    disk = _disk(monkeypatch, hold_first=True)
    shared = WalSync(str(wal))
    first = threading.Thread(target=shared.sync)
    first.start()
    assert disk.first_running.wait(30)
    late_done = threading.Event()
    late = threading.Thread(target=lambda: (shared.sync(), late_done.set()))
    late.start()
    assert not late_done.wait(0.2)  # the running fsync may have begun before its commit
    disk.release.set()
    first.join(30)
    late.join(30)
    assert late_done.is_set() and disk.started == 2 and disk.finished == 2


def test_writers_waiting_together_share_one_fsync(wal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = _disk(monkeypatch, hold_first=True)
    shared = WalSync(str(wal))
    threads = [threading.Thread(target=shared.sync) for _ in range(WRITERS)]
    threads[0].start()
    assert disk.first_running.wait(30)
    for thread in threads[1:]:
        thread.start()
    for _ in range(3000):  # bounded wait until the seven have asked for the disk
        if shared._requested == WRITERS:
            break
        threading.Event().wait(0.01)
    disk.release.set()
    for thread in threads:
        thread.join(30)
    assert disk.finished == 2  # the held one, then one more for the seven that waited behind it


def test_a_failed_fsync_acknowledges_nobody_and_the_next_writer_retries(
        wal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = _disk(monkeypatch, fail=1)
    shared = WalSync(str(wal))
    with pytest.raises(OSError):
        shared.sync()
    shared.sync()  # the disk answers again: a new fsync, not the failed one's word
    assert disk.started == 2 and disk.finished == 1


def test_a_replaced_wal_file_is_opened_again(wal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = _disk(monkeypatch)
    shared = WalSync(str(wal))
    shared.sync()
    replacement = wal.with_name("new-wal")
    replacement.write_bytes(b"other frames")
    replacement.replace(wal)
    shared.sync()
    wal.unlink()
    shared.sync()  # no WAL: the last connection checkpointed it into the database file
    assert disk.started == 2 and disk.inodes[0] != disk.inodes[1]
    shared.close()


def _synchronous(store: Store) -> list[int]:
    with store.engine.connect() as connection:
        return [connection.connection.dbapi_connection.execute("PRAGMA synchronous").fetchone()[0]]


def test_store_write_is_fsynced_before_it_returns_and_leaves_full_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'comments.sqlite3'}")
    disk = _disk(monkeypatch)
    seen: list[int] = []
    with store.write() as conn:
        seen.append(conn.connection.dbapi_connection.execute("PRAGMA synchronous").fetchone()[0])
        before = disk.started
    assert before == 0 and disk.finished == 1
    assert seen == [1]  # NORMAL inside Store.write: the lock is not held through an fsync
    assert _synchronous(store) == [2]  # every other use of the connection: FULL
    entry = store.add(NewEntry(thread="posts/a/", author_name="Ann", body_source="Hi", body_html="<p>Hi</p>"))
    assert disk.finished == 2
    with sqlite3.connect(tmp_path / "comments.sqlite3") as other:  # another process would see it
        assert other.execute("SELECT count(*) FROM entries WHERE id = ?", (entry.id,)).fetchone() == (1,)
    store.close()


def test_a_failed_write_is_not_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'comments.sqlite3'}")
    disk = _disk(monkeypatch)
    with pytest.raises(RuntimeError), store.write():
        raise RuntimeError("refused")
    assert disk.started == 0 and _synchronous(store) == [2]
    store.close()


def test_many_threads_store_every_write_they_were_told_about(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'comments.sqlite3'}")

    def post(n: int) -> list[int]:
        return [store.add(NewEntry(thread="posts/a/", author_name=f"Reader {n}-{round_}",
                                   body_source="Hi", body_html="<p>Hi</p>")).id for round_ in range(10)]

    acknowledged = ids_from_threads(WRITERS, post)
    assert sorted(entry.id for entry in store.list()) == sorted(acknowledged)
    assert len(acknowledged) == 10 * WRITERS
    store.close()


def test_only_a_sqlite_file_has_a_wal_to_sync(store: Store) -> None:
    expected = store.dialect == "sqlite"
    assert (store._wal_sync is not None) is expected
