"""Internal links and anchors: does every URL into the site name a file, and every ``#x`` an id?

A URL is internal when it is relative, root-relative, or starts with the site's own URL; it is
resolved the way a browser resolves it against the page, then mapped to the output folder the way a
static web server does (``/a/`` serves ``a/index.html``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from pelican.plugins.engagement.check.pages import PageCache, Reference
from pelican.plugins.engagement.check.report import Problem

#: Schemes that name no document: nothing to check offline.
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "sms:", "geo:", "xmpp:")
#: Stand-in origin for a site checked without its URL: relative links still resolve against it.
LOCAL_ORIGIN = "http://site.invalid"


@dataclass(frozen=True)
class Target:
    """Where an internal URL lands: a file of the output (or none) and the fragment it asks for."""

    path: str | None
    fragment: str


class LinkResolver:
    """Maps URLs found in the output to files in it."""

    def __init__(self, root: Path, site_url: str = "", ignore: Iterable[str] = ()) -> None:
        self.root = root
        self.base = (site_url.rstrip("/") or LOCAL_ORIGIN) + "/"
        self.ignore = tuple(prefix for prefix in ignore if prefix)

    def page_url(self, path: str) -> str:
        return urljoin(self.base, path.removesuffix("index.html"))

    def absolute(self, url: str, page_path: str) -> str | None:
        """The absolute URL of ``url`` as written in ``page_path``; None when it names no document."""
        if not url or url.lower().startswith(SKIPPED_SCHEMES):
            return None
        return urljoin(self.page_url(page_path), url)

    def is_internal(self, absolute: str) -> bool:
        return absolute.startswith(self.base) or absolute + "/" == self.base

    def is_ignored(self, absolute: str) -> bool:
        return absolute.startswith(self.ignore) if self.ignore else False

    def target(self, absolute: str) -> Target:
        parts = urlsplit(absolute)
        relative = unquote(parts.path)[len(urlsplit(self.base).path):]
        fragment = unquote(parts.fragment)
        if relative == "" or relative.endswith("/"):
            candidates = [relative + "index.html"]
        else:  # a folder without its slash: static servers redirect to the slash
            candidates = [relative, relative + "/index.html"]
        for candidate in candidates:
            if (self.root / candidate).is_file():
                return Target(candidate, fragment)
        return Target(None, fragment)


def _anchor_exists(pages: PageCache, target: Target) -> bool:
    # "#top" and an empty fragment scroll to the top of any document (HTML, "scroll to the fragment").
    if not target.fragment or target.fragment.lower() == "top":
        return True
    if not target.path or not target.path.endswith(".html"):
        return True
    return target.fragment in pages.get(target.path).anchors


def check_reference(
    resolver: LinkResolver, pages: PageCache, page_path: str, reference: Reference
) -> Problem | None:
    """A problem when an internal reference points at a missing file or a missing anchor."""
    absolute = resolver.absolute(reference.url, page_path)
    if absolute is None or not resolver.is_internal(absolute) or resolver.is_ignored(absolute):
        return None
    target = resolver.target(absolute)
    if target.path is None:
        return Problem(page_path, reference.line, "link",
                       f"<{reference.tag}> points to {reference.url}, which is not in the output",
                       target=reference.url)
    if not _anchor_exists(pages, target):
        return Problem(page_path, reference.line, "anchor",
                       f"{reference.url}: no element with id {target.fragment!r} in {target.path}",
                       target=reference.url)
    return None


def external_urls(resolver: LinkResolver, page_path: str, references: Iterable[Reference]
                  ) -> dict[str, Reference]:
    """External http(s) URLs of one page (fragment dropped), for the optional external check."""
    found: dict[str, Reference] = {}
    for reference in references:
        absolute = resolver.absolute(reference.url, page_path)
        if (absolute is None or resolver.is_internal(absolute) or resolver.is_ignored(absolute)
                or not absolute.startswith(("http://", "https://"))):
            continue
        found.setdefault(absolute.split("#", 1)[0], reference)
    return found
