"""Counting what a store commits, for tests that promise "one transaction" without timing anything."""

from __future__ import annotations

from collections.abc import Iterator
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
