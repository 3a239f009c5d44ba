"""WordPress post HTML → Markdown, with every URL coming out exactly as it went in.

``markdownify`` escapes Markdown's special characters in text, which is right for prose but breaks
URLs: ``https://twitter.com/Acme_Support/status/…`` would become ``Acme\\_Support``, a different
link to every tool that reads the file as text and no embed card for the site's card extension.
So every URL in the HTML (in text and in attributes) is swapped for an inert token before the
conversion and put back, decoded but otherwise byte for byte, afterwards.
"""

from __future__ import annotations

import html
import re
import secrets

from markdownify import markdownify

from pelican.plugins.engagement.importers.shortcodes import expand
from pelican.tools.pelican_import import decode_wp_content

#: WordPress's own markers (read more, page breaks) and block-editor comments: nothing to show.
_WORDPRESS_MARKERS = re.compile(r"<!--\s*(?:more|nextpage|noteaser|/?wp:)[^>]*?-->", re.I)
_URL = re.compile(r"""https?://[^\s<>"'\[\]]+""", re.I)
#: Punctuation that ends a sentence rather than the URL it follows.
_TRAILING = ".,;:!?"


def to_markdown(wordpress_html: str) -> str:
    """WordPress post HTML (with its implicit paragraphs and shortcodes) as Markdown."""
    return convert(expand(wordpress_html).content)


def convert(wordpress_html: str) -> str:
    """The HTML-to-Markdown step alone (shortcodes already expanded)."""
    cleaned = _WORDPRESS_MARKERS.sub("", wordpress_html)
    protected, urls = _protect_urls(decode_wp_content(cleaned))
    converted = markdownify(protected, heading_style="ATX", bullets="-")
    converted = re.sub(r"^[ \t]+$", "", converted, flags=re.M)  # blank lines left by empty <br>s
    converted = re.sub(r"\n{3,}", "\n\n", converted).strip() + "\n"
    for token, url in urls.items():
        converted = converted.replace(token, url)
    return converted


def _url_end(url: str) -> int:
    """Where a URL found in running text really ends (not at the sentence's full stop, nor at a
    closing parenthesis that belongs to the prose)."""
    end = len(url)
    while end:
        last = url[end - 1]
        unbalanced = last == ")" and url[:end].count("(") < url[:end].count(")")
        if last not in _TRAILING and not unbalanced:
            break
        end -= 1
    return end


def _protect_urls(markup: str) -> tuple[str, dict[str, str]]:
    """``markup`` with each URL replaced by a token markdownify leaves alone; token → URL."""
    nonce = secrets.token_hex(6)
    tokens: dict[str, str] = {}
    by_url: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        end = _url_end(found)
        url = html.unescape(found[:end])
        token = by_url.get(url)
        if token is None:
            token = by_url[url] = f"engurl{nonce}n{len(by_url)}x"
            tokens[token] = url
        return token + found[end:]

    return _URL.sub(swap, markup), tokens
