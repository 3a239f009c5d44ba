"""Site plugin (not part of the engagement package): the static full-text search index.

When Pelican has written the whole site (``finalized``), Pagefind (PyPI ``pagefind[bin]``, its
binary shipped in the wheel) reads the built pages and writes the index and its search UI into
``OUTPUT_PATH/pagefind/``. Searching then needs no server and sends no request anywhere else:
the search page (``theme/templates/search.html``) loads the UI from our own output. Only what
``theme/templates/article.html`` marks with ``data-pagefind-body`` is indexed (articles, with the
case cards in them; not lists, galleries or comments), and the case cards' ``data-pagefind-filter``
attributes make brand, platform and verdict filters.

Settings (pelicanconf.py): ``SEARCH_INDEX`` (default True) turns indexing off, e.g. for the
test suite's many small builds; ``SEARCH_URL``/``SEARCH_SAVE_AS`` place the search page.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

from pelican import signals

logger = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message carries its own output."""


DEFAULT_GLOB = "**/*.{html}"  # Pagefind's own default: every HTML file of the site
FOLDERS_KEY = "_SITE_SEARCH_ARTICLE_FOLDERS"
ARTICLE_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations")
_GLOB_SPECIAL = set("{}[]*?,!\\")


def pagefind_command(output_path: str | Path, glob: str = DEFAULT_GLOB) -> list[str]:
    """Pagefind through the Python package's launcher (``python -m pagefind``), so the binary that
    runs is the one pinned in pyproject.toml, never a download."""
    return [sys.executable, "-m", "pagefind", "--site", str(output_path), "--output-subdir", "pagefind",
            "--glob", glob]


def html_glob(folders: set[str]) -> str:
    """The files Pagefind reads: only the top-level folders article pages are saved in.

    Only ``article.html`` marks ``data-pagefind-body``, and Pagefind then indexes nothing else, so
    reading the gallery, tag and author pages as well only cost time and memory (at 1,000 articles
    it read 110 MB of HTML to index 31 MB). An article saved at the top level, or a folder name
    a glob would read as a pattern, keeps the default (every file).
    """
    if not folders or "" in folders or any(_GLOB_SPECIAL & set(folder) for folder in folders):
        return DEFAULT_GLOB
    ordered = sorted(folders)
    return (ordered[0] if len(ordered) == 1 else "{" + ",".join(ordered) + "}") + "/**/*.html"


def note_article_folders(generator: Any) -> None:
    """``article_generator_finalized``: the top-level folder of every article's page (its comment
    pages live under the article's own folder)."""
    folders = set()
    for name in ARTICLE_LISTS:
        for article in getattr(generator, name, None) or []:
            first, separator, _rest = str(article.save_as).replace("\\", "/").partition("/")
            folders.add(first if separator else "")
    generator.settings[FOLDERS_KEY] = folders


def build_index(output_path: str | Path, glob: str = DEFAULT_GLOB) -> None:
    """Index the built site in ``output_path``; raises :class:`SearchIndexError` on failure."""
    try:
        result = subprocess.run(pagefind_command(output_path, glob), capture_output=True, text=True,
                                timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"search index: could not run Pagefind: {error}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SearchIndexError("search index: Pagefind failed: " + " / ".join(detail))
    summary = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("Indexed")]
    logger.info("search index: %s", ", ".join(summary) or "written")


def index_site(pelican: Any) -> None:
    """``finalized`` handler."""
    if not pelican.settings.get("SEARCH_INDEX", True):
        return
    folders = pelican.settings.get(FOLDERS_KEY)
    build_index(pelican.settings["OUTPUT_PATH"], DEFAULT_GLOB if folders is None else html_glob(folders))


def register() -> None:
    signals.article_generator_finalized.connect(note_article_folders)
    signals.finalized.connect(index_site)
