"""Rate limits and the insert in one transaction, and the cheap reads the comment API serves."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.store import NewEntry, RateLimit, RateLimited, Store
from pelican.plugins.engagement.store.schema import rate_events
from sqlalchemy import func, select

THREAD = "2024/01/a/"


def comment(**fields: object) -> NewEntry:
    values: dict[str, object] = {"author_name": "Ann", "body_source": "Hi", "body_html": "<p>Hi</p>"}
    values.update(fields)
    return NewEntry(thread=THREAD, **values)  # type: ignore[arg-type]


def events(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(rate_events)).scalar_one()


def test_add_admitted_stores_exactly_the_limit(store: Store) -> None:
    limits = [RateLimit("client:x", 2, 60), RateLimit("thread:a", 10, 3600)]
    store.add_admitted(comment(), limits)
    store.add_admitted(comment(), limits)
    with pytest.raises(RateLimited) as refused:
        store.add_admitted(comment(), limits)
    assert refused.value.limit.scope == "client:x"
    assert len(store.list()) == 2


def test_refused_entry_leaves_no_event_in_any_limit(store: Store) -> None:
    assert store.admit("thread:b", 1, 3600)  # the thread's only slot is taken
    with pytest.raises(RateLimited) as refused:
        store.add_admitted(comment(), [RateLimit("client:y", 5, 60), RateLimit("thread:b", 1, 3600)])
    assert refused.value.limit.scope == "thread:b"
    assert events(store) == 1  # the client's event was rolled back with the refusal
    assert store.list() == []


def test_zero_limit_is_no_limit(store: Store) -> None:
    for _ in range(3):
        store.add_admitted(comment(), [RateLimit("client:z", 0, 60)])
    assert len(store.list()) == 3
    assert events(store) == 0


def test_thread_version_moves_with_every_visible_change(store: Store) -> None:
    versions = [store.thread_version(THREAD)]
    first = store.add(comment(status="approved"))
    versions.append(store.thread_version(THREAD))
    reply = store.add(comment(status="approved", parent_id=first.id))
    versions.append(store.thread_version(THREAD))
    store.update(reply.id, body_html="<p>edited</p>")
    versions.append(store.thread_version(THREAD))
    store.set_status(first.id, "rejected", actor="test")
    versions.append(store.thread_version(THREAD))
    store.delete(first.id, actor="test")  # not approved any more, but its reply moves up
    versions.append(store.thread_version(THREAD))
    assert len(set(versions)) == len(versions)


def test_thread_version_ignores_pending_entries(store: Store) -> None:
    before = store.thread_version(THREAD)
    store.add(comment())
    assert store.thread_version(THREAD) == before == (0, "", 0)


def test_public_thread_has_only_public_fields_of_approved_comments(store: Store) -> None:
    shown = store.add(comment(status="approved", author_email="ann@example.org", ip_hash="f" * 64))
    store.add(comment(body_html="<p>pending</p>"))
    store.add(comment(status="approved", kind="pingback"))
    [public] = store.public_thread(THREAD)
    assert public == {
        "id": shown.id, "thread": THREAD, "parent": None, "kind": "comment", "author_name": "Ann",
        "author_url": None, "body_html": "<p>Hi</p>", "created_at": shown.created_at.isoformat(),
        "by_author": False,
    }


def test_public_thread_marks_the_authors_reply(store: Store) -> None:
    asked = store.add(comment(status="approved"))
    store.add(comment(status="approved", parent_id=asked.id, author_name="Site Author", by_author=True))
    assert [(c["parent"], c["by_author"]) for c in store.public_thread(THREAD)] == [
        (None, False), (asked.id, True)]
