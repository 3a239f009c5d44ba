"""Where the engagement fragments sit in the output, and how they are replaced in place.

A full build wraps every fragment in markers (``render.marker``) and records, in the page index
(``output/engagement/pages.json``), which output files show which thread. After an approval the
fast path renders the changed fragments and splices them between the same markers; it never has
to run Pelican. Extra comment pages (``…/comments/page/N/``) are always derived from the article's
own page, in the full build and in the fast path alike, so both give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.comments.render import JSON_DUMPS, marker
from pelican.plugins.engagement.files import write_file

INDEX_VERSION = 1
#: Fragment kinds the fast path may find in a page, in the order it replaces them.
SPLICE_KINDS = ("comments", "linkbacks", "count", "syndication", "jsonld")


class SpliceError(Exception):
    """A page does not have the markers the fast path needs (a theme change since the build?)."""


def index_path(output_path: Path) -> Path:
    return Path(output_path) / "engagement" / "pages.json"


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` via a temporary file and a rename; False when unchanged.

    A web server reading the page meanwhile sees the old file or the new one, never half of one
    (:func:`pelican.plugins.engagement.files.write_file`, which leaves devices and pipes intact).
    """
    return write_file(path, text, only_if_changed=True)


def replace_between(text: str, start: str, end: str, replacement: str) -> tuple[str, int]:
    """Replace every ``start…end`` block (markers included) by ``replacement``; (text, count)."""
    parts: list[str] = []
    position = count = 0
    while True:
        begin = text.find(start, position)
        if begin < 0:
            break
        finish = text.find(end, begin + len(start))
        if finish < 0:
            raise SpliceError(f"marker {start} is never closed")
        parts.append(text[position:begin])
        parts.append(replacement)
        position = finish + len(end)
        count += 1
    parts.append(text[position:])
    return "".join(parts), count


@dataclass
class PageIndex:
    """Which output files show which thread's fragments, and what a rebuild must agree with."""

    render: dict[str, Any]
    files: dict[str, set[str]] = field(default_factory=dict)  # thread key -> output paths
    articles: dict[str, str] = field(default_factory=dict)  # thread key -> its article page
    jsonld: dict[str, dict[str, Any]] = field(default_factory=dict)  # theme's base object

    def add(self, key: str, path: str) -> None:
        self.files.setdefault(key, set()).add(path)

    def save(self, output_path: Path) -> None:
        names = sorted({p for paths in self.files.values() for p in paths})
        number = {name: i for i, name in enumerate(names)}
        document = {
            "version": INDEX_VERSION,
            "render": self.render,
            "paths": names,
            "threads": {
                key: {
                    "article": self.articles.get(key),
                    "files": sorted(number[p] for p in self.files.get(key, ())),
                    **({"jsonld": self.jsonld[key]} if key in self.jsonld else {}),
                }
                for key in sorted(set(self.files) | set(self.articles))
            },
        }
        path = index_path(output_path)
        write_atomic(path, json.dumps(document, sort_keys=True, separators=(",", ":")))

    @classmethod
    def load(cls, output_path: Path) -> PageIndex:
        path = index_path(output_path)
        try:
            document = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise SpliceError(f"{path} not found: build the site once (make html) before a rebuild") from None
        if document.get("version") != INDEX_VERSION:
            raise SpliceError(f"{path} was written by another plugin version: run a full build")
        names = document["paths"]
        index = cls(render=document["render"])
        for key, info in document["threads"].items():
            index.files[key] = {names[i] for i in info["files"]}
            if info.get("article"):
                index.articles[key] = info["article"]
            if "jsonld" in info:
                index.jsonld[key] = info["jsonld"]
        return index


def splice_page(text: str, key: str, fragments: Mapping[str, str],
                jsonld: tuple[str, Mapping[str, Any]] | None = None) -> tuple[str, int]:
    """Put ``fragments`` of thread ``key`` into a page's HTML; (new text, fragments replaced).

    ``jsonld`` is (article URL, ``ThreadView.jsonld()``): a theme that merges
    ``article.engagement_jsonld`` into its own JSON-LD script (no markers) gets that script's
    ``commentCount`` and ``comment`` replaced, serialized exactly as Jinja's ``tojson`` does.
    """
    total = 0
    for kind in SPLICE_KINDS:
        if kind in fragments:
            start, end = marker(kind, key)
            text, count = replace_between(text, start, end, fragments[kind])
            total += count
    if jsonld is not None and "jsonld" not in fragments:
        text, count = _merge_inline_jsonld(text, *jsonld)
        total += count
    return text, total


#: The theme's JSON-LD script as written, and as a minified page has it (the value unquoted).
_LD_OPENINGS = ('<script type="application/ld+json">', "<script type=application/ld+json>")


def _next_ld_script(text: str, position: int) -> tuple[int, int]:
    """(start of the next JSON-LD script's opening tag, end of that tag); (-1, -1) when none."""
    found = [(begin, begin + len(opening)) for opening in _LD_OPENINGS
             if (begin := text.find(opening, position)) >= 0]
    return min(found) if found else (-1, -1)


def _merge_inline_jsonld(text: str, url: str, comments: Mapping[str, Any]) -> tuple[str, int]:
    from jinja2.utils import htmlsafe_json_dumps

    position = 0
    while True:
        begin, start = _next_ld_script(text, position)
        if begin < 0:
            break
        finish = text.find("</script>", start)
        if finish < 0:
            break
        position = finish
        try:
            data = json.loads(text[start:finish])
        except ValueError:
            continue
        if not isinstance(data, dict) or "commentCount" not in data:
            continue
        if data.get("@id", data.get("url")) != url:
            continue
        data.update(comments)
        # What the theme's |tojson writes (render.JSON_DUMPS, <>&' escaped), so a full build matches.
        replacement = str(htmlsafe_json_dumps(data, **JSON_DUMPS))
        return text[:start] + replacement + text[finish:], 1
    return text, 0
