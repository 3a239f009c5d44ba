"""``engagement syndicate`` and ``engagement backfeed`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement.cli import main

from tests.social.standin import APP_PASSWORD, HANDLE, TOKEN
from tests.support.endpoint import SETTINGS_FILE_THREAD, make_site


@pytest.fixture
def settings_file(tmp_path: Path, standin, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ENGAGEMENT_MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("ENGAGEMENT_BLUESKY_APP_PASSWORD", APP_PASSWORD)
    site = make_site(tmp_path)
    with site.settings_file.open("a", encoding="utf-8") as handle:
        handle.write(f"ENGAGEMENT_MASTODON_INSTANCE = {standin.base!r}\n"
                     f"ENGAGEMENT_BLUESKY_HANDLE = {HANDLE!r}\n"
                     f"ENGAGEMENT_BLUESKY_PDS = {standin.base!r}\n"
                     f"ENGAGEMENT_BLUESKY_APPVIEW = {standin.base!r}\n"
                     "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS = ['127.0.0.1']\n")
    return site.settings_file


def test_a_dry_run_shows_each_post(settings_file: Path, standin) -> None:
    result = CliRunner().invoke(main, ["syndicate", "--dry-run", "--thread", SETTINGS_FILE_THREAD,
                                       "--settings", str(settings_file)])
    assert result.exit_code == 0, result.output
    assert result.output.count("would-post") == 2 and "| Talk Back" in result.output
    assert "2 post(s) would be made" in result.output and standin.calls() == 0


def test_an_old_article_is_only_posted_when_named(settings_file: Path, standin) -> None:
    runner = CliRunner()
    idle = runner.invoke(main, ["syndicate", "--settings", str(settings_file)])
    posted = runner.invoke(main, ["syndicate", "--thread", SETTINGS_FILE_THREAD,
                                  "--settings", str(settings_file)])
    assert "0 posted" in idle.output
    assert posted.exit_code == 0, posted.output
    assert "2 posted" in posted.output and len(standin.statuses) == 1


def test_an_unknown_thread_is_a_clear_error(settings_file: Path) -> None:
    result = CliRunner().invoke(main, ["syndicate", "--thread", "2099/01/nope/",
                                       "--settings", str(settings_file)])
    assert result.exit_code == 1 and "not an article of the last build: 2099/01/nope/" in result.output


def test_backfeed_reports_what_it_read(settings_file: Path, standin) -> None:
    runner = CliRunner()
    runner.invoke(main, ["syndicate", "--thread", SETTINGS_FILE_THREAD, "--settings", str(settings_file)])
    standin.add_mastodon_conversation(next(iter(standin.statuses)))
    result = runner.invoke(main, ["backfeed", "--settings", str(settings_file)])
    assert result.exit_code == 0, result.output
    assert "2 post(s) read" in result.output and "0 failed" in result.output


def test_a_dry_run_that_finds_nothing_says_why(settings_file: Path, standin) -> None:
    result = CliRunner().invoke(main, ["syndicate", "--dry-run", "--settings", str(settings_file)])
    assert result.exit_code == 0, result.output
    assert "0 post(s) would be made" in result.output
    assert "within the last 7 day(s)" in result.output and "--thread" in result.output


def test_a_dry_run_without_an_account_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENGAGEMENT_MASTODON_INSTANCE", "ENGAGEMENT_BLUESKY_HANDLE"):
        monkeypatch.delenv(name, raising=False)
    site = make_site(tmp_path)
    result = CliRunner().invoke(main, ["syndicate", "--dry-run", "--thread", SETTINGS_FILE_THREAD,
                                       "--settings", str(site.settings_file)])
    assert result.exit_code == 0, result.output
    assert "No account configured" in result.output and "0 post(s) would be made" in result.output
