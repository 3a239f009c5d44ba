"""The bulk action (`moderate_many`): one transaction, each affected thread rendered once, both backends."""

from __future__ import annotations

from pathlib import Path

from pelican.plugins.engagement.comments import rebuild
from pelican.plugins.engagement.moderation.actions import moderate_many
from pelican.plugins.engagement.store import Entry

from tests.comments.helpers import Site, make_site, thread_key, tree_bytes
from tests.support.transactions import counted_commits

SLUGS = ("first-post", "second-post")


def queue(site: Site, per_thread: int) -> list[Entry]:
    """``per_thread`` pending comments on each open article, interleaved as readers send them."""
    return [site.comment(slug, f"Waiting {n} on {slug}", minutes=n + 1, status="pending")
            for n in range(per_thread) for slug in SLUGS]


def spy_on_rebuild(monkeypatch) -> list[set[str]]:
    """The real fast update, recording the threads of every call."""
    calls: list[set[str]] = []
    real = rebuild.rebuild_threads

    def recording(config, threads, **options):
        calls.append(set(threads))
        return real(config, threads, **options)

    monkeypatch.setattr(rebuild, "rebuild_threads", recording)
    return calls


def test_bulk_approval_commits_once_and_renders_each_thread_once(
        store_url: str, tmp_path: Path, monkeypatch) -> None:
    site = make_site(tmp_path, store_url)
    site.comment("first-post", "Already shown")
    output = site.build()
    waiting = queue(site, 6)
    calls = spy_on_rebuild(monkeypatch)
    log_before = len(site.store.moderation_history())

    with counted_commits(site.store) as commits:
        outcome = moderate_many(site.config(), site.store, [e.id for e in waiting], "approve", actor="editor")

    assert len(commits) == 1  # status changes and log lines together; the page update writes no row
    assert calls == [{thread_key(slug) for slug in SLUGS}]
    assert outcome.errors == [] and len(outcome.outcomes) == 12
    assert outcome.rebuild.startswith("Pages updated")
    log = site.store.moderation_history()[log_before:]
    assert [(row["entry_id"], row["action"]) for row in log] == [(e.id, "approved") for e in waiting]
    # The fast update after a bulk approval gives the bytes of a full build.
    assert tree_bytes(output) == tree_bytes(site.build(tmp_path / "fresh"))
    site.store.close()


def test_bulk_action_in_worker_mode_queues_one_refresh_job(store_url: str, tmp_path: Path) -> None:
    site = make_site(tmp_path, store_url, ENGAGEMENT_PAGE_UPDATES="worker")
    site.build()
    waiting = queue(site, 5)

    with counted_commits(site.store) as commits:
        moderate_many(site.config(), site.store, [e.id for e in waiting], "approve", actor="editor")

    assert len(commits) == 2  # the batch, then its one job
    [job] = site.store.pending_jobs("refresh")
    assert job.items == sorted(thread_key(slug) for slug in SLUGS)
    site.store.close()


def test_unknown_ids_are_reported_and_only_changed_threads_render(
        store_url: str, tmp_path: Path, monkeypatch) -> None:
    site = make_site(tmp_path, store_url)
    site.build()
    shown = site.comment("second-post", "Already approved")
    waiting = site.comment("first-post", "Waiting", minutes=1, status="pending")
    calls = spy_on_rebuild(monkeypatch)

    outcome = moderate_many(site.config(), site.store, [shown.id, 10**12, waiting.id], "approve",
                            actor="editor")

    assert outcome.errors == [f"no entry with id {10**12}"]
    changed = [(o.entry.id, o.pages_changed) for o in outcome.outcomes]
    assert changed == [(shown.id, False), (waiting.id, True)]
    assert calls == [{thread_key("first-post")}]  # re-approving the shown comment changes no page
    site.store.close()


def test_bulk_delete_removes_shown_entries_and_renders_once(
        store_url: str, tmp_path: Path, monkeypatch) -> None:
    site = make_site(tmp_path, store_url)
    first = site.comment("first-post", "To be removed")
    reply = site.comment("first-post", "A reply that stays", minutes=1, parent=first)
    second = site.comment("second-post", "Also removed", minutes=2)
    output = site.build()
    calls = spy_on_rebuild(monkeypatch)

    outcome = moderate_many(site.config(), site.store, [first.id, second.id], "delete", actor="editor")

    assert calls == [{thread_key(slug) for slug in SLUGS}]
    assert outcome.summary().startswith("2 entries deleted.")
    assert site.store.require(reply.id).parent_id is None
    assert tree_bytes(output) == tree_bytes(site.build(tmp_path / "fresh"))
    site.store.close()
