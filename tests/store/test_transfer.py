"""Importing an export in multi-row batches: ids, replies and odd records, on each backend."""

from __future__ import annotations

import json
from typing import Any

from pelican.plugins.engagement.store import Store
from pelican.plugins.engagement.store.transfer import _Batch


def _record(n: int, parent: int | None = None, **extra: Any) -> dict[str, Any]:
    when = f"2024-01-01T00:{n % 60:02d}:00+00:00"
    return {"id": n, "uuid": f"00000000-0000-0000-0000-{n:012d}", "thread": f"2024/01/t{n % 3}/",
            "parent_id": parent, "kind": "comment", "status": "approved", "author_name": f"R{n}",
            "body_source": "x", "body_html": "<p>x</p>", "created_at": when, "updated_at": when,
            "approved_at": when, **extra}


def _document(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "engagement-export", "version": 1, "entries": records}


def test_replies_across_batches_name_their_parents_new_ids(store: Store, monkeypatch: Any) -> None:
    monkeypatch.setattr(_Batch, "SIZE", 4)
    store.import_(_document([_record(1000)]))  # the ids of the import will not be the export's
    records = [_record(n, parent=n - 1 if n % 2 == 0 else None) for n in range(1, 12)]
    # A reply whose parent comes right before it in the same batch, and one to an earlier batch.
    records.append(_record(12, parent=1))
    assert store.import_(_document(records)) == (12, 0)
    by_uuid = {entry.uuid: entry for entry in store.list()}
    for record in records:
        entry = by_uuid[record["uuid"]]
        expected = records[record["parent_id"] - 1]["uuid"] if record["parent_id"] else None
        assert (store.require(entry.parent_id).uuid if entry.parent_id else None) == expected
    assert store.import_(_document(records)) == (0, 12)


def test_records_with_different_fields_and_a_repeated_uuid(store: Store) -> None:
    records = [_record(1), _record(2, author_url="https://example.org/"), _record(3, by_author=True),
               {**_record(4), "uuid": _record(1)["uuid"]}]
    assert store.import_(_document(records)) == (3, 1)
    stored = sorted(store.list(), key=lambda entry: entry.author_name)
    assert [e.author_url for e in stored] == [None, "https://example.org/", None]
    assert [e.by_author for e in stored] == [False, False, True]


def test_export_text_is_the_export_one_entry_per_line(store: Store) -> None:
    records = [_record(1), _record(2, parent=1, author_email="a@example.org", ip_hash="h", by_author=True),
               _record(3, notify=True, body_source='"quoted" \\ back\nline\ttab \x01 café 😀 </script>',
                       created_at="2024-01-01T09:30:05.0123+00:00", verified_at="2024-02-29T23:59:59+00:00")]
    store.import_(_document(records))
    for private in (True, False):
        text, count = store.export_text(private=private)
        document = json.loads(text)
        expected = store.export(private=private)
        assert count == 3 and len(text.splitlines()) == 7  # header, "entries":[, 3 entries, ], syndications
        assert {**document, "exported_at": ""} == {**expected, "exported_at": ""}
        assert ("a@example.org" in text) is private
    exported = json.loads(store.export_text()[0])["entries"]
    assert exported[0]["created_at"] == "2024-01-01T00:01:00+00:00"
    assert exported[2]["created_at"] == "2024-01-01T09:30:05.012300+00:00"
    assert exported[2]["body_source"] == records[2]["body_source"] and exported[2]["notify"] is True
