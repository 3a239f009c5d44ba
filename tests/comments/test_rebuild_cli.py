"""``engagement rebuild`` on a site built from a settings file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.markup import render_comment
from pelican.plugins.engagement.store import NewEntry, Store

from tests.support.sites import REPO, THEME, build_site, write_article

THREAD = "2024/01/talk-back/"


def _site(root: Path) -> tuple[Path, Path, Store]:
    content = root / "content"
    write_article(content / "articles", "talk-back", "Tell us.")
    database = f"sqlite:///{root / 'engagement.sqlite3'}"
    settings = root / "sitesettings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *  # noqa: F403\n"
        f"PATH = {str(content)!r}\nOUTPUT_PATH = {str(root / 'output')!r}\n"
        f"CACHE_PATH = {str(root / 'cache')!r}\nTHEME = {str(THEME)!r}\n"
        f"ENGAGEMENT_DATABASE_URL = {database!r}\nENGAGEMENT_EMBEDS_FETCH = False\n",
        "utf-8",
    )
    store = Store.open(database)
    output = build_site(root, content, ENGAGEMENT_DATABASE_URL=database)
    return settings, output, store


def test_rebuild_command_updates_the_named_thread(tmp_path: Path) -> None:
    settings, output, store = _site(tmp_path)
    store.add(NewEntry(thread=THREAD, author_name="Ann", body_html=render_comment("Hello"),
                       status="approved"))

    result = CliRunner().invoke(main, ["rebuild", "--thread", THREAD, "--settings", str(settings)])

    assert result.exit_code == 0, result.output
    assert "Updated 1 thread(s)" in result.output
    assert "Hello" in (output / THREAD / "index.html").read_text("utf-8")


def test_rebuild_all_updates_every_thread(tmp_path: Path) -> None:
    settings, output, store = _site(tmp_path)
    store.add(NewEntry(thread=THREAD, author_name="Ann", body_html=render_comment("All"), status="approved"))
    result = CliRunner().invoke(main, ["rebuild", "--all", "--settings", str(settings)])
    assert result.exit_code == 0, result.output
    assert "All" in (output / THREAD / "index.html").read_text("utf-8")


def test_rebuild_needs_threads_or_all(tmp_path: Path) -> None:
    settings, _, _ = _site(tmp_path)
    result = CliRunner().invoke(main, ["rebuild", "--settings", str(settings)])
    assert result.exit_code == 2 and "--thread KEY" in result.output


def test_rebuild_of_an_unknown_thread_fails_with_a_reason(tmp_path: Path) -> None:
    settings, _, _ = _site(tmp_path)
    result = CliRunner().invoke(main, ["rebuild", "--thread", "nope/", "--settings", str(settings)])
    assert result.exit_code == 1
    assert "skipped nope/: not an article of the last build" in result.output
