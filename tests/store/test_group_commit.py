"""Group commit: comments posted together share one transaction, each committed before it returns,
each refused alone; a failed commit acknowledges none of them. Both backends."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from pelican.plugins.engagement.store import NewEntry, RateLimit, RateLimited, Store, StoreError
from pelican.plugins.engagement.store.group_commit import GroupCommit
from pelican.plugins.engagement.store.schema import rate_events
from sqlalchemy import Connection, event, func, select

from tests.support.transactions import ids_from_threads

THREAD = "2024/01/a/"
WRITERS = 8


def _comment(n: int, **fields: object) -> NewEntry:
    values: dict[str, object] = {"author_name": f"Reader {n}", "body_source": "Hi", "body_html": "<p>Hi</p>"}
    values.update(fields)
    return NewEntry(thread=THREAD, **values)  # type: ignore[arg-type]


class _Gate:
    """Stands in front of ``Store.write``: the first batch waits until the test opens the gate, so
    every writer started meanwhile is queued with it (as while another process holds the lock)."""

    def __init__(self, store: Store, *, fail_commit: bool = False) -> None:
        self.store = store
        self.open = threading.Event()
        self.entered = threading.Event()
        self.batches = 0
        self.fail_commit = fail_commit

    @contextmanager
    def write(self) -> Iterator[Connection]:
        self.entered.set()
        assert self.open.wait(30), "the test never opened the gate"
        self.batches += 1
        with self.store.write() as connection:
            yield connection
            if self.fail_commit:
                raise OSError("disk full")  # the transaction rolls back, as a failed COMMIT would


def _gated(store: Store, **options: bool) -> _Gate:
    gate = _Gate(store, **options)
    store._group_commit = GroupCommit(gate.write, store._lock_scopes)
    return gate


def _count_commits(store: Store) -> list[int]:
    commits = [0]

    def counted(_connection: Connection) -> None:
        commits[0] += 1

    event.listen(store.engine, "commit", counted)
    return commits


def _run_together(gate: _Gate, calls: list[Callable[[], object]]) -> list[object]:
    """Start every call in its own thread behind the closed gate, open it, collect the outcomes."""
    outcomes: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            outcomes[index] = calls[index]()
        except Exception as error:  # the test looks at which writer got which error
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    threads[0].start()
    assert gate.entered.wait(30), "the first writer never started its batch"
    for thread in threads[1:]:
        thread.start()
    store_commit = gate.store._group_commit
    for _ in range(3000):  # every writer queued: the leader takes its batch once it has the lock
        if store_commit.queued == len(calls):
            break
        threading.Event().wait(0.01)
    assert store_commit.queued == len(calls)
    gate.open.set()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    return outcomes


def test_writers_queued_together_share_one_commit(store: Store) -> None:
    gate = _gated(store)
    commits = _count_commits(store)
    calls = [lambda n=n: store.add_admitted(_comment(n), [RateLimit("client:x", 100, 60)])
             for n in range(WRITERS)]
    outcomes = _run_together(gate, calls)
    assert commits[0] == gate.batches == 1  # the leader took every writer queued while it waited
    assert sorted(entry.author_name for entry in outcomes) == sorted(f"Reader {n}" for n in range(WRITERS))
    assert {entry.id for entry in store.list()} == {entry.id for entry in outcomes}


def test_a_limit_holds_exactly_inside_a_batch(store: Store) -> None:
    gate = _gated(store)
    calls = [lambda n=n: store.add_admitted(_comment(n), [RateLimit("client:y", 3, 60)])
             for n in range(WRITERS)]
    outcomes = _run_together(gate, calls)
    refused = [outcome for outcome in outcomes if isinstance(outcome, RateLimited)]
    assert len(refused) == WRITERS - 3
    assert len(store.list()) == 3
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(rate_events)).scalar_one() == 3


def test_one_refused_write_leaves_the_rest_of_its_batch_stored(store: Store) -> None:
    parent = store.add(_comment(0, status="approved"))
    gate = _gated(store)
    calls: list[Callable[[], object]] = [
        lambda n=n: store.add_admitted(_comment(n, parent_id=parent.id), [RateLimit("client:z", 9, 60)])
        for n in range(1, WRITERS)
    ]
    calls.insert(3, lambda: store.add_admitted(_comment(99, parent_id=parent.id + 1000),
                                               [RateLimit("client:z", 9, 60)]))
    outcomes = _run_together(gate, calls)
    assert isinstance(outcomes[3], StoreError) and "not in this thread" in str(outcomes[3])
    stored = {entry.author_name for entry in store.list()}
    assert stored == {f"Reader {n}" for n in range(WRITERS)}  # the parent and the seven replies
    with store.read() as conn:  # the refused reply's event was rolled back with its savepoint
        assert conn.execute(select(func.count()).select_from(rate_events)).scalar_one() == WRITERS - 1


def test_a_failed_commit_acknowledges_no_write_of_its_batch(store: Store) -> None:
    gate = _gated(store, fail_commit=True)
    calls = [lambda n=n: store.add_admitted(_comment(n), []) for n in range(WRITERS)]
    outcomes = _run_together(gate, calls)
    assert all(isinstance(outcome, OSError) for outcome in outcomes), outcomes
    assert store.list() == []
    gate.fail_commit = False  # leadership was handed back: the next writer commits
    assert store.add_admitted(_comment(100), []).author_name == "Reader 100"


def test_writers_that_never_get_the_lock_all_fail_and_the_next_one_leads(store: Store) -> None:
    attempts = [0]

    @contextmanager
    def no_lock() -> Iterator[Connection]:
        attempts[0] += 1
        raise TimeoutError("database is locked")
        yield  # pragma: no cover - a generator context manager needs one

    store._group_commit = GroupCommit(no_lock, store._lock_scopes)
    with pytest.raises(TimeoutError):
        store.add_admitted(_comment(1), [])
    store._group_commit = GroupCommit(store.write, store._lock_scopes)
    assert store.add_admitted(_comment(2), []).author_name == "Reader 2"
    assert attempts == [1]


def test_many_threads_without_a_gate_store_every_acknowledged_comment(store: Store) -> None:
    def post(n: int) -> list[int]:
        ids, limits = [], [RateLimit(f"client:{n}", 4, 60)]
        try:
            for round_ in range(5):
                ids.append(store.add_admitted(_comment(n * 10 + round_), limits).id)
        except RateLimited:
            pass  # the fifth comment of each client: the limit is 4
        return ids

    acknowledged = ids_from_threads(WRITERS, post)
    assert len(acknowledged) == 4 * WRITERS
    assert sorted(entry.id for entry in store.list()) == sorted(acknowledged)
