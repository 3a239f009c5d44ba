"""The page worker (``ENGAGEMENT_PAGE_UPDATES = "worker"``): a lone approval at once, a burst in at
most two updates, a push longer than the lease done once, and what ``engagement worker`` says.

Real parts: a small site built by Pelican, rsync to a folder (or through a stand-in remote shell
that is slow), the store on SQLite and PostgreSQL, each worker with its own connections.
"""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement import deploy
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.deploy import publisher
from pelican.plugins.engagement.moderation.actions import moderate
from pelican.plugins.engagement.store import PageJob, Store, utcnow
from pelican.plugins.engagement.store.schema import page_jobs

from tests.comments.helpers import Site, make_site, thread_key
from tests.deploy.test_on_approve import (
    approved_site,
    record_pushes,
    run_workers,
    settings_file,
    site_files,
)

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync (CI installs it)")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def job(seconds_ago: float) -> PageJob:
    created = NOW - timedelta(seconds=seconds_ago)
    return PageJob(1, "refresh", ["2024/01/first-post/"], created, 0, created, None)


def test_the_first_job_after_a_quiet_spell_is_taken_at_once() -> None:
    assert publisher.ready([job(0)], NOW, None)  # no page work ever
    assert publisher.ready([job(0)], NOW, NOW - timedelta(seconds=5))  # none for a while
    assert publisher.ready([job(0), job(0.2)], NOW, NOW - timedelta(seconds=5))  # a burst's start


def test_jobs_during_or_just_after_work_wait_for_their_burst_to_end() -> None:
    worked = NOW - timedelta(seconds=0.5)
    assert not publisher.ready([job(0.7), job(0.1)], NOW, worked)  # came while work ran
    assert not publisher.ready([job(0.3)], NOW, worked)  # came just after it
    assert publisher.ready([job(1.3), job(1.0)], NOW, worked - timedelta(seconds=1))  # settled
    assert publisher.ready([job(5.0), job(0.1)], NOW, NOW)  # a burst that never ends: at most 5 s


def worker_site(tmp_path: Path, store_url: str, **settings: object) -> tuple[Site, Path]:
    """A deployed site in worker mode whose last page work ended a minute ago (a quiet spell)."""
    site, www = approved_site(tmp_path, store_url, ENGAGEMENT_PAGE_UPDATES="worker", **settings)
    earlier = site.store.add_job("push", ["index.html"])
    site.store.finish_jobs([earlier])
    with site.store.write() as conn:
        conn.execute(page_jobs.update().where(page_jobs.c.id == earlier)
                     .values(done_at=utcnow() - timedelta(minutes=1)))
    return site, www


def test_a_lone_approval_is_updated_and_pushed_on_the_first_tick(store_url: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site, www = worker_site(tmp_path, store_url)
    config = site.config()
    waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")
    before = site_files(www)
    pushes = record_pushes(monkeypatch)
    assert "page worker" in moderate(config, site.store, waiting.id, "approve", actor="test").rebuild

    done = publisher.work_once(config, site.store, "worker-a")  # the very next tick, no settling

    assert done is not None and done.threads == [thread_key("first-post")] and done.error == ""
    after = site_files(www)
    assert after == site_files(site.build(tmp_path / "fresh"))
    assert pushes == [done.pushed.files] == [sorted(p for p in after if before.get(p) != after[p])]
    assert site.store.pending_jobs() == []
    assert site.store.take_lease("pages", "worker-b", 30)  # released once the work was done
    site.store.close()


def test_a_burst_of_fifty_approvals_is_at_most_two_updates_and_two_pushes(
        store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Wider windows than the defaults, so that a loaded test machine (a gap in the burst longer
    # than SETTLE, or a burst longer than MAX_WAIT) cannot split it: the rule is what is tested.
    monkeypatch.setattr(publisher, "SETTLE", timedelta(seconds=2))
    monkeypatch.setattr(publisher, "MAX_WAIT", timedelta(minutes=1))
    site, www = worker_site(tmp_path, store_url)
    config = site.config()
    burst = [site.comment(slug, f"Comment {n}", minutes=n + 1, status="pending")
             for n in range(25) for slug in ("first-post", "second-post")]
    from pelican.plugins.engagement.comments import rebuild

    updates: list[list[str]] = []
    real_rebuild = rebuild.rebuild_threads

    def counted(*args: object, **kwargs: object) -> object:
        updates.append(list(args[1]))  # type: ignore[call-overload]
        return real_rebuild(*args, **kwargs)

    monkeypatch.setattr(rebuild, "rebuild_threads", counted)
    pushes = record_pushes(monkeypatch)
    stop, worker_store = threading.Event(), Store.open(site.database_url)

    def work() -> None:  # `engagement worker`'s loop, with its own connections
        while not stop.is_set():
            publisher.work_once(config, worker_store, "worker-a")
            stop.wait(0.05)

    worker = threading.Thread(target=work)
    worker.start()
    try:
        for entry in burst:  # fifty approvals over about two seconds
            moderate(config, site.store, entry.id, "approve", actor="test")
            threading.Event().wait(0.04)
        deadline = time.monotonic() + 30  # bounded
        while site.store.pending_jobs() and time.monotonic() < deadline:
            threading.Event().wait(0.05)
    finally:
        stop.set()
        worker.join()
        worker_store.close()

    assert 1 <= len(updates) <= 2 and 1 <= len(pushes) <= 2, (updates, pushes)
    assert site.store.pending_jobs() == []
    assert site_files(www) == site_files(site.build(tmp_path / "fresh"))
    site.store.close()


def slow_shell(tmp_path: Path) -> Path:
    """A stand-in remote shell for rsync: logs each connection, waits $STANDIN_DELAY seconds (a
    slow link), then runs the remote rsync here (its first argument is the host name)."""
    script = tmp_path / "slow-ssh"
    script.write_text(f'#!/bin/sh\necho connected >> {tmp_path / "connections.log"}\n'
                      'sleep "${STANDIN_DELAY:-0}"\nshift\nexec "$@"\n', "utf-8")
    script.chmod(0o755)
    return script


def test_a_push_slower_than_the_lease_is_not_redone_by_a_second_worker(
        store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lease lasts 1.2 s here, the push 3 s: the holder's heartbeat keeps it, so the second
    worker (looking every 50 ms) never takes it over and pushes the same files again."""
    monkeypatch.setenv("RSYNC_RSH", str(slow_shell(tmp_path)))
    www = tmp_path / "www"
    site = make_site(tmp_path, store_url, ENGAGEMENT_PAGE_UPDATES="worker", ENGAGEMENT_DEPLOY_ON_APPROVE=True,
                     ENGAGEMENT_DEPLOY_TARGET=f"stand-in-host:{www}")
    config = site.config()
    deploy.deploy_all(site.build(), config.engagement)
    waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")
    moderate(config, site.store, waiting.id, "approve", actor="test")
    (tmp_path / "connections.log").unlink()
    monkeypatch.setenv("STANDIN_DELAY", "3")
    outcomes: dict[str, list[object]] = {"worker-a": [], "worker-b": []}

    deadline = time.monotonic() + 30  # bounded, however the workers behave

    def work(holder: str, store: Store) -> None:
        while time.monotonic() < deadline:
            outcomes[holder].append(publisher.work_once(config, store, holder, lease_seconds=1.2))
            if not store.pending_jobs():
                return
            threading.Event().wait(0.05)

    run_workers(site.database_url, list(outcomes), work)

    assert (tmp_path / "connections.log").read_text("utf-8").splitlines() == ["connected"]  # one push
    pushed = [done for done in outcomes["worker-a"] + outcomes["worker-b"] if done and done.pushed.files]
    assert len(pushed) == 1 and pushed[0].pushed.error == ""
    assert None in outcomes["worker-a"] + outcomes["worker-b"]  # the other worker did look, and wait
    assert site.store.pending_jobs() == []
    assert site_files(www) == site_files(site.build(tmp_path / "fresh"))
    site.store.close()


def test_worker_once_says_what_it_did_to_the_pages(store_url: str, tmp_path: Path) -> None:
    site, www = worker_site(tmp_path, store_url)
    waiting = site.comment("first-post", "Approve me", minutes=3, status="pending")
    moderate(site.config(), site.store, waiting.id, "approve", actor="test")
    settings = settings_file(site)

    done = CliRunner().invoke(main, ["worker", "--once", "--settings", str(settings)])
    idle = CliRunner().invoke(main, ["worker", "--once", "--settings", str(settings)])

    assert done.exit_code == 0, done.output
    assert f"pages: refreshed 1 thread(s): {thread_key('first-post')}" in done.output
    assert "pages: pushed " in done.output and "file(s) (1 job(s)): done" in done.output
    assert idle.exit_code == 0 and "pages:" not in idle.output  # nothing to do, nothing said
    assert site_files(www) == site_files(site.build(tmp_path / "fresh"))
    site.store.close()
