"""The generated secret key, asked for by many workers at the same moment on a fresh store.

Every endpoint worker reads the key at start; after a deploy they all start at once. Reading and
then inserting when missing let two of them insert on PostgreSQL, and the second died on the
``meta`` table's primary key. (tests/reliability/test_startup_race.py starts real gunicorn
instances; here a barrier lines the callers up to the microsecond, which makes the race certain.)
"""

from __future__ import annotations

import threading

from pelican.plugins.engagement.store import Store

CALLERS = 16


def test_workers_asking_for_the_secret_at_once_all_get_the_same_one(store_url: str) -> None:
    stores = [Store.open(store_url) for _ in range(CALLERS)]
    barrier = threading.Barrier(CALLERS)
    keys: list[str] = []
    errors: list[BaseException] = []

    def ask(store: Store) -> None:
        barrier.wait()
        try:
            keys.append(store.secret_key())
        except BaseException as error:  # every failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(store,)) for store in stores]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for store in stores:
            store.close()
    assert errors == []
    assert len(keys) == CALLERS and len(set(keys)) == 1
