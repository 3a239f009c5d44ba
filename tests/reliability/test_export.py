"""Backups under load: `engagement export` while readers post replies and a moderator deletes.

Each export must be one consistent snapshot: valid JSON, every entry complete, every ``parent_id``
pointing at an entry in the same file (deleting a comment re-attaches its replies in the same
transaction, so a torn read would show a reply whose parent is gone).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import fields
from pathlib import Path

import pytest
from pelican.plugins.engagement.store import Entry, NewEntry, Store

from tests.reliability.load import run_clients
from tests.support.endpoint import OPEN

ENGAGEMENT = Path(sys.executable).with_name("engagement")
PARENTS = 20
EXPORTS = 3


def _export(settings_file, output: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEMENT_")}
    done = subprocess.run(
        [str(ENGAGEMENT), "export", "--settings", str(settings_file), "--output", str(output)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(output.read_text("utf-8"))


def _check_snapshot(document: dict) -> int:
    assert document["format"] == "engagement-export" and document["private"] is True
    records = document["entries"]
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids))
    complete = {f.name for f in fields(Entry)}
    for record in records:
        assert set(record) == complete, f"entry {record.get('id')} is incomplete"
        assert record["parent_id"] is None or record["parent_id"] in set(ids), (
            f"entry {record['id']} replies to {record['parent_id']}, which is not in the export")
    return len(records)


@pytest.mark.slow
def test_export_under_load_is_a_consistent_snapshot(served, tmp_path: Path) -> None:
    store = Store.open(served.store_url)
    try:
        parents = [
            store.add(NewEntry(thread=OPEN, author_name=f"Load parent-{i}", body_source="p",
                               body_html="<p>p</p>", status="approved")).id
            for i in range(PARENTS)
        ]
        stop = threading.Event()
        load = threading.Thread(target=run_clients, args=(served.server.url, 8, 10_000), kwargs={
            "stop": stop, "prefix": "reply", "forwarded_for": lambda i: f"192.0.2.{i + 1}",
            "parent_of": lambda i, n: parents[(i + n) % PARENTS],
        })
        deleter = threading.Thread(target=_delete_slowly, args=(store, parents[::2], stop))
        load.start()
        deleter.start()
        sizes = []
        for n in range(EXPORTS):
            time.sleep(0.5)
            sizes.append(_check_snapshot(_export(served.settings_file, tmp_path / f"backup-{n}.json")))
        stop.set()
        load.join(timeout=120)
        deleter.join(timeout=30)
    finally:
        store.close()
    print(f"exports under load: {sizes} entries")
    assert sizes[-1] > PARENTS  # the exports did run while replies were arriving


def _delete_slowly(store: Store, ids: list[int], stop: threading.Event) -> None:
    for entry_id in ids:
        if stop.wait(0.15):
            return
        store.delete(entry_id, actor="test")
