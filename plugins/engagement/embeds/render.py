"""Render case and embed cards into articles and pages, with the site's own templates.

Runs at ``article_generator_finalized`` / ``page_generator_finalized``: by then every file has been
read, and the generator's Jinja environment (the theme first, the plugin's fragments last) exists,
so a theme overrides a card by shipping ``templates/engagement/case.html`` or ``embed.html``. The
placeholders the Markdown preprocessor left are replaced with BeautifulSoup, never with regexes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from engagement.build import EngagementBuildError, state
from engagement.embeds.cases import Case
from engagement.embeds.images import dimensions, site_image
from engagement.embeds.library import Library
from engagement.embeds.markdown_ext import CASE_SLOT, CASES_KEY, EMBED_SLOT, EMBEDS_KEY, GALLERY_SLOT

logger = logging.getLogger(__name__)

LIBRARY_KEY = "embeds_library"
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                 "hidden_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def library(settings: dict[str, Any]) -> Library:
    """The build's :class:`Library` (one snapshot load and one memo per build)."""
    extras = state(settings).extras
    if LIBRARY_KEY not in extras:
        extras[LIBRARY_KEY] = Library(state(settings).settings, settings["PATH"])
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


def _fragment(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _shot_size(case: Case, content: Any, generator: Any) -> tuple[int, int] | None:
    if not case.screenshot:
        return None
    path = site_image(case.screenshot, Path(generator.settings["PATH"]), content.source_path)
    return dimensions(path) if path else None


def render_content(content: Any, generator: Any, books: Library) -> None:
    """Fill one article's or page's card placeholders; keeps the resolved cases on it."""
    cases = _with_posts(list(getattr(content, CASES_KEY, None) or []), books)
    embeds = list(getattr(content, EMBEDS_KEY, None) or [])
    setattr(content, CASES_KEY, cases)
    if not cases and not embeds and GALLERY_SLOT not in content._content:
        return
    env = generator.env
    ours = state(generator.settings).settings
    context = {**generator.context, "article": content, "ENGAGEMENT": ours}
    if ours.GALLERY:
        # The gallery generator fills this in later for the theme; the cards need it now.
        context.setdefault("ENGAGEMENT_GALLERY", {"url": ours.GALLERY_PATH.strip("/") + "/"})
    soup = _fragment(content._content)
    for slot in soup.find_all(attrs={CASE_SLOT: True}):
        case = cases[int(slot[CASE_SLOT])]
        html = env.get_template("engagement/case.html").render(
            {**context, "case": case, "shot_size": _shot_size(case, content, generator)})
        slot.replace_with(_fragment(html))
    for slot in soup.find_all(attrs={EMBED_SLOT: True}):
        ref = embeds[int(slot[EMBED_SLOT])]
        card = books.card(ref.url, ref.source, ref.line)
        html = env.get_template("engagement/embed.html").render({**context, "card": card})
        slot.replace_with(_fragment(html))
    for slot in soup.find_all(attrs={GALLERY_SLOT: True}):
        html = env.get_template("engagement/gallery_article.html").render({**context, "cases": cases})
        slot.replace_with(_fragment(html))
    if soup.find(attrs={"data-engagement-script": True}):
        soup.append(_fragment(env.get_template("engagement/case_script.html").render(context)))
    content._content = str(soup)


def render_generator(generator: Any) -> None:
    """``article_generator_finalized`` / ``page_generator_finalized`` handler."""
    errors = state(generator.settings).extras.get("case_errors")
    if errors:
        # The reader logged each one; stop here too so a build without --fatal still fails.
        raise EngagementBuildError(f"{len(errors)} malformed case block(s): " + "; ".join(errors))
    books = library(generator.settings)
    for content in _contents(generator):
        render_content(content, generator, books)
    books.save()
