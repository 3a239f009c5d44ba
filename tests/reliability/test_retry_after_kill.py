"""A retry after SIGKILL between the commit and the answer finds the first answer, not a second slot.

The server (gunicorn, master and workers) dies after committing a comment and before sending its
``201``; the client sees only a broken connection and sends the comment again, with the same
``Idempotency-Key``, to the restarted server on the same store: ``201`` with the stored comment's
id, and still one comment. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests
from pelican.plugins.engagement.store import Store

from tests.conftest import backend_store_url
from tests.reliability.gunicorn import gunicorn, write_settings
from tests.support.endpoint import comment_fields
from tests.support.sites import REPO


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url_for_kill(request: pytest.FixtureRequest, tmp_path: Path):
    yield from backend_store_url(request.param, tmp_path)


def test_retry_after_a_kill_between_commit_and_answer_gets_the_stored_comment(
        built_site, store_url_for_kill: str, tmp_path: Path) -> None:
    settings = write_settings(tmp_path, built_site, store_url_for_kill)
    key = f'"{uuid.uuid4()}"'
    headers = {"Idempotency-Key": key}
    with gunicorn(settings, workers=1, app="tests.reliability.kill_after_commit:app",
                  args=("--pythonpath", str(REPO))) as dying:
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{dying.url}/api/comments", json=comment_fields(), headers=headers, timeout=30)
        assert dying.process is not None
        assert dying.process.wait(timeout=10) == -9  # killed, not stopped
    store = Store.open(store_url_for_kill, run_migrations=False)
    try:
        [committed] = store.list()  # the answer was lost, the comment was not
        with gunicorn(settings, workers=1) as restarted:
            again = requests.post(f"{restarted.url}/api/comments", json=comment_fields(), headers=headers,
                                  timeout=30)
        assert again.status_code == 201
        assert again.json()["id"] == committed.id and again.json()["body_html"] == committed.body_html
        assert [entry.id for entry in store.list()] == [committed.id]
    finally:
        store.close()
