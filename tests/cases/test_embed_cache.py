"""Builds with a restored content cache: cards stay right and missing snapshots still fail.

Pelican's cache keeps each article as read, and the plugin keeps each post's card fields in the
same cache folder; neither may hide a changed snapshot or a post that is missing from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pelican.log import LimitFilter

from tests.cases.conftest import article_site, video_snapshot
from tests.support.sites import build_site

URL = "https://www.youtube.com/watch?v=abc"
MISSING = "https://bsky.app/profile/someone.example/post/3kabc"


def _cache(root: Path) -> dict[str, Any]:
    return {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CHECK_MODIFIED_METHOD": "sha256",
            "CACHE_PATH": str(root / "cache")}


def _card_title(output: Path) -> str:
    page = BeautifulSoup((output / "2024/01/post/index.html").read_text("utf-8"), "html.parser")
    return page.find("figure", class_="embed-card").find(class_="embed-title").get_text()


def test_warm_build_keeps_the_card_from_the_cache(tmp_path: Path) -> None:
    content = article_site(tmp_path, URL)
    video_snapshot(content, URL)
    build_site(tmp_path / "cold", content, **_cache(tmp_path))
    assert (tmp_path / "cache" / "engagement_embed_cards").is_file()
    assert _card_title(build_site(tmp_path / "warm", content, **_cache(tmp_path))) == "How we answer"


def test_warm_build_shows_a_refreshed_snapshot_entry(tmp_path: Path) -> None:
    content = article_site(tmp_path, URL)
    video_snapshot(content, URL)
    build_site(tmp_path / "cold", content, **_cache(tmp_path))
    snapshot = json.loads((content / "embeds.json").read_text("utf-8"))
    snapshot["embeds"][URL]["payload"]["title"] = "How we answer now"
    (content / "embeds.json").write_text(json.dumps(snapshot), "utf-8")
    assert _card_title(build_site(tmp_path / "warm", content, **_cache(tmp_path))) == "How we answer now"


def test_warm_build_still_fails_for_a_post_missing_from_the_snapshot(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = article_site(tmp_path, f"{URL}\n\n{MISSING}")
    video_snapshot(content, URL)
    with pytest.raises(RuntimeError):
        build_site(tmp_path / "cold", content, **_cache(tmp_path))
    assert (tmp_path / "cache" / "ArticlesGenerator-Readers").is_file()
    caplog.clear()
    # Pelican drops a warning it has logged before in the same process; a real second build is a
    # new process, so forget the first build's messages.
    LimitFilter._raised_messages.clear()
    with pytest.raises(RuntimeError):
        build_site(tmp_path / "warm", content, **_cache(tmp_path))
    assert any(f"post.md:9: embed {MISSING}" in message for message in caplog.messages)
