"""The data layer, on a real SQLite file and (when configured) a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pelican.plugins.engagement.store import NewEntry, Store, StoreError, dedupe_key
from pelican.plugins.engagement.store.schema import metadata
from sqlalchemy import inspect


def comment(thread: str = "2024/01/a/", **fields: object) -> NewEntry:
    values: dict[str, object] = {"author_name": "Ann", "body_source": "Hi", "body_html": "<p>Hi</p>"}
    values.update(fields)
    return NewEntry(thread=thread, **values)  # type: ignore[arg-type]


def test_added_entry_is_readable_from_a_new_connection(store: Store, store_url: str) -> None:
    entry = store.add(comment(author_email="ann@example.org"))
    other = Store.open(store_url, run_migrations=False)
    try:
        again = other.require(entry.id)
    finally:
        other.close()
    assert again.author_email == "ann@example.org"
    assert again.status == "pending"
    assert again.created_at.tzinfo is not None


def test_migrations_create_the_tables_the_schema_describes(store: Store) -> None:
    inspector = inspect(store.engine)
    for table in metadata.sorted_tables:
        stored = {c["name"] for c in inspector.get_columns(table.name)}
        assert stored == {c.name for c in table.columns}, table.name


def test_reply_must_be_in_the_same_thread(store: Store) -> None:
    parent = store.add(comment("t/one/"))
    with pytest.raises(StoreError, match="not in this thread"):
        store.add(comment("t/two/", parent_id=parent.id))


def test_approval_sets_time_and_is_logged(store: Store) -> None:
    entry = store.add(comment())
    approved = store.set_status(entry.id, "approved", actor="cli")
    assert approved.approved_at is not None
    assert [row["action"] for row in store.moderation_history(entry.id)] == ["approved"]
    assert store.approved_counts() == {"2024/01/a/": 1}


def test_add_or_update_keeps_one_row_per_key(store: Store) -> None:
    key = dedupe_key("https://a.example/post", "https://b.example/article")
    first, created = store.add_or_update(comment(kind="webmention", dedupe_key=key, title="v1"))
    second, created_again = store.add_or_update(comment(kind="webmention", dedupe_key=key, title="v2"))
    assert (created, created_again) == (True, False)
    assert second.id == first.id and second.title == "v2"
    assert len(store.list(kind="webmention")) == 1


def test_forget_removes_every_entry_of_an_address(store: Store) -> None:
    store.add(comment(author_email="Ann@Example.org"))
    store.add(comment(author_email="bob@example.org"))
    removed = store.forget("ann@example.org", actor="cli")
    assert len(removed) == 1
    assert [e.author_email for e in store.list()] == ["bob@example.org"]


def test_rate_limit_admits_exactly_the_limit(store: Store) -> None:
    now = datetime.now(UTC)
    admitted = [store.admit("client:x", 3, 60, now=now) for _ in range(5)]
    assert admitted == [True, True, True, False, False]
    assert store.admit("client:x", 3, 60, now=now + timedelta(seconds=61))


def test_export_then_import_adds_nothing_twice(store: Store, tmp_path) -> None:
    parent = store.add(comment())
    store.add(comment(parent_id=parent.id, author_email="c@example.org"))
    document = store.export()
    target = Store.open(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    try:
        assert target.import_(document) == (2, 0)
        assert target.import_(document) == (0, 2)
        child = next(e for e in target.list() if e.parent_id is not None)
        assert target.require(child.parent_id).uuid == parent.uuid
    finally:
        target.close()


def test_public_export_has_no_email(store: Store) -> None:
    store.add(comment(author_email="secret@example.org", ip_hash="abc"))
    document = store.export(private=False)
    assert "secret@example.org" not in str(document)
    assert "ip_hash" not in document["entries"][0]


def test_secret_key_is_generated_once(store: Store, store_url: str) -> None:
    key = store.secret_key()
    other = Store.open(store_url, run_migrations=False)
    try:
        assert other.secret_key() == key and len(key) == 64
    finally:
        other.close()


def test_schema_revision_constant_is_the_migration_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from pelican.plugins.engagement.store.engine import MIGRATIONS
    from pelican.plugins.engagement.store.schema import SCHEMA_REVISION

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_REVISION]


def test_migrate_trusts_the_recorded_revision(tmp_path) -> None:
    """A database that says it is current is not touched (no Alembic run, no table created)."""
    from pelican.plugins.engagement.store import create_store_engine, migrate
    from pelican.plugins.engagement.store.schema import SCHEMA_REVISION
    from sqlalchemy import text

    engine = create_store_engine(f"sqlite:///{tmp_path / 'current.sqlite3'}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": SCHEMA_REVISION})
        migrate(engine)
        assert inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
