"""Which source file each page of the output was built from.

``engagement check`` reads only the built site, so on its own it can name the HTML file and line of
a dead link, not the Markdown the editor has to fix. The build knows every article's and page's
``source_path``: it records ``save_as → source`` here and writes the map to
``OUTPUT_PATH/engagement/sources.json`` at the end, and the check then finds the line by searching
the source for the link it found dead.

Source paths are stored relative to the content folder (Pelican's ``PATH``), so the published file
names no folder of the build machine; the check is told where the content folder is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.build import state
from pelican.plugins.engagement.files import write_file

SOURCES_FILE = "engagement/sources.json"
VERSION = 1
EXTRAS_KEY = "sources"
#: Generator attributes that hold content objects, for articles and for pages (Pelican 4.5+).
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                 "hidden_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def _contents(generator: Any) -> Iterator[Any]:
    for name in CONTENT_LISTS:
        yield from getattr(generator, name, None) or ()


def collect(generator: Any) -> None:
    """``article_generator_finalized`` / ``page_generator_finalized``: note where each page came from."""
    found: dict[str, str] = state(generator.settings).extras.setdefault(EXTRAS_KEY, {})
    content = Path(generator.settings["PATH"]).resolve()
    for item in _contents(generator):
        save_as, source = getattr(item, "save_as", ""), getattr(item, "source_path", None)
        if not save_as or not source:
            continue
        try:
            found[save_as.lstrip("/")] = Path(source).resolve().relative_to(content).as_posix()
        except ValueError:  # a source outside the content folder (a plugin's own): nothing to point at
            continue


def write(pelican: Any) -> None:
    """``finalized``: write the map beside the other files the plugin leaves in the output."""
    found = state(pelican.settings).extras.get(EXTRAS_KEY, {})
    path = Path(pelican.output_path) / SOURCES_FILE
    document = {"version": VERSION, "pages": dict(sorted(found.items()))}
    write_file(path, json.dumps(document, separators=(",", ":")))


def load(output: Path) -> dict[str, str]:
    """The map of the build in ``output``: output path → source path relative to the content folder.

    Empty when the site was built without the plugin (or by an older version of it).
    """
    try:
        document = json.loads((Path(output) / SOURCES_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("version") != VERSION:
        return {}
    pages = document.get("pages")
    return {str(k): str(v) for k, v in pages.items()} if isinstance(pages, dict) else {}


def find_line(source: Path, needles: Iterable[str]) -> int:
    """The first line of ``source`` holding one of ``needles`` (tried in order); 0 when none does.

    A needle must end where a URL or name ends (``#sec`` is not found in ``#second``).
    """
    try:
        lines = source.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    return find_line_in(lines, needles)


def find_line_in(lines: list[str], needles: Iterable[str]) -> int:
    """:func:`find_line` over lines already read (the checker reads each source once)."""
    for needle in needles:
        if not needle:
            continue
        pattern = re.compile(re.escape(needle) + r"(?![\w-])")
        for number, line in enumerate(lines, start=1):
            if pattern.search(line):
                return number
    return 0
