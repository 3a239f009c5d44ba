"""``engagement embeds refresh|prune`` against a stand-in platform on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement.cli import main

from tests.support.sites import write_article


@pytest.fixture(autouse=True)
def _not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI runs in its own process, where no earlier build made Pelican's warnings fatal."""
    import logging

    from pelican.log import FatalLogger

    monkeypatch.setattr(FatalLogger, "fatal_lvl", logging.CRITICAL + 1)


def _site(root: Path, base: str, body: str) -> Path:
    write_article(root / "content" / "articles", "post", body)
    settings = root / "pelicanconf.py"
    settings.write_text(
        'PATH = "content"\n'
        'ENGAGEMENT_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]\n'
        f'ENGAGEMENT_EMBEDS_PROVIDERS = {{"http://127.0.0.1:*/posts/*": "{base}/oembed"}}\n',
        "utf-8",
    )
    return settings


def _entries(root: Path) -> dict:
    return json.loads((root / "content" / "embeds.json").read_text("utf-8"))["embeds"]


def test_refresh_fetches_what_the_content_refers_to(tmp_path: Path, standin) -> None:
    base, _app = standin
    case = f"```case\nbrand: B\nverdict: beauty\npost: {base}/@alice/109\n```"
    settings = _site(tmp_path, base, f"{base}/posts/1\n\n{case}")
    result = CliRunner().invoke(main, ["embeds", "refresh", "--settings", str(settings)])
    assert result.exit_code == 0, result.output
    assert set(_entries(tmp_path)) == {f"{base}/posts/1", f"{base}/@alice/109"}
    assert len(list((tmp_path / "content" / "embeds-media").iterdir())) == 1  # one image, shared


def test_refresh_failure_keeps_the_old_copy_and_exits_non_zero(tmp_path: Path, standin) -> None:
    base, _app = standin
    url = f"{base}/posts/gone"
    settings = _site(tmp_path, base, url)
    (tmp_path / "content" / "embeds.json").write_text(json.dumps({"version": 1, "embeds": {url: {
        "fetched_at": "2020-01-01T00:00:00+00:00", "source": "oembed", "platform": "x", "endpoint": "",
        "media": {}, "payload": {"type": "link", "version": "1.0", "title": "Old"}}}}), "utf-8")
    result = CliRunner().invoke(main, ["embeds", "refresh", "--all", "--settings", str(settings)])
    assert result.exit_code == 1
    assert "the post is gone (HTTP 410) (the snapshot keeps its old copy)" in result.output
    assert _entries(tmp_path)[url]["payload"]["title"] == "Old"


def test_prune_drops_unreferenced_posts_and_their_images(tmp_path: Path, standin) -> None:
    base, _app = standin
    settings = _site(tmp_path, base, f"{base}/posts/1")
    runner = CliRunner()
    assert runner.invoke(main, ["embeds", "refresh", "--settings", str(settings)]).exit_code == 0
    write_article(tmp_path / "content" / "articles", "post", "No more embeds.")
    result = runner.invoke(main, ["embeds", "prune", "--settings", str(settings)])
    assert result.exit_code == 0, result.output
    assert _entries(tmp_path) == {}
    assert list((tmp_path / "content" / "embeds-media").iterdir()) == []
