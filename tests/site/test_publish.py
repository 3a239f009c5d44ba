"""The production settings (publishconf.py) build cleanly with fatal warnings and absolute public URLs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.pages import soup
from tests.support.sites import REPO

PUBLIC = "https://blog.example.net"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("published")
    extra = {
        "CACHE_PATH": str(root / "cache"),
        "LOAD_CONTENT_CACHE": False,
        "ENGAGEMENT_DATABASE_URL": f"sqlite:///{root / 'engagement.sqlite3'}",
        "ENGAGEMENT_EMBEDS_FETCH": False,
    }
    command = [
        sys.executable,
        "-m",
        "pelican",
        "content",
        "-s",
        "publishconf.py",
        "--fatal",
        "warnings",
        "-o",
        str(root / "output"),
    ]
    for name, value in extra.items():
        command += ["-e", f"{name}={json.dumps(value)}"]
    env = {**os.environ, "SITEURL": PUBLIC}
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "output"


def test_production_pages_use_the_public_address(published: Path) -> None:
    article = soup(published, "2013/04/the-now-of-customer-service/index.html")
    assert article.find("link", rel="canonical")["href"] == f"{PUBLIC}/2013/04/the-now-of-customer-service/"
    # Its own files are linked root-relative.
    assert article.find("link", rel="stylesheet")["href"] == "/theme/css/site.css"
    assert json.loads(article.find("script", type="application/ld+json").string)["url"].startswith(PUBLIC)


def test_production_output_never_names_the_development_address(published: Path) -> None:
    files = [*published.rglob("*.html"), *published.rglob("*.xml")]
    leaking = [str(path.relative_to(published)) for path in files if "127.0.0.1" in path.read_text("utf-8")]
    assert leaking == []


def test_production_feeds_are_absolute(published: Path) -> None:
    feed = (published / "feeds/all.atom.xml").read_text("utf-8")
    assert f'href="{PUBLIC}/feeds/all.atom.xml"' in feed
    assert f'<link href="{PUBLIC}/2016/02/beauties-and-beasts-of-social-customer-service/"' in feed
