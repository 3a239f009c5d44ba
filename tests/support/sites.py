"""Build small real Pelican sites in temporary folders, in-process, with our theme and plugin."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
THEME = REPO / "theme"
CONTENT = REPO / "content"


def write_article(
    folder: Path,
    slug: str,
    body: str = "Some text.",
    *,
    title: str | None = None,
    date: str = "2024-01-02 10:00",
    author: str = "Test Author",
    category: str = "Tests",
    extra: Mapping[str, str] | None = None,
) -> Path:
    """Write one Markdown article with metadata; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"Title: {title or slug.replace('-', ' ').title()}",
        f"Date: {date}",
        f"Author: {author}",
        f"Category: {category}",
        f"Slug: {slug}",
    ]
    lines += [f"{key}: {value}" for key, value in (extra or {}).items()]
    path = folder / f"{slug}.md"
    path.write_text("\n".join(lines) + "\n\n" + textwrap.dedent(body).strip() + "\n", "utf-8")
    return path


def site_settings(root: Path, content: Path, **overrides: Any) -> dict[str, Any]:
    """The repository's pelicanconf.py, pointed at ``content`` and an output under ``root``."""
    from pelican.settings import read_settings

    settings_overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(root / "output"),
        "CACHE_PATH": str(root / "cache"),
        "THEME": str(THEME),
        "ENGAGEMENT_DATABASE_URL": f"sqlite:///{root / 'engagement.sqlite3'}",
        "ENGAGEMENT_EMBEDS_FETCH": False,
        "LOAD_CONTENT_CACHE": False,
        # Pagefind adds most of a second to every build; the search tests turn it back on.
        "SEARCH_INDEX": False,
    }
    settings_overrides.update(overrides)
    return read_settings(str(REPO / "pelicanconf.py"), override=settings_overrides)


def build_site(root: Path, content: Path | None = None, **overrides: Any) -> Path:
    """Build a site in-process (as ``pelican`` would) and return its output folder.

    Warnings are fatal, as in the CI build: a test site that warns is a test failure.
    """
    from pelican import Pelican
    from pelican.log import FatalLogger
    from pelican.log import init as init_logging

    previous = FatalLogger.fatal_lvl
    init_logging(fatal="warnings")
    try:
        settings = site_settings(root, content or CONTENT, **overrides)
        Pelican(settings).run()
    finally:
        # Pelican keeps the fatal level in a class attribute; restore it so code that runs after
        # a build in the same process (an endpoint under test, say) is not turned fatal.
        FatalLogger.fatal_lvl = previous
    return Path(settings["OUTPUT_PATH"])
