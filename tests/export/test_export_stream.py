"""`engagement export` streamed by the database driver: the same document as the store's own Python
encoding, byte for byte, on SQLite and PostgreSQL; one snapshot even when read in two halves; and
no SQLAlchemy loaded on the way."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from pelican.plugins.engagement import export_sql, export_stream
from pelican.plugins.engagement.store import Entry, NewEntry, Store, StoreError
from pelican.plugins.engagement.store.schema import SCHEMA_REVISION

from tests.store.test_transfer import _document, _record

#: Text the encoders must agree on: quotes, backslashes, control characters (COPY's CSV quote and
#: delimiter among them), a line break, a tab, non-ASCII and an astral character, markup.
AWKWARD = '"quoted" \\ back\nline\ttab \x01 \x02 \x1f café 😀 </script> \u2028'


def _fill(store: Store, count: int = 5) -> None:
    records = [_record(1), _record(2, parent=1, author_email="a@example.org", ip_hash="h", by_author=True),
               _record(3, notify=True, body_source=AWKWARD, body_html=f"<p>{AWKWARD}</p>",
                       created_at="2024-01-01T09:30:05.0123+00:00", verified_at="2024-02-29T23:59:59+00:00",
                       moderation_reason="held: links", spam_context='{"score": 0.5}')]
    records += [_record(n, updated_at=f"2024-03-01T10:00:00.{n:06d}+00:00") for n in range(4, count + 1)]
    store.import_(_document(records))
    store.record_syndication(thread="2024/01/t1/", platform="mastodon", url="https://social.example/@a/1",
                             remote_id="1", instance="https://social.example")


def _python_encoded(store: Store, private: bool) -> bytes:
    """The export as the store encodes it in Python (``Store.export``), in the file's layout."""
    return export_stream.encoded(store.export(private=private))


def _without_time(document: bytes) -> bytes:
    head, rest = document.split(b"\n", 1)
    return json.dumps({**json.loads(head + b'"entries":[]}'), "exported_at": ""}).encode() + rest


def _streamed(store_url: str, private: bool, **options: Any) -> tuple[bytes, int]:
    opened = export_stream.connect(store_url)
    assert opened is not None, "a current store on a plain URL is read with the driver alone"
    connection, dialect = opened
    try:
        export = export_stream.Export(connection, dialect, private=private, **options)
        return b"".join(export), export.count
    finally:
        connection.close()


@pytest.mark.parametrize("private", [True, False])
def test_the_stream_is_the_python_encoding_byte_for_byte(store: Store, store_url: str, private: bool) -> None:
    _fill(store)
    streamed, count = _streamed(store_url, private)
    assert count == 5
    assert _without_time(streamed) == _without_time(_python_encoded(store, private))
    assert (b"a@example.org" in streamed) is private
    assert store.export_text(private=private)[0].encode().split(b"\n", 1)[1] == streamed.split(b"\n", 1)[1]


def test_a_driver_the_stream_cannot_read_gets_the_python_encoding(
        store: Store, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(store)
    streamed, _count = _streamed(store_url, True)
    monkeypatch.setattr(export_stream, "DRIVERS", {})
    monkeypatch.setattr("pelican.plugins.engagement.store.transfer.DRIVERS", {})
    text, count = store.export_text()
    assert count == 5 and _without_time(text.encode()) == _without_time(streamed)
    monkeypatch.setattr(export_stream, "connect", lambda url: None)  # a URL only SQLAlchemy reads
    target = tmp_path / "backup.json"
    assert export_stream.write_export(store_url, str(target), private=True) == 5
    assert _without_time(target.read_bytes()) == _without_time(streamed)


def test_the_stream_imports_back_exactly(store: Store, store_url: str, tmp_path: Path) -> None:
    _fill(store)
    streamed, _count = _streamed(store_url, True)
    copy_url = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    copy = Store.open(copy_url)
    try:
        assert copy.import_(json.loads(streamed)) == (5, 0)
    finally:
        copy.close()
    again, _count = _streamed(copy_url, True)

    def by_uuid(document: bytes) -> dict[str, dict[str, Any]]:
        records = json.loads(document)["entries"]
        uuids = {record["id"]: record["uuid"] for record in records}
        return {r["uuid"]: {**r, "id": None, "parent_id": uuids.get(r["parent_id"])} for r in records}

    assert by_uuid(again) == by_uuid(streamed)
    # Syndication times keep no zone on SQLite (as Store.export has always written them).
    posts = [[{**post, "created_at": post["created_at"][:26]} for post in json.loads(doc)["syndications"]]
             for doc in (again, streamed)]
    assert posts[0] == posts[1]


def test_a_database_error_midway_is_a_store_error_and_the_old_backup_stays(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = Store.open(url)
    try:
        _fill(store)
    finally:
        store.close()
    target = tmp_path / "backup.json"
    target.write_text("the last good backup", "utf-8")

    def failing(connection: Any, sql: str) -> Any:
        yield b'{"id":1}', 1
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(export_stream, "sqlite_blocks", failing)
    with pytest.raises(StoreError, match="the comment store cannot be used: database is locked"):
        export_stream.write_export(url, str(target), private=True)
    assert target.read_text("utf-8") == "the last good backup"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_empty_store_exports_an_empty_list(store: Store, store_url: str) -> None:
    streamed, count = _streamed(store_url, True)
    assert count == 0 and json.loads(streamed)["entries"] == []
    assert _without_time(streamed) == _without_time(_python_encoded(store, True))


def _reading(store_url: str, monkeypatch: pytest.MonkeyPatch, halves: list[int]) -> Any:
    """An export that reads in two halves from 10 ids on (PostgreSQL), counting the halves."""
    monkeypatch.setattr(export_stream, "SPLIT_AT", 10)
    monkeypatch.setattr(export_stream, "_Background", _counting(export_stream._Background, halves))
    opened = export_stream.connect(store_url)
    assert opened is not None
    connection, dialect = opened
    reopen = (lambda: export_stream._reopen(store_url)) if dialect == "postgresql" else None
    return export_stream.Export(connection, dialect, private=True, reopen=reopen)


def _counting(cls: type, calls: list[int]) -> type:
    class Counted(cls):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any) -> None:
            calls.append(1)
            super().__init__(*args)

    return Counted


def test_one_snapshot_in_one_part_or_two(store: Store, store_url: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A comment committed after the export began is in no part of it (PostgreSQL reads two
    halves over two connections; SQLite one part), and the next export has it."""
    _fill(store, count=40)
    halves: list[int] = []
    export = _reading(store_url, monkeypatch, halves)
    try:
        chunks = iter(export)
        first = next(chunks)  # the snapshot is taken: the header comes after it
        late = store.add(NewEntry(thread="2024/01/t1/", author_name="Late", body_source="late",
                                  body_html="<p>late</p>", status="approved"))
        document = json.loads(first + b"".join(chunks))
    finally:
        export.connection.close()
    assert halves == ([1] if store.dialect == "postgresql" else [])
    ids = [record["id"] for record in document["entries"]]
    assert len(ids) == export.count == 40 and ids == sorted(ids) and late.id not in ids
    again, _count = _streamed(store_url, True)
    assert len(json.loads(again)["entries"]) == 41


def test_the_halves_give_the_same_document_as_one_part(store: Store, store_url: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(store, count=30)
    whole, count = _streamed(store_url, False)
    halves: list[int] = []
    export = _reading(store_url, monkeypatch, halves)
    export.private = False
    try:
        split = b"".join(export)
    finally:
        export.connection.close()
    assert count == export.count == 30
    assert _without_time(split) == _without_time(whole)


def test_no_second_connection_means_one_part(store: Store, store_url: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(store, count=30)
    whole, _count = _streamed(store_url, True)
    halves: list[int] = []
    monkeypatch.setattr(export_stream, "SPLIT_AT", 3)
    monkeypatch.setattr(export_stream, "_Background", _counting(export_stream._Background, halves))
    refused, count = _streamed(store_url, True, reopen=lambda: None)  # the server's connection limit
    assert halves == [] and count == 30
    assert _without_time(refused) == _without_time(whole)


def test_a_store_to_create_or_migrate_goes_through_store_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'store.sqlite3'}"
    assert export_stream.connect(url) is None
    target = tmp_path / "backup.json"
    assert export_stream.write_export(url, str(target), private=True) == 0
    assert json.loads(target.read_text("utf-8"))["entries"] == []
    assert export_stream.connect(url) is not None  # created and migrated by Store.open


def test_a_store_at_another_revision_is_not_read_by_the_driver(store: Store, store_url: str) -> None:
    with store.write() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    assert export_stream.connect(store_url) is None


def test_the_driver_path_knows_the_store_schema() -> None:
    assert tuple(f.name for f in fields(Entry)) == export_sql.FIELDS
    assert export_sql.PRIVATE == Entry.PRIVATE
    assert export_stream.SCHEMA_REVISION == SCHEMA_REVISION


def test_the_export_command_loads_no_sqlalchemy(store: Store, store_url: str, tmp_path: Path) -> None:
    _fill(store)
    settings = tmp_path / "pelicanconf.py"
    settings.write_text(f"ENGAGEMENT_DATABASE_URL = {store_url!r}\n", "utf-8")
    target = tmp_path / "backup.json"
    script = (
        "import sys\n"
        "from pelican.plugins.engagement.cli import main\n"
        f"main(['export', '-o', {str(target)!r}, '--settings', {str(settings)!r}], standalone_mode=False)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'flask'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert len(json.loads(target.read_text("utf-8"))["entries"]) == 5
