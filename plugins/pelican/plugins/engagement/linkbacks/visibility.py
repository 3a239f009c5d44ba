"""Is the link to us one a reader can see? Spam sources hide it or bury it in a link farm.

A linkback source that links to the article only inside ``display:none``, ``visibility:hidden``,
a ``hidden`` element, zero-size text, or far off-screen is not a page about the article: it is
built to get a link back from us. Nor is a page whose link is one ``nofollow`` link among dozens to
unrelated hosts. Both are marked spam (kept, recoverable) rather than merely failed.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

#: Inline style declarations that hide an element from readers.
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])"
    r"|(?:left|top|text-indent)\s*:\s*-\d{3,}",
    re.IGNORECASE,
)
#: `.name { … display:none … }` rules in the page's own <style> blocks.
_CLASS_RULE = re.compile(r"\.([A-Za-z_][\w-]*)\s*\{([^}]*)\}")
#: A link farm: at least this many links to at least FARM_HOSTS other hosts.
FARM_LINKS = 40
FARM_HOSTS = 20


def hidden_reason(soup: BeautifulSoup, link: Tag, page_url: str) -> str | None:
    """Why the link to the target is not a real, visible link (None: it is)."""
    hiding_classes = _hiding_classes(soup)
    element: Tag | None = link
    while isinstance(element, Tag) and element.name not in ("body", "html", "[document]"):
        if element.has_attr("hidden") or element.get("aria-hidden") == "true":
            return "the link to the article is inside a hidden element"
        style = element.get("style")
        if isinstance(style, str) and _HIDING_STYLE.search(style):
            return f"the link to the article is hidden by its style ({_HIDING_STYLE.search(style).group(0)})"
        classes = set(element.get("class") or [])
        if classes & hiding_classes:
            return f"the link to the article is hidden by the class {sorted(classes & hiding_classes)[0]}"
        element = element.parent
    return _farm_reason(soup, link, page_url)


def _hiding_classes(soup: BeautifulSoup) -> set[str]:
    found: set[str] = set()
    for style in soup.find_all("style"):
        for name, body in _CLASS_RULE.findall(style.get_text()):
            if _HIDING_STYLE.search(body):
                found.add(name)
    return found


def _farm_reason(soup: BeautifulSoup, link: Tag, page_url: str) -> str | None:
    rel = link.get("rel") or []
    if "nofollow" not in [r.lower() for r in (rel if isinstance(rel, list) else rel.split())]:
        return None
    own = (urlsplit(page_url).hostname or "").lower()
    hosts = []
    for anchor in soup.find_all("a", href=True):
        host = (urlsplit(urljoin(page_url, anchor["href"])).hostname or "").lower()
        if host and host != own:
            hosts.append(host)
    if len(hosts) >= FARM_LINKS and len(set(hosts)) >= FARM_HOSTS:
        return f"a nofollow link among {len(hosts)} links to {len(set(hosts))} other sites (a link farm)"
    return None
