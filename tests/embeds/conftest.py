"""Fixtures for the embed tests: a running stand-in platform, and site builds that point at it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.embeds.standin import StandIn
from tests.support.servers import serve_wsgi
from tests.support.sites import site_settings


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
