"""The HTML pages readers download, minified as ``hugo --minify`` does (``ENGAGEMENT_MINIFY_HTML``).

Every page Pelican writes through its writer (articles, pages, lists, the gallery's) is rewritten
in place when ``content_written`` reports it, and every page the plugin writes itself (extra
comment pages, and every page the fast update after an approval splices) is minified after the
splice (:mod:`.comments.write`). Because minifying is idempotent and keeps the HTML comments, the
fast update splices between the same ``<!--engagement:…-->`` markers in a minified page, and the
result is byte for byte what a full build writes.

minify-html (Rust) with only its spec-compliant choices, and these kept on purpose:

- every HTML comment: the fast update's markers and the TrackBack RDF that trackback clients find
  by a regular expression (authors' own comments are few and small);
- closing tags and the ``<html>``/``<head>`` opening tags: a parser that does not apply HTML's
  optional-tag rules (Python's ``html.parser``, which the tests, ``engagement check`` and other
  tools use) would nest the page wrongly without them;
- inline CSS and JavaScript as written: the pages have almost none (the theme's style and script
  files are minified by :mod:`.assets`), and JSON-LD is not JavaScript.

``<pre>``, ``<textarea>`` and script contents are never touched by minify-html; attribute values
are left unquoted only where HTML allows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.files import write_file

#: File suffixes of the pages minified; feeds, JSON and other templates' outputs stay as written.
HTML_SUFFIXES = (".html", ".htm")

OPTIONS: dict[str, bool] = {
    "keep_comments": True,
    "keep_closing_tags": True,
    "keep_html_and_head_opening_tags": True,
    "minify_css": False,
    "minify_js": False,
}


#: A marked fragment: its opening marker, its content, its closing marker (the same kind and key).
_MARKED = re.compile(r"(<!--engagement:([a-z]+):(.*?)-->)(.*?)(<!--/engagement:\2:\3-->)", re.S)
#: What stands for every fragment's content while the rest of the page is minified.
_PLACEHOLDER = "engagement-fragment"
#: Minified alone, a fragment is wrapped in this inline element, which keeps one space at its edges.
_WRAP = ("<span>", "</span>")


def _settled(text: str) -> str:
    """minify-html applied until nothing changes: a single pass is not idempotent next to comments
    (whitespace that one pass collapses to a space beside a marker, the next pass removes)."""
    from minify_html import minify

    while (minified := minify(text, **OPTIONS)) != text:
        text = minified
    return text


def _fragment(content: str) -> str:
    """One marked fragment's content minified on its own (leading and trailing space kept as one)."""
    if not content:
        return content
    wrapped = _settled(f"{_WRAP[0]}{content}{_WRAP[1]}")
    if wrapped.startswith(_WRAP[0]) and wrapped.endswith(_WRAP[1]):
        return wrapped[len(_WRAP[0]):-len(_WRAP[1])]
    return _settled(content)


def minify_html(text: str) -> str:
    """A page minified with :data:`OPTIONS`, each marked fragment on its own; idempotent.

    The fast update puts new fragments between the markers of an already minified page. For it to
    give what a full build gives, the page around the markers must be minified the same whatever
    the fragments hold (minify-html decides about the spaces beside a comment from what follows
    it): the page is minified with a fixed placeholder in each fragment's place, and each fragment
    by itself.
    """
    fragments: list[str] = []

    def cut(match: re.Match[str]) -> str:
        fragments.append(match.group(4))
        return f"{match.group(1)}{_PLACEHOLDER}{match.group(5)}"

    skeleton = _settled(_MARKED.sub(cut, text))
    minified = iter([_fragment(content) for content in fragments])
    return _MARKED.sub(lambda match: f"{match.group(1)}{next(minified)}{match.group(5)}", skeleton)


def published_html(text: str, *, minify: bool) -> str:
    """What readers get for a page's ``text``: the text itself, or its minified form."""
    return minify_html(text) if minify else text


def minify_file(path: Path) -> bool:
    """Rewrite the page at ``path`` minified; False when it already was (nothing written)."""
    text = path.read_text("utf-8")
    minified = minify_html(text)
    if minified == text:
        return False
    write_file(path, minified)
    return True


def page_written(path: str, context: Mapping[str, Any]) -> None:
    """``content_written``: minify the page Pelican has just written, when the setting is on.

    Runs before ``finalized``, so the comment pages derived from an article's page there, and the
    page index's fast updates later, start from the minified page.
    """
    from pelican.plugins.engagement.build import STATE_KEY

    build = context.get(STATE_KEY)
    if build is None or not build.settings.MINIFY_HTML or not path.endswith(HTML_SUFFIXES):
        return
    minify_file(Path(path))
