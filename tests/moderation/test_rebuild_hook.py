"""After an approval the pages are updated through the rebuild hook, or the editor is told how."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.store import NewEntry, Store

from tests.moderation.conftest import THREAD, CliSite


def _pending(site: CliSite) -> int:
    store = Store.open(f"sqlite:///{site.root / 'engagement.sqlite3'}")
    try:
        new = NewEntry(thread=THREAD, author_name="Ann", body_source="Hi", body_html="<p>Hi</p>")
        return store.add(new).id
    finally:
        store.close()


def _approve(site: CliSite, entry_id: int) -> str:
    arguments = ["moderate", "approve", str(entry_id), "--settings", str(site.settings_file)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    return result.output


def test_failed_page_update_keeps_the_approval_and_fails_the_command(fresh_site: CliSite) -> None:
    shutil.rmtree(fresh_site.output)
    entry_id = _pending(fresh_site)
    arguments = ["moderate", "approve", str(entry_id), "--settings", str(fresh_site.settings_file)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1
    assert f"Comment {entry_id} approved." in result.output
    assert f"the page of comment {entry_id} was not updated" in result.output
    assert "build the site once" in result.output
    store = Store.open(f"sqlite:///{fresh_site.root / 'engagement.sqlite3'}")
    try:
        assert store.require(entry_id).status == "approved"
    finally:
        store.close()


def test_rebuild_off_says_to_run_it(fresh_site: CliSite) -> None:
    with fresh_site.settings_file.open("a") as handle:
        handle.write("ENGAGEMENT_REBUILD_ON_APPROVE = False\n")
    page = (fresh_site.output / THREAD / "index.html").read_text("utf-8")
    output = _approve(fresh_site, _pending(fresh_site))
    assert "Run `engagement rebuild`" in output
    assert (fresh_site.output / THREAD / "index.html").read_text("utf-8") == page


def test_approving_an_approved_comment_changes_no_page(fresh_site: CliSite) -> None:
    entry_id = _pending(fresh_site)
    _approve(fresh_site, entry_id)
    assert "The pages did not change." in _approve(fresh_site, entry_id)
