"""Page jobs and the ``pages`` lease: the queue that survives a target being down, and the lease
that lets one page worker act among several instances — and another take over when it dies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pelican.plugins.engagement.store import Lease, LeaseLost, Store, StoreError

from tests.support.transactions import ids_from_threads


def test_a_job_waits_with_its_error_until_it_is_due_again(store: Store) -> None:
    first = store.add_job("push", ["index.html", "a/index.html", "index.html"])
    second = store.add_job("refresh", ["2024/01/post/"])

    assert [job.id for job in store.due_jobs("push")] == [first]
    assert store.due_jobs("push")[0].items == ["a/index.html", "index.html"]  # sorted, once each
    store.retry_jobs([first], "rsync failed with exit status 23", timedelta(minutes=5))

    assert store.due_jobs("push") == []  # in its back-off …
    [waiting] = store.pending_jobs("push")  # … but not lost
    assert waiting.attempts == 1 and waiting.last_error == "rsync failed with exit status 23"
    assert [job.id for job in store.pending_jobs()] == [first, second]


def test_finishing_twice_counts_once(store: Store) -> None:
    """A worker that lost its lease mid-job and finishes late learns someone else was first."""
    job = store.add_job("push", ["index.html"])
    assert store.finish_jobs([job]) == 1
    assert store.finish_jobs([job]) == 0
    assert store.pending_jobs() == []


def test_an_unknown_job_kind_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="unknown job kind 'deploy'"):
        store.add_job("deploy", ["index.html"])


def test_the_lease_has_one_holder_until_it_expires(store: Store) -> None:
    assert store.take_lease("pages", "worker-a", 30)
    assert store.take_lease("pages", "worker-a", 30)  # renewing one's own lease
    assert not store.take_lease("pages", "worker-b", 30)


def test_a_second_worker_takes_over_when_the_first_dies(store: Store) -> None:
    # worker-a's last renewal has run out (a lease taken for -1 s is already past its end):
    # it died, or hangs, without releasing.
    assert store.take_lease("pages", "worker-a", -1)

    assert store.take_lease("pages", "worker-b", 30)
    assert not store.take_lease("pages", "worker-a", 30)  # back from the dead: it must wait
    store.release_lease("pages", "worker-a")  # and cannot release what it no longer holds
    assert not store.take_lease("pages", "worker-a", 30)

    store.release_lease("pages", "worker-b")
    assert store.take_lease("pages", "worker-a", 30)


@pytest.mark.parametrize("expired", [False, True], ids=["fresh", "expired"])
def test_workers_racing_for_the_lease_give_it_to_one(store_url: str, expired: bool) -> None:
    """Eight workers, each with its own connections, ask at once: for a lease nobody held (the
    first INSERT) and for one whose holder died (the conditional UPDATE)."""
    stores = [Store.open(store_url) for _ in range(8)]
    try:
        if expired:
            assert stores[0].take_lease("pages", "dead-worker", -1)
        winners = ids_from_threads(len(stores), lambda n: [n] if stores[n].take_lease(
            "pages", f"worker-{n}", 30) else [])
    finally:
        for opened in stores:
            opened.close()
    assert len(winners) == 1


def test_pruning_deletes_only_jobs_finished_long_enough_ago(store: Store) -> None:
    finished, waiting = store.add_job("push", ["index.html"]), store.add_job("push", ["a/index.html"])
    store.retry_jobs([waiting], "the target refused", timedelta(minutes=5))
    store.finish_jobs([finished])

    assert store.prune_page_jobs() == 0  # finished just now: kept for a week
    assert store.prune_page_jobs(older_than_seconds=-60) == 1  # as if a week had passed
    assert [job.id for job in store.pending_jobs()] == [waiting]  # never an unfinished one
    assert store.finish_jobs([finished]) == 0


def test_a_worker_that_lost_its_lease_records_nothing(store: Store) -> None:
    """worker-a stalled past its lease and worker-b took over: a's late results are refused, so
    it neither finishes the jobs b is redoing, nor pushes them back, nor queues its pages' push."""
    job = store.add_job("refresh", ["2024/01/post/"])
    assert store.take_lease("pages", "worker-a", -1)  # a's lease ran out mid-work …
    assert store.take_lease("pages", "worker-b", 30)  # … and b took over

    with pytest.raises(LeaseLost, match=r"no longer worker-a's.*held by worker-b"):
        store.finish_jobs([job], lease=Lease("pages", "worker-a"), push=["2024/01/post/index.html"])
    with pytest.raises(LeaseLost):
        store.retry_jobs([job], "late failure", timedelta(minutes=5), lease=Lease("pages", "worker-a"))
    assert [(j.kind, j.attempts) for j in store.pending_jobs()] == [("refresh", 0)]  # untouched
    assert not store.renew_lease("pages", "worker-a", 30)  # its heartbeat learns it, takes nothing

    assert store.finish_jobs([job], lease=Lease("pages", "worker-b"), push=["2024/01/post/index.html"]) == 1
    [push] = store.pending_jobs()  # the push of b's pages, queued with the finish
    assert push.kind == "push" and push.items == ["2024/01/post/index.html"]
    store.release_lease("pages", "worker-b")
    with pytest.raises(LeaseLost, match="released"):  # nor after b let it go
        store.finish_jobs([push.id], lease=Lease("pages", "worker-a"))


def test_renewing_keeps_the_lease_from_others(store: Store) -> None:
    assert store.take_lease("pages", "worker-a", -1)  # expired, but nobody took it yet
    assert store.renew_lease("pages", "worker-a", 30)  # still a's: renewed
    assert not store.take_lease("pages", "worker-b", 30)
    assert store.finish_jobs([store.add_job("push", ["index.html"])], lease=Lease("pages", "worker-a")) == 1


def test_last_finished_at_is_when_page_work_last_ended(store: Store) -> None:
    assert store.last_finished_at() is None
    first, second = store.add_job("refresh", ["a/"]), store.add_job("push", ["a/index.html"])
    store.finish_jobs([first])
    after_first = store.last_finished_at()
    store.finish_jobs([second])

    assert after_first is not None and after_first.tzinfo is not None
    assert store.last_finished_at() >= after_first  # a push ends page work too


def test_any_due_is_the_idle_look_for_work(store: Store) -> None:
    assert not store.any_due(("refresh", "push"))
    waiting = store.add_job("push", ["index.html"])
    assert store.any_due(("refresh", "push")) and not store.any_due(("refresh",))
    store.retry_jobs([waiting], "the target refused", timedelta(minutes=5))
    assert not store.any_due(("refresh", "push"))  # in its back-off: not due yet
