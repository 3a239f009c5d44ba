"""Links from the site's pages to the site's own pages and files: root-relative, as Hugo's ``relURL``.

A page links to itself, its stylesheets, its script and its neighbours a few dozen times; written
absolute (``https://example.org/blog/tags/``) each of those links repeats the scheme and host.
Root-relative (``/blog/tags/``) they mean the same to a browser on the site's origin, and pages
that are copied to another host or port (a staging server, ``make run``) keep working.

Only where a browser on one of the site's pages follows the link. What is read elsewhere keeps the
whole address (canonical link, OpenGraph, JSON-LD, feeds, e-mails, JSON files, links on the
endpoint's origin, article content, which the feeds carry): those templates keep ``SITEURL``.

``root_relative`` is a Jinja filter in the build's and the fragment renderer's environments:
``{{ SITEURL|root_relative }}/tags/``, ``{{ thread.feed_url|root_relative }}``.
The theme, which must work without the plugin, computes the same prefix in ``macros.html``.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

__all__ = ["root_relative"]


@lru_cache(maxsize=256)
def root_relative(url: str) -> str:
    """``url`` without its scheme and host: the form a browser on the site's pages reads the same.

    ``https://example.org/blog`` gives ``/blog`` and ``https://example.org`` gives ``""`` (used as
    a prefix: Pelican takes the trailing slash off ``SITEURL``). Unchanged: a URL already relative
    (Pelican's ``RELATIVE_URLS`` gives each page a ``SITEURL`` like ``../..``), and one whose path
    starts with ``//``, which without its host would name another host.
    """
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc or parts.path.startswith("//"):
        return url
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
