"""Shared fsync of SQLite's write-ahead log: writes committed at the same moment share one fsync.

A write is durable before its caller answers 2xx. With ``synchronous=FULL`` SQLite fsyncs the WAL
inside the commit, while it holds the database's one write lock, so writers queue behind each
other's fsync: profiled under a burst of comments, one fsync per comment, one at a time, bounded
the requests/s (docs/benchmarks.md). ``Store.write`` instead commits with ``synchronous=NORMAL``
(the frames reach the WAL file with ``write()``, and the lock is released at once), then calls
:meth:`WalSync.sync`, which returns only after an fsync of the WAL file that *started after* that
commit has finished. Concurrent writers share that fsync: while one runs, the others that commit
wait for it and for one more, which covers all of them. So every write is still on disk before
``Store.write`` returns — a SIGKILL or a power loss loses no acknowledged write — but the lock is
held for microseconds, not for an fsync.

Linux flushes a file's data through any descriptor of it (fsync works on the inode), so our own
descriptor of the WAL covers what SQLite wrote through its own. If the WAL file is replaced (the
last connection to a database deletes it after a full checkpoint, which syncs the database file
first), the descriptor is reopened. Checkpoints under ``NORMAL`` sync the WAL before and the
database after copying, as under ``FULL``.

One difference a reader could see: between the commit and the fsync (a few milliseconds) the new
row is visible to other readers before it is on disk. Only a power loss in that moment would make
such a row disappear again, and its writer was never answered 2xx.
"""

from __future__ import annotations

import os
import threading


class WalSync:
    """fsync of one database's ``-wal`` file, shared by the threads of one process."""

    def __init__(self, wal_path: str) -> None:
        self.path = wal_path
        self._cond = threading.Condition()
        self._requested = 0  # tickets handed out: one per commit that needs the disk
        self._synced = 0  # every ticket up to this one is covered by a finished fsync
        self._syncing = False
        self._fd: int | None = None
        self._inode: tuple[int, int] | None = None

    def sync(self) -> None:
        """Return once an fsync begun after this call has finished (raise if it failed)."""
        with self._cond:
            self._requested += 1
            ticket = self._requested
            while self._synced < ticket:
                if self._syncing:  # an fsync that may have begun before our commit: wait for it
                    self._cond.wait()
                    continue
                self._syncing = True
                covered = self._requested  # everyone who asked by now committed before this fsync
                try:
                    self._cond.release()
                    try:
                        self._fsync()
                    finally:
                        self._cond.acquire()
                finally:
                    self._syncing = False
                    self._cond.notify_all()
                self._synced = max(self._synced, covered)

    def _fsync(self) -> None:
        """fsync the WAL file as it is now (reopened if SQLite replaced it)."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            # No WAL: the last connection checkpointed it into the database file (synced) and
            # removed it, so everything committed is in the database file already.
            self._close()
            return
        if self._fd is None or (status.st_dev, status.st_ino) != self._inode:
            self._close()
            try:
                self._fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:  # removed since the stat: as above, nothing left to sync
                return
            opened = os.fstat(self._fd)
            self._inode = (opened.st_dev, opened.st_ino)
        os.fsync(self._fd)

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._inode = None, None

    def close(self) -> None:
        """Close the descriptor (the store is being closed)."""
        with self._cond:
            self._close()
