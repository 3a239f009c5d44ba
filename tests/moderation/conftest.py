"""A real site built from a settings file, so the CLI, the endpoint and the build share it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.endpoint import SETTINGS_FILE_THREAD as THREAD
from tests.support.endpoint import CliSite, make_site

__all__ = ["THREAD", "CliSite", "cli_site", "fresh_site"]


@pytest.fixture(scope="module")
def cli_site(tmp_path_factory: pytest.TempPathFactory) -> CliSite:
    """Shared by a module's tests; each test brings its own store (ENGAGEMENT_DATABASE_URL)."""
    return make_site(tmp_path_factory.mktemp("cli-site"))


@pytest.fixture
def fresh_site(tmp_path: Path) -> CliSite:
    """A site of its own, for tests that look at the pages a moderation action rewrites."""
    return make_site(tmp_path)
