"""Idempotency keys in the store: the answer is written with the entry, once, and expires after a day."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from pelican.plugins.engagement.store import IdempotencyKey, NewEntry, RateLimit, Replayed, Store
from pelican.plugins.engagement.store.schema import IDEMPOTENCY_TTL_SECONDS, idempotency_keys, rate_events
from sqlalchemy import func, select

THREAD = "2024/01/a/"
KEY = IdempotencyKey("c" * 64, "api:0b7a3c1e-5f1d-4c6e-9a41-2f1e8d7c6b5a", "f" * 64)
CALLERS = 12


def comment(body: str = "Hi") -> NewEntry:
    return NewEntry(thread=THREAD, author_name="Ann", body_source=body, body_html=f"<p>{body}</p>")


def answer(entry) -> tuple[int, str]:
    return 201, f'{{"id": {entry.id}}}'


def count(store: Store, table) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_answer_is_stored_with_the_entry_and_replayed(store: Store) -> None:
    entry = store.add_admitted(comment(), [RateLimit("client:x", 5, 60)], KEY, answer)
    stored = store.idempotent_answer(KEY)
    assert stored is not None
    assert (stored.status_code, stored.answer, stored.entry_id) == (201, f'{{"id": {entry.id}}}', entry.id)
    assert stored.fingerprint == KEY.fingerprint
    with pytest.raises(Replayed) as replayed:
        store.add_admitted(comment(), [RateLimit("client:x", 5, 60)], KEY, answer)
    assert replayed.value.stored == stored
    assert len(store.list()) == 1
    assert count(store, rate_events) == 1  # the replay counted against no limit


def test_an_answer_that_fails_leaves_neither_entry_nor_key(store: Store) -> None:
    def broken(entry) -> tuple[int, str]:
        raise RuntimeError("the answer could not be built")

    with pytest.raises(RuntimeError):
        store.add_admitted(comment(), [], KEY, broken)
    assert store.list() == []
    assert store.idempotent_answer(KEY) is None


def test_keys_are_per_client(store: Store) -> None:
    store.add_admitted(comment(), [], KEY, answer)
    other = IdempotencyKey("d" * 64, KEY.key, KEY.fingerprint)
    assert store.idempotent_answer(other) is None
    store.add_admitted(comment(), [], other, answer)
    assert len(store.list()) == 2


@pytest.mark.parametrize("shared", [False, True], ids=["a-store-each", "one-store-group-commit"])
def test_racing_requests_with_one_key_store_one_entry(store_url: str, shared: bool) -> None:
    """Callers in separate processes (a store each) or threads of one (whose writes group commit
    puts in one transaction, where the twin is found earlier in the same batch)."""
    first = Store.open(store_url)
    stores = [first] * CALLERS if shared else [first, *(Store.open(store_url) for _ in range(CALLERS - 1))]
    barrier = threading.Barrier(CALLERS)
    created: list[int] = []
    replayed: list[str] = []
    errors: list[BaseException] = []

    def post(store: Store) -> None:
        barrier.wait()
        try:
            created.append(store.add_admitted(comment(), [RateLimit("client:r", 100, 60)], KEY, answer).id)
        except Replayed as seen:
            replayed.append(seen.stored.answer)
        except BaseException as error:  # every other failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=post, args=(store,)) for store in stores]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert len(created) == 1
        assert replayed == [f'{{"id": {created[0]}}}'] * (CALLERS - 1)
        assert [entry.id for entry in stores[0].list()] == created
        assert count(stores[0], rate_events) == 1
    finally:
        for store in set(stores):
            store.close()


def _age(store: Store, seconds: float) -> None:
    """Move every key's time back by ``seconds`` (as if it had been written that long ago)."""
    with store.write() as conn:
        for row in conn.execute(select(idempotency_keys.c.key, idempotency_keys.c.created_at)).all():
            conn.execute(idempotency_keys.update().where(idempotency_keys.c.key == row.key)
                         .values(created_at=row.created_at - timedelta(seconds=seconds)))


def test_a_key_older_than_a_day_is_forgotten_and_can_be_used_again(store: Store) -> None:
    first = store.add_admitted(comment(), [], KEY, answer)
    _age(store, IDEMPOTENCY_TTL_SECONDS - 60)
    assert store.idempotent_answer(KEY) is not None  # still within the day
    _age(store, 120)
    assert store.idempotent_answer(KEY) is None
    second = store.add_admitted(comment(), [], KEY, answer)  # the expired row does not collide
    assert second.id != first.id
    stored = store.idempotent_answer(KEY)
    assert stored is not None and stored.entry_id == second.id


def test_pruning_deletes_only_expired_keys(store: Store) -> None:
    store.add_admitted(comment(), [], KEY, answer)
    _age(store, IDEMPOTENCY_TTL_SECONDS + 60)
    fresh = IdempotencyKey(KEY.client, "api:another-key-of-sixteen", KEY.fingerprint)
    store.add_admitted(comment(), [], fresh, answer)
    assert store.prune_idempotency_keys() == 1
    assert store.idempotent_answer(fresh) is not None
    assert count(store, idempotency_keys) == 1


def test_deleting_or_forgetting_the_entry_deletes_its_answer(store: Store) -> None:
    """The answer repeats the comment's name and text: erasure must reach it too."""
    entry = store.add_admitted(comment(), [], KEY, answer)
    store.delete(entry.id, actor="test")
    assert count(store, idempotency_keys) == 0
    new = comment()
    new.author_email = "ann@example.org"
    store.add_admitted(new, [], KEY, answer)
    store.forget("ann@example.org", actor="test")
    assert count(store, idempotency_keys) == 0
