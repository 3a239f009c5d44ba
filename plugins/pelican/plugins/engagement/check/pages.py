"""Reading the built pages: what each one links to, which anchors it defines, and its images.

Pages are parsed with Python's own HTML parser (through Beautiful Soup) because it reports the line
of every element, so a problem names the line to look at. Validity is judged separately (see
:mod:`pelican.plugins.engagement.check.validity`); here a page only has to be readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from pelican.plugins.engagement.check.report import Problem

#: The attribute an embed card carries when it was rendered without a snapshot entry. The embeds
#: templates set it; the checker fails the build on it, because such a card shows a bare link
#: where the editor expected the post.
MISSING_EMBED_ATTRIBUTE = "data-engagement-embed"
MISSING_EMBED_VALUE = "missing"

#: (tag, attribute) pairs that make the browser load or navigate to a URL.
URL_ATTRIBUTES = (
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
)
SRCSET_TAGS = ("img", "source")
#: ``<meta>`` whose content is a URL that sharing previews fetch: a missing image there is a broken
#: card on every social network the article is shared to.
URL_METAS = frozenset({"og:image", "og:url", "og:audio", "og:video", "twitter:image"})

#: ``<link rel>`` values that announce an endpoint (which answers POSTs, not GETs) or a hint to
#: another origin; they are not pages, so they are not followed.
UNFOLLOWED_RELS = frozenset({
    "webmention", "pingback", "trackback", "preconnect", "dns-prefetch", "me", "micropub",
    "authorization_endpoint", "token_endpoint", "indieauth-metadata", "openid.server",
    "openid.delegate",
})


@dataclass(frozen=True)
class Reference:
    """One URL a page points at, and where."""

    url: str
    line: int
    tag: str


@dataclass
class Page:
    """What the checks need to know about one HTML file."""

    path: str
    anchors: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def _rels(tag: Tag) -> set[str]:
    rel = tag.get("rel") or []
    if isinstance(rel, str):
        rel = rel.split()
    return {value.lower() for value in rel}


def _references(soup: BeautifulSoup) -> list[Reference]:
    found: list[Reference] = []
    for tag_name, attribute in URL_ATTRIBUTES:
        for tag in soup.find_all(tag_name, attrs={attribute: True}):
            if tag_name == "link" and _rels(tag) & UNFOLLOWED_RELS:
                continue
            found.append(Reference(str(tag[attribute]).strip(), tag.sourceline or 0, tag_name))
    for tag in soup.find_all("meta", attrs={"content": True}):
        if str(tag.get("property") or tag.get("name") or "").lower() in URL_METAS:
            found.append(Reference(str(tag["content"]).strip(), tag.sourceline or 0, "meta"))
    for tag_name in SRCSET_TAGS:
        for tag in soup.find_all(tag_name, attrs={"srcset": True}):
            found += [Reference(url, tag.sourceline or 0, tag_name)
                      for url in _srcset_urls(str(tag["srcset"]))]
    return found


def _image_problems(soup: BeautifulSoup, path: str) -> list[Problem]:
    # An empty alt="" is right for a decorative image (WCAG H67); a missing one is never right.
    return [
        Problem(path, img.sourceline or 0, "alt",
                f"image {img.get('src', '(no src)')!s} has no alt attribute", target=str(img.get("src", "")))
        for img in soup.find_all("img")
        if not img.has_attr("alt")
    ]


def _missing_embeds(soup: BeautifulSoup, path: str) -> list[Problem]:
    problems = []
    for tag in soup.find_all(attrs={MISSING_EMBED_ATTRIBUTE: MISSING_EMBED_VALUE}):
        link = tag.find("a", href=True)
        target = link["href"] if link else tag.get("data-url", "an embed")
        problems.append(Problem(
            path, tag.sourceline or 0, "embed",
            f"{target} was rendered without a snapshot entry (run `engagement embeds refresh` "
            "and commit the snapshot, or fix the URL)",
        ))
    return problems


def read_page(root: Path, path: str) -> Page:
    """Parse one HTML file of the output (``path`` relative to ``root``)."""
    soup = BeautifulSoup((root / path).read_bytes(), "html.parser")
    page = Page(path)
    page.anchors = {str(tag["id"]) for tag in soup.find_all(id=True)}
    page.anchors |= {str(tag["name"]) for tag in soup.find_all("a", attrs={"name": True})}
    page.references = _references(soup)
    page.problems = _image_problems(soup, path) + _missing_embeds(soup, path)
    return page


class PageCache:
    """Pages parsed at most once, whether checked in turn or looked up as a link's target."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pages: dict[str, Page] = {}

    def get(self, path: str) -> Page:
        if path not in self._pages:
            self._pages[path] = read_page(self.root, path)
        return self._pages[path]
