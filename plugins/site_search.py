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


def pagefind_command(output_path: str | Path) -> list[str]:
    """Pagefind through the Python package's launcher (``python -m pagefind``), so the binary that
    runs is the one pinned in pyproject.toml, never a download."""
    return [sys.executable, "-m", "pagefind", "--site", str(output_path), "--output-subdir", "pagefind"]


def build_index(output_path: str | Path) -> None:
    """Index the built site in ``output_path``; raises :class:`SearchIndexError` on failure."""
    try:
        result = subprocess.run(pagefind_command(output_path), capture_output=True, text=True, timeout=600,
                                check=False)
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
    build_index(pelican.settings["OUTPUT_PATH"])


def register() -> None:
    signals.finalized.connect(index_site)
