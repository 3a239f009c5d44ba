"""The case galleries: every case from every article, side by side, filterable without JavaScript.

A Pelican generator (added through ``get_generators``) collects the cases the articles carry
(:mod:`pelican.plugins.engagement.cases`) and writes, under ``ENGAGEMENT_GALLERY_PATH``:

- ``cases/`` — all cases, beauties and beasts interleaved so neither crowds out the other;
- ``cases/brand/<brand>/``, ``cases/platform/<platform>/``, ``cases/verdict/<verdict>/`` — one page
  per facet value (so each brand has a page, and filtering is a link, not a script);
- ``cases/by-response-time/`` — all cases, fastest reply first. A facet page has one order (the
  article order); when it holds its whole listing, ``cases.js`` sorts it by response time in place
  (``?order=fastest``), so the output does not hold every facet twice.

The response-time overview (:mod:`pelican.plugins.engagement.cases.overview`) of a listing is drawn
once, on the first page of its default order; its other pages and its other order link there.

Long listings are paginated like Pelican's index (``ENGAGEMENT_GALLERY_PER_PAGE`` cases a page;
page 2 of ``cases/`` is ``cases/page/2/``), so the output grows with the number of cases, not with
cases × facets.

A gallery card is the article's own card: the HTML :mod:`pelican.plugins.engagement.cases.render` rendered
once for the article and kept as a string (so ``{static}`` links and theme overrides match and nothing is
parsed again), with its ids prefixed so several cards can share a page, and a link back to the card in its
article. The generator also copies the embed images into ``OUTPUT_PATH/engagement/media`` (the plugin's CSS
and script are copied by :mod:`pelican.plugins.engagement.assets`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from pelican.generators import Generator
from pelican.plugins.engagement.build import state
from pelican.plugins.engagement.cases.blocks import Case, slugify
from pelican.plugins.engagement.cases.goal import Goal
from pelican.plugins.engagement.cases.markdown_ext import CARDS_KEY, CASES_KEY

logger = logging.getLogger(__name__)

CONTEXT_KEY = "ENGAGEMENT_GALLERY"
LATEST_KEY = "ENGAGEMENT_LATEST_CASES"  # the home page's strip of recent cases
FACETS = (("verdict", "Show"), ("brand", "Brand"), ("platform", "Platform"))
VERDICT_LABELS = {"beauty": "Beauties", "beast": "Beasts", "": "Rated"}
ALL_TITLE = "Beauties and beasts"
# The attributes naming an element on the page; prefixed so two articles' cards can share one.
# Our templates escape every attribute value, so a raw '"' only ever ends one.
_ID_ATTRIBUTE = re.compile(r'(\s(?:id|data-engagement-lightbox)=")')


@dataclass(frozen=True)
class GalleryCase:
    """One case as the gallery shows it."""

    case: Case
    article: Any
    position: int  # order across the site: newest article first, then order within the article
    # Plain strings computed once, not per card per page (Pelican recomputes ``article.url`` on
    # every access): the case's URL, the article's title as text, the brand's facet slug.
    url: str = ""
    title: str = ""
    brand_slug: str = ""

    def facet(self, name: str) -> str:
        """The case's value for a facet; "" when the author left it out (such cases are listed
        with every case, never under an "unknown" facet value)."""
        if name == "verdict":
            return self.case.verdict or ("rated" if self.case.rating is not None else "")
        return getattr(self.case, name)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        seconds = self.case.response_seconds
        return (seconds is None, seconds or 0, self.position)


def balanced(items: Iterable[GalleryCase]) -> list[GalleryCase]:
    """Beauties and beasts taken in turn (each keeping its own order), so the grid alternates
    while both last, whatever their counts; cases with neither verdict follow."""
    items = list(items)
    beauties = [item for item in items if item.case.verdict == "beauty"]
    beasts = [item for item in items if item.case.verdict == "beast"]
    others = [item for item in items if item.case.verdict not in ("beauty", "beast")]
    mixed: list[GalleryCase] = []
    for index in range(max(len(beauties), len(beasts))):
        mixed += beauties[index:index + 1] + beasts[index:index + 1]
    return mixed + others


def counted(count: int) -> str:
    """"1 case", "3 cases"."""
    return f"{count} case" if count == 1 else f"{count} cases"


@dataclass(frozen=True)
class Listing:
    """One gallery listing: a set of cases in one order, starting at one URL (maybe many pages)."""

    title: str
    path: str  # folder of the first page, relative to the site root, ending in "/"
    items: tuple[GalleryCase, ...]
    facet: str = ""
    value: str = ""
    by_response_time: bool = False

    @property
    def save_as(self) -> str:
        return self.path + "index.html"

    @property
    def heading(self) -> str:
        """The page's title as a reader says it: "JetBlue — 3 cases"."""
        order = ", fastest reply first" if self.by_response_time else ""
        return f"{self.title} — {counted(len(self.items))}{order}"

    @property
    def base(self) -> str:
        """The folder of this listing's default order (without ``by-response-time/``)."""
        return self.path.removesuffix("by-response-time/")

    def page_path(self, number: int) -> str:
        """Folder of page ``number`` (1-based): the listing's own folder, then ``page/N/``."""
        return self.path if number == 1 else f"{self.path}page/{number}/"

    def pages(self, per_page: int) -> list[ListingPage]:
        count = max(1, -(-len(self.items) // per_page))
        return [ListingPage(self, number, count, self.items[(number - 1) * per_page:number * per_page],
                            (number - 1) * per_page)
                for number in range(1, count + 1)]


@dataclass(frozen=True)
class ListingPage:
    """One written page of a :class:`Listing`."""

    listing: Listing
    number: int
    count: int  # how many pages the listing has
    items: tuple[GalleryCase, ...]
    offset: int  # cases on the pages before this one

    @property
    def path(self) -> str:
        return self.listing.page_path(self.number)

    @property
    def save_as(self) -> str:
        return self.path + "index.html"

    @property
    def label(self) -> str:
        """" (page 2 of 5)" for a title, or "" when the listing fits on one page."""
        return f" (page {self.number} of {self.count})" if self.count > 1 else ""

    @property
    def previous_path(self) -> str:
        return self.listing.page_path(self.number - 1) if self.number > 1 else ""

    @property
    def next_path(self) -> str:
        return self.listing.page_path(self.number + 1) if self.number < self.count else ""

    @property
    def complete(self) -> bool:
        """Whether this page shows every case of the site (the script may then filter in place)."""
        return not self.listing.facet and self.count == 1

    @property
    def sortable(self) -> bool:
        """A facet page holding its whole listing: the script orders it in place (facets have no
        generated fastest-first pages)."""
        return bool(self.listing.facet) and self.count == 1


def gallery_cards(cases: list[GalleryCase], siteurl: str) -> dict[str, str]:
    """``case URL → card HTML``: each article's own rendered card, links resolved and ids prefixed
    so cards from many articles can share a page."""
    cards: dict[str, str] = {}
    for item in cases:
        card = (getattr(item.article, CARDS_KEY, None) or {}).get(item.case.anchor, "")
        if card:
            card = item.article._update_content(card, siteurl)  # {static}/{filename} links
            card = _ID_ATTRIBUTE.sub(r"\1" + "g-" + slugify(item.article.slug) + "-", card)
        cards[item.url] = card
    return cards


def collect(articles: Iterable[Any]) -> list[GalleryCase]:
    """Every case of every published article, newest article first (Pelican's order)."""
    found = []
    for article in articles:
        cases = getattr(article, CASES_KEY, None) or []
        if not cases:
            continue
        url, title = article.url, Markup(article.title).striptags()
        for case in cases:
            found.append(GalleryCase(case, article, len(found), f"{url}#{case.anchor}", title,
                                     slugify(case.brand)))
    return found


def _listing_pair(title: str, path: str, items: list[GalleryCase]) -> list[Listing]:
    fastest = sorted(items, key=lambda item: item.sort_key)
    return [Listing(title, path, tuple(balanced(items))),
            Listing(title, path + "by-response-time/", tuple(fastest), by_response_time=True)]


def facet_values(cases: list[GalleryCase], facet: str) -> list[tuple[str, str, int]]:
    """(value, slug, count) of one facet, by name."""
    counts: dict[str, int] = {}
    for item in cases:
        value = item.facet(facet)
        if value:
            counts[value] = counts.get(value, 0) + 1
    order = list(VERDICT_LABELS) if facet == "verdict" else []
    return [(value, slugify(value), count)
            for value, count in sorted(counts.items(), key=lambda pair: (
                order.index(pair[0]) if pair[0] in order else len(order), pair[0].lower()))]


def facet_label(facet: str, value: str) -> str:
    """What a facet value is called on the page: "Beauties" for the verdict beauty, else itself."""
    return VERDICT_LABELS.get("" if value == "rated" else value, value) if facet == "verdict" else value


def listings(cases: list[GalleryCase], root: str) -> list[Listing]:
    """Every gallery page: the whole gallery in two orders, and one page per facet value in the
    article order (the script orders a facet page that holds its whole listing)."""
    pages = _listing_pair(ALL_TITLE, root, cases)
    for facet, _label in FACETS:
        for value, slug, _count in facet_values(cases, facet):
            items = [item for item in cases if item.facet(facet) == value]
            pages.append(Listing(facet_label(facet, value), f"{root}{facet}/{slug}/", tuple(balanced(items)),
                                 facet, value))
    return pages


class ItemRenderer:
    """``gallery_item(item)`` in ``gallery.html``: a case's list item, rendered once.

    The same case shows on the all-cases page (in two orders) and its brand, platform and verdict
    pages; its ``gallery_card.html`` (still a theme's to override) is rendered once per
    ``SITEURL`` (which differs only by folder depth with ``RELATIVE_URLS``) and reused.
    """

    def __init__(self, template: Any) -> None:
        self.template = template
        self.rendered: dict[tuple[int, str], Markup] = {}

    @pass_context
    def __call__(self, context: Context, item: GalleryCase) -> Markup:
        key = (item.position, str(context.get("SITEURL", "")))
        if key not in self.rendered:
            self.rendered[key] = Markup(self.template.render({**context.get_all(), "item": item}))
        return self.rendered[key]


class CaseGalleryGenerator(Generator):
    """Writes the gallery pages and copies the plugin's static files (see the module docstring)."""

    def generate_context(self) -> None:
        ours = state(self.settings).settings
        self.cases = collect(self.context.get("articles") or [])
        self.root = ours.GALLERY_PATH.strip("/") + "/"
        self.context[LATEST_KEY] = latest(self.cases)
        if ours.GALLERY:
            self.context[CONTEXT_KEY] = {"url": self.root, "count": len(self.cases)}

    def generate_output(self, writer: Any) -> None:
        from pelican.plugins.engagement.cases import overview
        from pelican.plugins.engagement.cases.render import library

        library(self.settings).copy_media(self.output_path)
        ours = state(self.settings).settings
        if not ours.GALLERY:
            return
        goal = Goal.from_settings(ours)
        facets = {facet: facet_values(self.cases, facet) for facet, _label in FACETS}
        cards = gallery_cards(self.cases, self.settings.get("SITEURL", ""))
        template = self.get_template("engagement/gallery")
        gallery_item = ItemRenderer(self.get_template("engagement/gallery_card"))
        written = 0
        charts: dict[str, overview.Overview] = {}
        for listing in listings(self.cases, self.root):
            # Both orders of a listing hold the same cases, so they share one chart; only the
            # first page of the default order draws it (a chart of 2,000 cases is ~0.7 MB of
            # HTML and most of the gallery's render time), the other pages link to it.
            if listing.base not in charts:
                charts[listing.base] = overview.build(listing.items, goal)
            chart = charts[listing.base]
            for page in listing.pages(ours.GALLERY_PER_PAGE):
                drawn = bool(chart.dots) and page.number == 1 and not listing.by_response_time
                writer.write_file(
                    page.save_as, template, self.context,
                    relative_urls=self.settings.get("RELATIVE_URLS"), url=page.path,
                    listing=listing, gallery_page=page, facets=facets, facet_labels=dict(FACETS),
                    facet_label=facet_label, counted=counted, cards=cards, gallery_item=gallery_item,
                    gallery_root=self.root, page_name=page.path, total=len(self.cases),
                    overview=chart if drawn else None,
                    overview_url=listing.base if chart.dots and not drawn else "", ENGAGEMENT_GOAL=goal,
                )
                written += 1
        logger.info("engagement: wrote %d case gallery pages for %d cases", written, len(self.cases))


def latest(cases: list[GalleryCase], count: int = 4) -> list[GalleryCase]:
    """The home page's strip: the newest cases, beauties and beasts in turn (``count`` at most)."""
    return balanced(cases)[:count]


def get_generators(_pelican: Any) -> type[Generator]:
    """``get_generators`` handler."""
    return CaseGalleryGenerator
