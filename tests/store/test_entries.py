"""Moderating many entries at once: one transaction, one log line per entry, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.store import Entry, NewEntry, Store, StoreError
from pelican.plugins.engagement.store import entries as entries_module

from tests.support.transactions import counted_commits


def comment(store: Store, thread: str = "2024/01/a/", parent: Entry | None = None) -> Entry:
    return store.add(NewEntry(thread=thread, author_name="Ann", body_source="Hi", body_html="<p>Hi</p>",
                              parent_id=parent.id if parent else None))


def test_batch_status_change_is_one_transaction_with_a_log_line_per_entry(store: Store) -> None:
    added = [comment(store, f"2024/01/t{n % 5}/") for n in range(40)]
    ids = [entry.id for entry in reversed(added)]  # the moderator's order, not the ids' order
    log_before = len(store.moderation_history())

    with counted_commits(store) as commits:
        changed, missing = store.set_status_many(ids, "approved", actor="editor")

    assert len(commits) == 1
    assert missing == []
    assert [after.id for _before, after in changed] == ids
    assert {before.status for before, _after in changed} == {"pending"}
    assert {after.status for _before, after in changed} == {"approved"}
    assert all(after.approved_at is not None for _before, after in changed)
    assert {store.require(i).status for i in ids} == {"approved"}
    log = store.moderation_history()[log_before:]
    assert [(row["entry_id"], row["action"], row["actor"]) for row in log] == [
        (i, "approved", "editor") for i in ids]


def test_unknown_ids_are_reported_and_the_others_still_change(store: Store) -> None:
    known = comment(store)
    changed, missing = store.set_status_many([2**40, known.id, known.id + 1000, known.id], "spam",
                                             actor="editor")
    assert [after.id for _before, after in changed] == [known.id]  # a repeated id counts once
    assert missing == [2**40, known.id + 1000]  # beyond the id column: no row, not a database error
    assert store.require(known.id).status == "spam"
    assert [row["entry_id"] for row in store.moderation_history()] == [known.id]


def test_a_failing_log_write_undoes_the_whole_batch(store: Store, monkeypatch) -> None:
    added = [comment(store) for _ in range(3)]

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(entries_module, "record_actions", broken)
    with pytest.raises(RuntimeError):
        store.set_status_many([e.id for e in added], "approved", actor="editor")
    assert {store.require(e.id).status for e in added} == {"pending"}


def test_batches_longer_than_one_in_list_work(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(entries_module, "ID_CHUNK", 4)
    added = [comment(store) for _ in range(11)]
    changed, missing = store.set_status_many([e.id for e in added], "rejected", actor="editor")
    assert len(changed) == 11 and not missing
    assert {store.require(e.id).status for e in added} == {"rejected"}


def test_unknown_status_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="unknown status"):
        store.set_status_many([1], "published", actor="editor")


def test_single_status_change_still_refuses_an_unknown_id(store: Store) -> None:
    with pytest.raises(StoreError, match="no entry with id 99"):
        store.set_status(99, "approved", actor="editor")


def test_batch_delete_moves_replies_to_the_nearest_remaining_ancestor(store: Store) -> None:
    root = comment(store)
    middle = comment(store, parent=root)
    lower = comment(store, parent=middle)
    leaf = comment(store, parent=lower)
    sibling = comment(store, parent=middle)

    with counted_commits(store) as commits:
        removed, missing = store.delete_many([lower.id, 2**40, middle.id], actor="editor")

    assert len(commits) == 1
    assert [entry.id for entry in removed] == [lower.id, middle.id] and missing == [2**40]
    assert store.get(middle.id) is None and store.get(lower.id) is None
    assert store.require(leaf.id).parent_id == root.id
    assert store.require(sibling.id).parent_id == root.id
    log = store.moderation_history()
    assert [(row["entry_id"], row["action"]) for row in log] == [(lower.id, "delete"), (middle.id, "delete")]


def test_deleting_a_whole_chain_leaves_its_replies_at_the_top(store: Store) -> None:
    top = comment(store)
    reply = comment(store, parent=top)
    answer = comment(store, parent=reply)
    store.delete_many([reply.id, top.id], actor="editor")
    assert store.require(answer.id).parent_id is None
