"""The case galleries: every case from every article, side by side, filterable without JavaScript.

A Pelican generator (added through ``get_generators``) collects the cases the articles carry
(:mod:`engagement.embeds`) and writes, under ``ENGAGEMENT_GALLERY_PATH``:

- ``cases/`` — all cases, beauties and beasts in two columns;
- ``cases/brand/<brand>/``, ``cases/platform/<platform>/``, ``cases/verdict/<verdict>/`` — one page
  per facet value (so each brand has a page, and filtering is a link, not a script);
- ``…/by-response-time/`` under each of those — the same cases, fastest reply first.

A gallery card is the article's own card (taken from the rendered article, so ``{static}`` links
and theme overrides match), with its ids prefixed so several cards can share a page, and a link
back to the card in its article. The generator also copies the embed images into
``OUTPUT_PATH/engagement/media`` (the plugin's CSS and script are copied by :mod:`engagement.assets`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag
from pelican.generators import Generator

from engagement.build import state
from engagement.embeds.cases import Case, slugify
from engagement.embeds.markdown_ext import CASES_KEY

logger = logging.getLogger(__name__)

CONTEXT_KEY = "ENGAGEMENT_GALLERY"
FACETS = (("brand", "Brand"), ("platform", "Platform"), ("verdict", "Verdict"))
VERDICT_LABELS = {"beauty": "Beauties", "beast": "Beasts", "": "Rated and unjudged"}
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class GalleryCase:
    """One case as the gallery shows it."""

    case: Case
    article: Any
    position: int  # order across the site: newest article first, then order within the article

    @property
    def url(self) -> str:
        return f"{self.article.url}#{self.case.anchor}"

    @property
    def brand_slug(self) -> str:
        return slugify(self.case.brand)

    def facet(self, name: str) -> str:
        if name == "verdict":
            return self.case.verdict
        value = getattr(self.case, name)
        return value or NOT_RECORDED

    @property
    def sort_key(self) -> tuple[int, int, int]:
        seconds = self.case.response_seconds
        return (seconds is None, seconds or 0, self.position)


@dataclass(frozen=True)
class Listing:
    """One gallery page: a set of cases in one order, at one URL."""

    title: str
    path: str  # folder, relative to the site root, ending in "/"
    items: tuple[GalleryCase, ...]
    facet: str = ""
    value: str = ""
    by_response_time: bool = False

    @property
    def save_as(self) -> str:
        return self.path + "index.html"

    @property
    def base(self) -> str:
        """The folder of this listing's default order (without ``by-response-time/``)."""
        return self.path.removesuffix("by-response-time/")

    def columns(self) -> list[tuple[str, str, list[GalleryCase]]]:
        """(label, verdict, items) for each verdict present: beauties beside beasts."""
        columns = []
        for verdict, label in VERDICT_LABELS.items():
            items = [item for item in self.items if item.case.verdict == verdict]
            if items:
                columns.append((label, verdict or "other", items))
        return columns


def gallery_cards(cases: list[GalleryCase], siteurl: str) -> dict[str, str]:
    """``case URL → card HTML`` taken from each rendered article (parsed once per article), ids
    prefixed so cards from many articles can share a page."""
    cards: dict[str, str] = {}
    soups: dict[int, BeautifulSoup] = {}
    for item in cases:
        key = id(item.article)
        if key not in soups:
            soups[key] = BeautifulSoup(item.article.get_content(siteurl), "html.parser")
        figure = soups[key].find(id=item.case.anchor)
        cards[item.url] = _prefixed(figure, "g-" + slugify(item.article.slug) + "-") if figure else ""
    return cards


def _prefixed(figure: Tag, prefix: str) -> str:
    for element in [figure, *figure.find_all(True)]:
        if element.get("id"):
            element["id"] = prefix + element["id"]
        if element.get("data-engagement-lightbox"):
            element["data-engagement-lightbox"] = prefix + element["data-engagement-lightbox"]
    return str(figure)


def collect(articles: Iterable[Any]) -> list[GalleryCase]:
    """Every case of every published article, newest article first (Pelican's order)."""
    found = []
    for article in articles:
        for case in getattr(article, CASES_KEY, None) or []:
            found.append(GalleryCase(case, article, len(found)))
    return found


def _listing_pair(title: str, path: str, items: list[GalleryCase], facet: str = "",
                  value: str = "") -> list[Listing]:
    fastest = sorted(items, key=lambda item: item.sort_key)
    return [Listing(title, path, tuple(items), facet, value),
            Listing(f"{title}, fastest reply first", path + "by-response-time/", tuple(fastest), facet,
                    value, by_response_time=True)]


def facet_values(cases: list[GalleryCase], facet: str) -> list[tuple[str, str, int]]:
    """(value, slug, count) of one facet, by name."""
    counts: dict[str, int] = {}
    for item in cases:
        value = item.facet(facet)
        if value:
            counts[value] = counts.get(value, 0) + 1
    return [(value, slugify(value), count)
            for value, count in sorted(counts.items(), key=lambda pair: pair[0].lower())]


def listings(cases: list[GalleryCase], root: str) -> list[Listing]:
    """Every gallery page: the whole gallery and one page per facet value, each in two orders."""
    pages = _listing_pair("All cases", root, cases)
    for facet, label in FACETS:
        for value, slug, _count in facet_values(cases, facet):
            items = [item for item in cases if item.facet(facet) == value]
            shown = VERDICT_LABELS.get(value, value) if facet == "verdict" else value
            pages += _listing_pair(f"{label}: {shown}", f"{root}{facet}/{slug}/", items, facet, value)
    return pages


class CaseGalleryGenerator(Generator):
    """Writes the gallery pages and copies the plugin's static files (see the module docstring)."""

    def generate_context(self) -> None:
        ours = state(self.settings).settings
        self.cases = collect(self.context.get("articles") or [])
        self.root = ours.GALLERY_PATH.strip("/") + "/"
        if ours.GALLERY:
            self.context[CONTEXT_KEY] = {"url": self.root, "count": len(self.cases)}

    def generate_output(self, writer: Any) -> None:
        from engagement.embeds.render import library

        library(self.settings).copy_media(self.output_path)
        if not state(self.settings).settings.GALLERY:
            return
        pages = listings(self.cases, self.root)
        facets = {facet: facet_values(self.cases, facet) for facet, _label in FACETS}
        siteurl = self.settings.get("SITEURL", "")
        cards = gallery_cards(self.cases, siteurl)
        template = self.get_template("engagement/gallery")
        for page in pages:
            writer.write_file(
                page.save_as, template, self.context,
                relative_urls=self.settings.get("RELATIVE_URLS"), url=page.path,
                listing=page, facets=facets, facet_labels=dict(FACETS), cards=cards,
                verdict_labels=VERDICT_LABELS, gallery_root=self.root, page_name=page.path,
                total=len(self.cases),
            )
        logger.info("engagement: wrote %d case gallery pages for %d cases", len(pages), len(self.cases))


def get_generators(_pelican: Any) -> type[Generator]:
    """``get_generators`` handler."""
    return CaseGalleryGenerator
