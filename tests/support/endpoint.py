"""Endpoint test helpers: a tiny real site (built once) and the real endpoint on 127.0.0.1 per test.

Import the fixtures into a conftest.py (`from tests.support.endpoint import built_site, endpoint,
start_endpoint`) to use them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.settings import SiteConfig, from_pelican
from pelican.plugins.engagement.store import Store

from tests.support.servers import serve_wsgi
from tests.support.sites import REPO, THEME, build_site, site_settings, write_article

OPEN = "2024/01/open-thread/"
CLOSED = "2024/01/closed-thread/"
SITEURL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    content: Path
    output: Path
    settings: dict[str, Any]


@dataclass(frozen=True)
class Endpoint:
    url: str
    config: SiteConfig
    store: Store


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Two articles, one open and one with ``Comments: closed``; the build writes the manifest."""
    root = tmp_path_factory.mktemp("endpoint-site")
    content = root / "content"
    write_article(content / "articles", "open-thread", "An article open for comments.")
    write_article(content / "articles", "closed-thread", "No comments here.", extra={"Comments": "closed"})
    output = build_site(root, content)
    return BuiltSite(root, content, output, site_settings(root, content))


def site_config(site: BuiltSite, **engagement: Any) -> SiteConfig:
    """The built site's configuration with some ENGAGEMENT_* settings (names without prefix) changed."""
    pelican = dict(site.settings)
    pelican.update({f"ENGAGEMENT_{name}": value for name, value in engagement.items()})
    return SiteConfig(REPO / "pelicanconf.py", pelican, from_pelican(pelican, environ={}))


@pytest.fixture
def start_endpoint(built_site: BuiltSite, tmp_path: Path) -> Iterator[Callable[..., Endpoint]]:
    """``start(store_url=None, **settings)`` serves a fresh endpoint; all stop after the test."""
    with ExitStack() as stack:

        def start(store_url: str | None = None, **engagement: Any) -> Endpoint:
            engagement.setdefault("DATABASE_URL", store_url or f"sqlite:///{tmp_path / 'endpoint.sqlite3'}")
            # The built site is shared by the session: approvals here must not rewrite its pages.
            engagement.setdefault("REBUILD_ON_APPROVE", False)
            config = site_config(built_site, **engagement)
            store = Store.open(config.database_url)
            stack.callback(store.close)
            url = stack.enter_context(serve_wsgi(create_app(config, store=store)))
            return Endpoint(url, config, store)

        yield start


@pytest.fixture
def endpoint(start_endpoint: Callable[..., Endpoint]) -> Endpoint:
    """The endpoint with the repository's settings (SQLite)."""
    return start_endpoint()


def comment_fields(**changes: str) -> dict[str, str]:
    fields = {"thread": OPEN, "name": "Ann Reader", "email": "ann@example.org", "body": "Nice *post*."}
    fields.update(changes)
    return fields


# --- a site with its own settings file (what the CLI, `engagement serve` and gunicorn read) ----------

SETTINGS_FILE_THREAD = "2024/01/talk-back/"


@dataclass(frozen=True)
class CliSite:
    root: Path
    settings_file: Path
    output: Path


def write_settings_file(root: Path, content: Path) -> Path:
    """A settings file that is the repository's pelicanconf.py with the test site's paths."""
    path = root / "sitesettings.py"
    path.write_text(
        # By path, not `from pelicanconf import *`: Pelican registers every settings file it reads
        # as a module named after the file, so another test's pelicanconf.py could answer.
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(REPO / 'pelicanconf.py')!r}).items()"
        " if k.isupper()})\n"
        f"PATH = {str(content)!r}\n"
        f"OUTPUT_PATH = {str(root / 'output')!r}\n"
        f"CACHE_PATH = {str(root / 'cache')!r}\n"
        f"THEME = {str(THEME)!r}\n"
        f"ENGAGEMENT_DATABASE_URL = {'sqlite:///' + str(root / 'engagement.sqlite3')!r}\n"
        "ENGAGEMENT_EMBEDS_FETCH = False\n"
        "LOAD_CONTENT_CACHE = False\n"
        "SEARCH_INDEX = False\n",
        "utf-8",
    )
    return path


def make_site(root: Path) -> CliSite:
    content = root / "content"
    write_article(content / "articles", "talk-back", "Tell us what you think.")
    settings_file = write_settings_file(root, content)
    output = build_site(root, content)
    return CliSite(root, settings_file, output)
