"""A real site built from a settings file, so the CLI, the endpoint and the build share it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.sites import REPO, THEME, build_site, write_article

THREAD = "2024/01/talk-back/"


@dataclass(frozen=True)
class CliSite:
    root: Path
    settings_file: Path
    output: Path


def write_settings_file(root: Path, content: Path) -> Path:
    """A settings file that is the repository's pelicanconf.py with the test site's paths."""
    path = root / "sitesettings.py"
    path.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"PATH = {str(content)!r}\n"
        f"OUTPUT_PATH = {str(root / 'output')!r}\n"
        f"CACHE_PATH = {str(root / 'cache')!r}\n"
        f"THEME = {str(THEME)!r}\n"
        f"ENGAGEMENT_DATABASE_URL = {'sqlite:///' + str(root / 'engagement.sqlite3')!r}\n"
        "ENGAGEMENT_EMBEDS_FETCH = False\n"
        "LOAD_CONTENT_CACHE = False\n",
        "utf-8",
    )
    return path


def make_site(root: Path) -> CliSite:
    content = root / "content"
    write_article(content / "articles", "talk-back", "Tell us what you think.")
    settings_file = write_settings_file(root, content)
    output = build_site(root, content)
    return CliSite(root, settings_file, output)


@pytest.fixture(scope="module")
def cli_site(tmp_path_factory: pytest.TempPathFactory) -> CliSite:
    """Shared by a module's tests; each test brings its own store (ENGAGEMENT_DATABASE_URL)."""
    return make_site(tmp_path_factory.mktemp("cli-site"))


@pytest.fixture
def fresh_site(tmp_path: Path) -> CliSite:
    """A site of its own, for tests that look at the pages a moderation action rewrites."""
    return make_site(tmp_path)
