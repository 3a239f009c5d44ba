"""Shared fixtures. Helpers live in ``tests/support``; each test folder mirrors the package."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import browser as browser_support
from tests.support.sites import build_site

POSTGRES_URL = os.environ.get("ENGAGEMENT_TEST_POSTGRES_URL", "")


@pytest.fixture(autouse=True)
def _pelican_fatal_level_restored() -> Iterator[None]:
    """Pelican keeps ``--fatal`` in a class attribute that every logger (ours too) obeys; a test
    that builds with fatal warnings must not turn the next test's logged errors into exceptions."""
    from pelican.log import FatalLogger

    # Pelican's default, set before and after: a module- or session-scoped fixture may have built
    # with fatal warnings before this function-scoped fixture ran.
    FatalLogger.fatal_lvl = logging.CRITICAL + 1
    yield
    FatalLogger.fatal_lvl = logging.CRITICAL + 1


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site (the seed articles), built once per test session."""
    root = tmp_path_factory.mktemp("seed-site")
    return build_site(root)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session (skipped without Chromium, except in CI)."""
    with browser_support.launch() as instance:
        yield instance


def _postgres_schema_url(base: str) -> Iterator[str]:
    """A fresh PostgreSQL schema per test, dropped afterwards; yields a URL that uses it."""
    from bench.scale_store import postgres_schema

    with postgres_schema(base, prefix="t") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL: a real SQLite file, and PostgreSQL when one is configured."""
    yield from backend_store_url(request.param, tmp_path)


def backend_store_url(kind: str, folder: Path) -> Iterator[str]:
    """A fresh store URL on ``kind`` (sqlite|postgresql), for fixtures of any scope; skips PostgreSQL
    when it is not configured."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'store.sqlite3'}"
        return
    if not POSTGRES_URL:
        # `.ci/run` sets the URL whenever a server answers on 127.0.0.1:5432.
        pytest.skip("PostgreSQL path: set ENGAGEMENT_TEST_POSTGRES_URL to run it")
    yield from _postgres_schema_url(POSTGRES_URL)


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    """An opened, migrated :class:`pelican.plugins.engagement.store.Store` on each backend."""
    from pelican.plugins.engagement.store import Store

    opened = Store.open(store_url)
    try:
        yield opened
    finally:
        opened.close()
