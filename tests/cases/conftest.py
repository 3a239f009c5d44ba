"""Fixtures for the embed tests: a running stand-in platform, and site builds that point at it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cases.standin import StandIn
from tests.support.servers import serve_wsgi
from tests.support.sites import site_settings, write_article


@pytest.fixture
def standin() -> Iterator[tuple[str, StandIn]]:
    """A stand-in oEmbed provider and Mastodon instance on 127.0.0.1; yields (base URL, app)."""
    app = StandIn()
    with serve_wsgi(app) as base:
        yield base, app


def fetch_settings(base: str, **overrides: Any) -> dict[str, Any]:
    """Settings that let a build fetch from the stand-in (loopback allowed, provider registered)."""
    settings: dict[str, Any] = {
        "ENGAGEMENT_EMBEDS_FETCH": True,
        "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"],
        "ENGAGEMENT_EMBEDS_PROVIDERS": {"http://127.0.0.1:*/posts/*": f"{base}/oembed"},
        "ENGAGEMENT_FETCH_TIMEOUT": 1.0,
    }
    settings.update(overrides)
    return settings


def build_lenient(root: Path, content: Path, **overrides: Any) -> Path:
    """Build without ``--fatal``: warnings are logged and the build goes on (a local preview)."""
    from pelican import Pelican
    from pelican.log import FatalLogger

    previous = FatalLogger.fatal_lvl
    FatalLogger.fatal_lvl = logging.CRITICAL + 1
    try:
        settings = site_settings(root, content, **overrides)
        Pelican(settings).run()
    finally:
        FatalLogger.fatal_lvl = previous
    return Path(settings["OUTPUT_PATH"])


def article_site(root: Path, body: str) -> Path:
    """A content folder with one article (``2024/01/post/``) whose text is ``body``."""
    content = root / "content"
    write_article(content / "articles", "post", body)
    return content


THUMB = "https://i.ytimg.com/vi/abc/hq.jpg"


def video_snapshot(content: Path, url: str) -> None:
    """A committed snapshot holding one YouTube video (and its thumbnail) for ``url``."""
    from tests.cases.standin import PNG

    (content / "embeds-media").mkdir(parents=True, exist_ok=True)
    (content / "embeds-media" / "thumb.png").write_bytes(PNG)
    (content / "embeds.json").write_text(json.dumps({"version": 1, "embeds": {url: {
        "fetched_at": "2024-01-01T00:00:00+00:00", "source": "oembed", "platform": "YouTube",
        "endpoint": "https://www.youtube.com/oembed", "media": {THUMB: "thumb.png"},
        "payload": {"type": "video", "version": "1.0", "title": "How we answer", "author_name": "Acme",
                    "author_url": "https://www.youtube.com/@acme", "thumbnail_url": THUMB,
                    "html": '<iframe src="https://www.youtube.com/embed/abc"></iframe>'}}}}), "utf-8")
