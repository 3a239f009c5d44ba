"""Reader text to safe HTML: the comment Markdown subset, and sanitizing for everything else.

Every piece of reader- or remote-supplied text that ends up in a page goes through this module once,
when it is accepted, and the result is stored (``entries.body_html``). Three entry points:

* :func:`render_comment` — what a reader typed in the comment form (a small Markdown subset).
* :func:`sanitize_html` — HTML that came from elsewhere (an imported comment, a mention's content).
  :func:`sanitize_imported_html` is the same with the few more elements WordPress allowed in
  comments, for the importers only.
* :func:`plain_text_to_html` — text that must be shown as typed (a trackback excerpt).

Markdown is rendered with raw HTML *disabled* (a ``<script>`` typed by a reader stays text) and the
rendered HTML is then cleaned by ``nh3`` with an allow-list, so a gap in one layer is caught by the
other. The sanitizer runs on the rendered HTML, never on the Markdown source (sanitizing source
mangles code samples and quotes).
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

__all__ = [
    "ALLOWED_TAGS",
    "IMPORTED_TAGS",
    "LINK_REL",
    "URL_SCHEMES",
    "plain_text_to_html",
    "render_comment",
    "sanitize_html",
    "sanitize_imported_html",
]

#: The only elements a comment may contain once rendered.
ALLOWED_TAGS = frozenset(
    {"a", "p", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "br"}
)
#: An imported comment may also keep these: WordPress allowed them in comments (``b``, ``i`` and
#: ``strike`` are renamed to ``strong``, ``em`` and ``del``), so an old blog keeps its formatting.
#: Readers' Markdown never produces them.
IMPORTED_TAGS = ALLOWED_TAGS | {"del", "q", "cite", "abbr"}
#: Links may point only here; ``javascript:``, ``data:`` and relative URLs are dropped.
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Reader links earn no ranking (nofollow, ugc) and get no handle on our page nor our address
#: (noreferrer, which implies noopener: HTML's "noreferrer" keyword also sets "noopener").
LINK_REL = "nofollow ugc noreferrer"

def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 keeps relative and empty hrefs (no scheme to check); a reader's link must be absolute."""
    if attribute != "href":
        return value
    scheme = value.split(":", 1)[0].strip().lower() if ":" in value else ""
    return value if scheme in URL_SCHEMES else None


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attribute_filter=_absolute_links_only,
    # Elements whose *content* is dropped too, not just the tag: their text is never meant to show.
    clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
    attributes={"a": {"href"}},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)

_imported_cleaner = nh3.Cleaner(
    tags=set(IMPORTED_TAGS),
    attribute_filter=_absolute_links_only,
    clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
    attributes={"a": {"href"}, "abbr": {"title"}},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)
#: Presentational tags of old comment HTML and their meaning-bearing equivalents.
_RENAMED = {"b": "strong", "i": "em", "strike": "del", "s": "del"}
_OLD_TAG = re.compile(r"<(/?)(b|i|strike|s)(?=[\s/>])", re.IGNORECASE)


def _comment_markdown() -> MarkdownIt:
    """CommonMark minus raw HTML, images, headings, rules and tables; bare URLs become links.

    Headings and rules inside a comment would compete with the page's own outline; images would
    make readers' browsers fetch from anywhere. What is disabled is shown as typed.
    """
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    md.enable("linkify")
    md.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
    # Links must be absolute and safe; markdown-it's own check already refuses javascript: etc.
    md.validateLink = _is_allowed_link  # type: ignore[method-assign]
    return md


def _is_allowed_link(url: str) -> bool:
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return scheme in URL_SCHEMES


_markdown = _comment_markdown()


#: An anchor whose href was refused, as nh3 writes it. Anchors cannot nest (the HTML parser closes
#: an open one first), so the next ``</a>`` is its own.
_BARE_ANCHOR = re.compile(rf'<a rel="{LINK_REL}">(.*?)</a>', re.DOTALL)


def sanitize_html(fragment: str) -> str:
    """Clean an HTML fragment down to the comment allow-list (links get :data:`LINK_REL`).

    A link whose address was refused becomes its plain text: an ``<a>`` without ``href`` may not
    carry ``rel`` (invalid HTML) and would only look clickable.
    """
    return _BARE_ANCHOR.sub(r"\1", _cleaner.clean(fragment)).strip()


def sanitize_imported_html(fragment: str) -> str:
    """:func:`sanitize_html` for comments imported from another system: ``<b>``/``<i>``/``<strike>``
    become ``<strong>``/``<em>``/``<del>``, and ``del``, ``q``, ``cite`` and ``abbr title`` stay.

    The renaming is a plain tag-name substitution ahead of the cleaner: whatever it might get wrong
    in odd markup, nh3 still decides what survives.
    """
    renamed = _OLD_TAG.sub(lambda m: f"<{m.group(1)}{_RENAMED[m.group(2).lower()]}", fragment)
    return _BARE_ANCHOR.sub(r"\1", _imported_cleaner.clean(renamed)).strip()


def render_comment(text: str) -> str:
    """Render what a reader typed (the comment Markdown subset) to sanitized HTML."""
    text = _normalise_newlines(text).strip()
    if not text:
        return ""
    return sanitize_html(_markdown.render(text))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def plain_text_to_html(text: str) -> str:
    """Show text exactly as written: escaped, blank lines as paragraphs, newlines as ``<br>``."""
    text = _normalise_newlines(text).strip()
    if not text:
        return ""
    paragraphs = [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]
    rendered = "".join(
        "<p>" + "<br>\n".join(html.escape(line, quote=False) for line in part.split("\n")) + "</p>\n"
        for part in paragraphs
    )
    return sanitize_html(rendered)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
