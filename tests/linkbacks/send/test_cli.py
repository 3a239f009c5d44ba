"""`engagement send` and `engagement worker` as a user runs them, with a settings file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pelican.plugins.engagement.cli import main
from pelican.plugins.engagement.settings import load_site
from pelican.plugins.engagement.store import NewEntry, Store, dedupe_key
from werkzeug.wrappers import Response

from tests.linkbacks.conftest import OPEN_KEY, linking_page, write_site
from tests.support.sites import REPO, THEME, build_site, write_article


def _settings_file(root: Path) -> Path:
    """A site settings file: the repository's pelicanconf.py pointed at a folder of our own."""
    path = root / "pelicanconf.py"
    path.write_text(
        f"exec(open({str(REPO / 'pelicanconf.py')!r}).read())\n"
        f"PATH = {str(root / 'content')!r}\nOUTPUT_PATH = {str(root / 'output')!r}\n"
        f"THEME = {str(THEME)!r}\nENGAGEMENT_DATABASE_URL = 'sqlite:///engagement.sqlite3'\n"
        "ENGAGEMENT_ARCHIVE_PATH = ''\nENGAGEMENT_ALLOWED_PRIVATE_HOSTS = ['127.0.0.1']\n",
        "utf-8",
    )
    return path


def test_send_dry_run_then_send_then_nothing_new(tmp_path, peer):
    peer.page("/t", '<html><head><link rel="webmention" href="/e"></head><body></body></html>')
    peer.route("/e", lambda r: Response("ok", status=202))
    write_article(tmp_path / "content" / "articles", "post", f"See [this]({peer.url}/t).")
    settings = _settings_file(tmp_path)
    config = load_site(settings)
    build_site(tmp_path, tmp_path / "content", ENGAGEMENT_ARCHIVE_PATH="",
               ENGAGEMENT_DATABASE_URL=config.database_url)
    runner = CliRunner()
    dry = runner.invoke(main, ["send", "--dry-run", "--settings", str(settings)])
    assert dry.exit_code == 0, dry.output
    assert f"-> {peer.url}/t" in dry.output and "1 notification(s) would be sent" in dry.output
    assert peer.hits("/e") == 0
    sent = runner.invoke(main, ["send", "--settings", str(settings)])
    assert "1 sent" in sent.output and peer.hits("/e") == 1
    again = runner.invoke(main, ["send", "--settings", str(settings)])
    assert "0 sent" in again.output and peer.hits("/e") == 1


def test_send_before_a_build_explains(tmp_path):
    (tmp_path / "content").mkdir()
    result = CliRunner().invoke(main, ["send", "--settings", str(_settings_file(tmp_path))])
    assert result.exit_code == 1 and "build the site first" in result.output


def test_worker_once_verifies_the_queue(tmp_path, peer):
    settings = write_site(tmp_path, "http://127.0.0.1:8000")
    config = load_site(settings)
    source = peer.page("/post", linking_page(f"http://127.0.0.1:8000/{OPEN_KEY}"))
    store = Store.open(config.database_url)
    entry = store.add(NewEntry(thread=OPEN_KEY, kind="webmention", source_url=source,
                               verification="queued", dedupe_key=dedupe_key("linkback", OPEN_KEY, source)))
    store.close()
    result = CliRunner().invoke(main, ["worker", "--once", "--settings", str(settings)])
    assert result.exit_code == 0, result.output
    assert f"entry {entry.id} verified" in result.output
