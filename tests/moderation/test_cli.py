"""`engagement moderate`, `export` and `forget`, run as a user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.store import NewEntry, Store

from tests.moderation.conftest import THREAD, CliSite
from tests.support.fifo import FifoReader


@pytest.fixture
def run(cli_site: CliSite, store_url: str):
    """Run ``engagement ARGS --settings FILE`` against the test store (ENGAGEMENT_DATABASE_URL)."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(
            main, [*args, "--settings", str(cli_site.settings_file)], input=input,
            env={"ENGAGEMENT_DATABASE_URL": store_url}, catch_exceptions=False,
        )

    return invoke


@pytest.fixture
def db(store_url: str):
    store = Store.open(store_url)
    yield store
    store.close()


def add(db: Store, body: str = "A reader's view", email: str = "ann@example.org", **fields) -> int:
    return db.add(NewEntry(thread=THREAD, author_name="Ann", author_email=email, body_source=body,
                           body_html=f"<p>{body}</p>", **fields)).id


def test_list_shows_the_pending_queue(run, db: Store) -> None:
    pending = add(db, "waiting here")
    add(db, "already out", status="approved")
    result = run("moderate", "list")
    assert result.exit_code == 0
    assert "waiting here" in result.output and "already out" not in result.output
    assert result.output.split()[0] == str(pending)


def test_list_json_filters_by_status(run, db: Store) -> None:
    add(db, "one")
    approved = add(db, "two", status="approved")
    rows = json.loads(run("moderate", "list", "--json", "--status", "approved").output)
    assert [row["id"] for row in rows] == [approved]
    assert rows[0]["author_email"] == "ann@example.org"  # the moderator's view is private


def test_show_prints_entry_and_history(run, db: Store) -> None:
    entry_id = add(db, "look at me")
    db.set_status(entry_id, "rejected", actor="cli")
    result = run("moderate", "show", str(entry_id))
    assert "look at me" in result.output
    assert "rejected by cli" in result.output


@pytest.mark.parametrize(("action", "status"), [("approve", "approved"), ("reject", "rejected"),
                                                 ("spam", "spam")])
def test_actions_set_status_and_log_the_cli(run, db: Store, action: str, status: str) -> None:
    entry_id = add(db)
    result = run("moderate", action, str(entry_id))
    assert result.exit_code == 0, result.output
    assert db.require(entry_id).status == status
    assert db.moderation_history(entry_id)[-1]["actor"] == "cli"


def test_delete_removes_the_entry(run, db: Store) -> None:
    entry_id = add(db)
    assert run("moderate", "delete", str(entry_id)).exit_code == 0
    assert db.get(entry_id) is None


def test_unknown_id_is_a_clear_error(run) -> None:
    result = run("moderate", "approve", "999")
    assert result.exit_code == 1
    assert "no entry with id 999" in result.output


def test_export_is_private_unless_public(run, db: Store, cli_site: CliSite) -> None:
    add(db, email="private@example.org")
    private, public = cli_site.root / "backup.json", cli_site.root / "public.json"
    run("export", "--output", str(private))
    run("export", "--output", str(public), "--public")
    assert "private@example.org" in private.read_text()
    assert private.stat().st_mode & 0o077 == 0
    document = json.loads(public.read_text())
    assert document["format"] == "engagement-export" and len(document["entries"]) == 1
    assert "private@example.org" not in public.read_text()


def test_export_reimports_without_duplicates(run, db: Store, cli_site: CliSite) -> None:
    parent = add(db, status="approved")
    add(db, "a reply", parent_id=parent)
    backup = cli_site.root / "backup.json"
    run("export", "-o", str(backup))
    assert db.import_(json.loads(backup.read_text())) == (0, 2)


def test_export_into_a_named_pipe_writes_through_it(run, db: Store, tmp_path: Path) -> None:
    add(db, "piped")
    pipe = tmp_path / "backup.pipe"
    os.mkfifo(pipe)
    reader = FifoReader(pipe)
    reader.start()
    result = run("export", "--output", str(pipe))
    assert result.exit_code == 0, result.output
    assert json.loads(reader.result())["entries"][0]["body_source"] == "piped"
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_export_through_a_symlink_keeps_the_link(run, db: Store, tmp_path: Path) -> None:
    add(db, "linked")
    real = tmp_path / "real.json"
    real.write_text("old backup", "utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert run("export", "--output", str(link)).exit_code == 0
    assert link.is_symlink() and "linked" in real.read_text("utf-8")


def test_export_to_dash_writes_standard_output(run, db: Store, tmp_path: Path, monkeypatch) -> None:
    add(db, "to stdout")
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run("export", "--output", "-")
    assert json.loads(result.stdout)["entries"][0]["body_source"] == "to stdout"
    assert list(here.iterdir()) == []  # no file named "-"


def test_export_to_a_folder_is_refused_with_a_sentence(run, db: Store, tmp_path: Path) -> None:
    result = run("export", "--output", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.output and "Traceback" not in result.output


def test_forget_deletes_a_persons_comments(run, db: Store) -> None:
    add(db, email="Gone@Example.org")
    kept = add(db, email="stays@example.org")
    result = run("forget", "gone@example.org", "--yes")
    assert "Deleted 1 entries" in result.output
    assert [e.id for e in db.list(status=None)] == [kept]


def test_stats_counts_states_and_rules(run, db: Store) -> None:
    add(db, "held one", moderation_reason="max-links: 3 links (more than 2)")
    add(db, "spam one", status="spam", moderation_reason="disallowed: “viagra” in the text")
    add(db, "plain")
    result = run("moderate", "stats")
    assert result.exit_code == 0, result.output
    pending = next(line for line in result.output.splitlines() if line.startswith("pending"))
    assert pending.split()[1:] == ["2", "2"]
    assert "max-links" in result.output and "disallowed" in result.output
    data = json.loads(run("moderate", "stats", "--json").output)
    assert data["last_7_days"]["rules"]["disallowed"] == {"spam": 1}


def test_bulk_approve_updates_the_pages_once(run, db: Store, monkeypatch) -> None:
    from pelican.plugins.engagement.comments import rebuild

    calls: list[set[str]] = []
    monkeypatch.setattr(rebuild, "rebuild_threads", lambda config, threads: calls.append(set(threads)))
    ids = [add(db, f"entry {n}") for n in range(5)]
    result = run("moderate", "approve", *map(str, ids))
    assert result.exit_code == 0, result.output
    assert calls == [{THREAD}]
    assert {db.require(i).status for i in ids} == {"approved"}
