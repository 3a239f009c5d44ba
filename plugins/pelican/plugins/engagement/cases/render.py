"""Render case and embed cards into articles and pages, with the site's own templates.

Runs at ``article_generator_finalized`` / ``page_generator_finalized``: by then every file has been
read, and the generator's Jinja environment (the theme first, the plugin's fragments last) exists,
so a theme overrides a card by shipping ``templates/engagement/case.html`` or ``embed.html``.

The Markdown preprocessor left each placeholder as one exact element string of our own making
(:func:`~pelican.plugins.engagement.cases.markdown_ext.slot_html`), so it is replaced as a string: no parse
and re-serialise of the article (that round trip was a fifth of a build and ran again on every cached build).
Each case's rendered card is kept on the content (``engagement_case_cards``, anchor → HTML) so the gallery
reuses it instead of digging it back out of the article.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pelican.plugins.engagement.build import EngagementBuildError, state
from pelican.plugins.engagement.cases.blocks import Case
from pelican.plugins.engagement.cases.goal import Goal
from pelican.plugins.engagement.cases.images import dimensions, site_image
from pelican.plugins.engagement.cases.library import Library
from pelican.plugins.engagement.cases.markdown_ext import (
    CARDS_KEY,
    CASE_SLOT,
    CASES_KEY,
    EMBED_SLOT,
    EMBEDS_KEY,
    GALLERY_SLOT,
    slot_html,
)
from pelican.plugins.engagement.cases.marks import with_sprite

if TYPE_CHECKING:
    from jinja2 import Template

logger = logging.getLogger(__name__)

LIBRARY_KEY = "embeds_library"
CARD_CACHE_NAME = "engagement_embed_cards"
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                 "hidden_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")
# An element that wants the card script (a screenshot lightbox, a click-to-play video).
_NEEDS_SCRIPT = re.compile(r"<[a-zA-Z][^<>]*\sdata-engagement-script[\s=>/]")
_GALLERY_SLOT = re.compile(r'<div ' + GALLERY_SLOT + r'="\d+"></div>')
# Cards showing pictures (a screenshot, an embed's images or video) need case-media.css.
_SHOWS_MEDIA = re.compile(r'class="(?:case-shot|embed-media)[ "]')
#: Where a content keeps the plugin stylesheets its cards need beyond cases.css (names, without .css);
#: engagement/styles.html links them in the page's <head>.
STYLESHEETS_KEY = "engagement_stylesheets"
# A heading with an id (Markdown's toc extension gives every heading one): the section a case is in.
_HEADING_ID = re.compile(r'<h[2-6][^>]*\sid="([^"]+)"')


def library(settings: dict[str, Any]) -> Library:
    """The build's :class:`Library` (one snapshot load and one memo per build).

    Its cards are also kept in Pelican's cache folder when the content cache is on, so a build
    with a restored cache does not read every post's oEmbed HTML again.
    """
    extras = state(settings).extras
    if LIBRARY_KEY not in extras:
        memo = None
        if settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH"):
            from pelican.cache import FileDataCacher

            memo = FileDataCacher(settings, CARD_CACHE_NAME, True, bool(settings.get("LOAD_CONTENT_CACHE")))
        extras[LIBRARY_KEY] = Library(state(settings).settings, settings["PATH"], memo)
    return extras[LIBRARY_KEY]


def _contents(generator: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    for name in CONTENT_LISTS:
        for content in getattr(generator, name, None) or []:
            seen.setdefault(id(content), content)
    return list(seen.values())


def _with_posts(cases: list[Case], books: Library) -> list[Case]:
    return [case.with_post(books.card(case.post, case.source, case.line_of("post"))) if case.post
            else case for case in cases]


def section_of(html: str, slot: str) -> str:
    """The id of the last heading before ``slot`` in ``html`` (the section that tells the case's
    story, which a summary card links to), or "" when no heading with an id precedes it."""
    position = html.find(slot)
    found = _HEADING_ID.findall(html, 0, position) if position > 0 else []
    return found[-1] if found else ""


def _shot_size(case: Case, content: Any, generator: Any) -> tuple[int, int] | None:
    if not case.screenshot:
        return None
    path = site_image(case.screenshot, Path(generator.settings["PATH"]), content.source_path)
    return dimensions(path) if path else None


class Templates:
    """The card templates and their shared context, looked up once per generator (not per article:
    every ``get_template`` checks the file on disk for changes)."""

    def __init__(self, generator: Any) -> None:
        self.env = generator.env
        self._loaded: dict[str, Template] = {}
        ours = state(generator.settings).settings
        self.context = {**generator.context, "ENGAGEMENT": ours, "ENGAGEMENT_GOAL": Goal.from_settings(ours)}
        if ours.GALLERY:
            # The gallery generator fills this in later for the theme; the cards need it now.
            self.context.setdefault("ENGAGEMENT_GALLERY", {"url": ours.GALLERY_PATH.strip("/") + "/"})

    def __getitem__(self, name: str) -> Template:
        """``templates["case"]`` is ``engagement/case.html``, loaded on first use."""
        if name not in self._loaded:
            self._loaded[name] = self.env.get_template(f"engagement/{name}.html")
        return self._loaded[name]


def render_content(content: Any, generator: Any, books: Library, templates: Templates | None = None) -> None:
    """Fill one article's or page's card placeholders; keeps the resolved cases and their cards."""
    cases = _with_posts(list(getattr(content, CASES_KEY, None) or []), books)
    embeds = list(getattr(content, EMBEDS_KEY, None) or [])
    setattr(content, CASES_KEY, cases)
    html = content._content
    if not cases and not embeds and GALLERY_SLOT not in html:
        setattr(content, CARDS_KEY, {})
        setattr(content, STYLESHEETS_KEY, [])
        return
    templates = templates or Templates(generator)
    context = {**templates.context, "article": content}
    cards: dict[str, str] = {}
    pieces: list[str] = []
    for number, case in enumerate(cases):
        shot_size = _shot_size(case, content, generator)
        slot = slot_html(CASE_SLOT, number)
        card = templates["case"].render({**context, "case": case, "shot_size": shot_size,
                                         "section": section_of(html, slot)})
        cards[case.anchor] = card
        html = html.replace(slot, card)
        pieces.append(card)
    for number, ref in enumerate(embeds):
        card = templates["embed"].render({**context, "card": books.card(ref.url, ref.source, ref.line)})
        html = html.replace(slot_html(EMBED_SLOT, number), card)
        pieces.append(card)
    html = with_sprite(html, pieces)
    stylesheets = ["case-media"] if any(_SHOWS_MEDIA.search(piece) for piece in pieces) else []
    if GALLERY_SLOT in html:
        overview = templates["gallery_article"].render({**context, "cases": cases})
        html = _GALLERY_SLOT.sub(lambda _match: overview, html)
        stylesheets.append("case-list")
    if any(_NEEDS_SCRIPT.search(piece) for piece in pieces) or _NEEDS_SCRIPT.search(content._content):
        html += templates["case_script"].render(context)
    content._content = html
    setattr(content, CARDS_KEY, cards)
    setattr(content, STYLESHEETS_KEY, stylesheets)


def render_generator(generator: Any) -> None:
    """``article_generator_finalized`` / ``page_generator_finalized`` handler."""
    errors = state(generator.settings).extras.get("case_errors")
    if errors:
        # The reader logged each one; stop here too so a build without --fatal still fails.
        raise EngagementBuildError(f"{len(errors)} malformed case or event block(s): " + "; ".join(errors))
    books = library(generator.settings)
    templates = Templates(generator)
    for content in _contents(generator):
        render_content(content, generator, books, templates)
    books.save()
