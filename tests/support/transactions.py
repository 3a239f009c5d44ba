"""Counting what a store commits, for tests that promise "one transaction" without timing anything."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pelican.plugins.engagement.store import Store
from sqlalchemy import event


@contextmanager
def counted_commits(store: Store) -> Iterator[list[int]]:
    """The transactions committed on the store's engine inside the block, one item each."""
    commits: list[int] = []

    def on_commit(_connection: object) -> None:
        commits.append(1)

    event.listen(store.engine, "commit", on_commit)
    try:
        yield commits
    finally:
        event.remove(store.engine, "commit", on_commit)


def ids_from_threads(count: int, write: Callable[[int], list[int]], timeout: float = 60) -> list[int]:
    """Run ``write(n)`` for n in range(count), each in its own thread at the same time, and return
    every id they said they stored; the first error a thread raised is raised here."""
    acknowledged: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            ids = write(n)
        except BaseException as error:  # handed to the test below, which fails on it
            errors.append(error)
            return
        with lock:
            acknowledged.extend(ids)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a writer thread did not finish"
    if errors:
        raise errors[0]
    return acknowledged
