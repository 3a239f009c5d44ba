"""The full build's side of comments: attach threads to articles, note where fragments land.

``article_generator_finalized`` loads every approved entry once and gives each article an
``article.engagement`` (:class:`ArticleEngagement`). The theme places its pre-rendered, marked
fragments: ``comments_html`` (the thread and the form), ``linkbacks_html``, ``count_html`` ("N
replies" in lists) and ``jsonld_script(base)``. Each time a fragment is placed, the page being
written is noted (``content_written`` tells us its path), and at ``finalized`` the page index,
the extra comment pages and the comment feeds are written. :mod:`.rebuild` later uses that index
to update only the pages an approval touched.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pelican.plugins.engagement.build import state
from pelican.plugins.engagement.comments.entries import RenderError, load_approved
from pelican.plugins.engagement.comments.render import FragmentRenderer, render_thread
from pelican.plugins.engagement.comments.splice import PageIndex
from pelican.plugins.engagement.comments.threads import thread_for
from pelican.plugins.engagement.comments.views import RenderContext, ThreadView, thread_view
from pelican.plugins.engagement.social.view import load_syndications

EXTRAS_KEY = "pages"


@dataclass
class BuildPages:
    """What the build collects about engagement fragments while Pelican writes pages."""

    output_path: Path
    renderer: FragmentRenderer
    index: PageIndex
    views: dict[str, ThreadView] = field(default_factory=dict)
    placed: list[tuple[str, str]] = field(default_factory=list)  # (kind, key) since the last page

    def note(self, kind: str, key: str) -> None:
        self.placed.append((kind, key))

    def page_written(self, path: str) -> None:
        if not self.placed:
            return
        prefix = f"{self.output_path}{os.sep}"
        relative = path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, self.output_path)
        relative = relative.replace(os.sep, "/")
        for kind, key in self.placed:
            self.index.add(key, relative)
            if kind == "comments":
                self.index.articles.setdefault(key, relative)
        self.placed.clear()


class ArticleEngagement:
    """``article.engagement``: a thread's data for templates, and its marked fragments.

    Attribute access falls through to the :class:`ThreadView` (``count``, ``comments``,
    ``mentions``, ``open``, ``closed_reason``, ``feed_url`` …).
    """

    def __init__(self, view: ThreadView, pages: BuildPages) -> None:
        self.view = view
        self._pages = pages
        self._cache: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        # Only called for names not found normally; never for our own slots, so that
        # half-initialised copies (pickle, copy) fail cleanly instead of recursing.
        if name.startswith("__") or name in {"view", "_pages", "_cache"}:
            raise AttributeError(name)
        return getattr(self.view, name)

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        # Pelican's content cache pickles each page's context, and with it every article. A view
        # is rebuilt by every build (``attach``), so a cached one is never read: store nothing.
        return (_detached_view, ())

    def _fragment(self, kind: str) -> Markup:
        if kind not in self._cache:
            self._cache[kind] = self._pages.renderer.fragment(kind, self.view)
        self._pages.note(kind, self.view.key)
        return Markup(self._cache[kind])

    @property
    def comments_html(self) -> Markup:
        return self._fragment("comments")

    @property
    def linkbacks_html(self) -> Markup:
        return self._fragment("linkbacks")

    @property
    def count_html(self) -> Markup:
        return self._fragment("count")

    @property
    def syndication_html(self) -> Markup:
        """"Also on Mastodon · Bluesky" (``u-syndication`` links), for inside the h-entry."""
        return self._fragment("syndication")

    def jsonld_script(self, base: Mapping[str, Any]) -> Markup:
        """The theme's JSON-LD object (``base``) with ``commentCount`` and ``comment`` merged in,
        as a marked ``<script>`` the fast rebuild can refresh; ``base`` must be JSON-ready."""
        self._pages.index.jsonld[self.view.key] = dict(base)
        self._pages.note("jsonld", self.view.key)
        return Markup(self._pages.renderer.jsonld_script(self.view, base))


def _detached_view() -> None:
    """What a pickled :class:`ArticleEngagement` becomes when Pelican's cache is loaded."""
    return None


def attach(generator: Any) -> None:
    """``article_generator_finalized``: give every article its thread's comments and mentions."""
    build = state(generator.settings)
    context = RenderContext.from_settings(generator.settings, build.settings)
    pages = BuildPages(
        output_path=Path(generator.settings["OUTPUT_PATH"]),
        renderer=FragmentRenderer(generator.settings, context),
        index=PageIndex(render=context.as_dict()),
    )
    build.extras[EXTRAS_KEY] = pages
    try:
        approved = load_approved(build.settings, Path.cwd())
    except RenderError as error:
        from pelican.plugins.engagement.build import EngagementBuildError

        raise EngagementBuildError(f"engagement plugin: {error}") from None
    syndicated = load_syndications(build.settings, Path.cwd())
    site_url = generator.settings.get("SITEURL", "")
    for article in [*generator.articles, *getattr(generator, "translations", [])]:
        thread = getattr(article, "engagement_thread", None) or thread_for(article, site_url, build.settings)
        view = thread_view(thread, approved.get(thread.key, []), context,
                           syndications=syndicated.get(thread.key))
        pages.views[thread.key] = view
        article.engagement = ArticleEngagement(view, pages)
        article.engagement_jsonld = view.jsonld()


def page_written(path: str, context: Mapping[str, Any]) -> None:
    """``content_written``: the fragments placed since the last page belong to ``path``."""
    from pelican.plugins.engagement.build import STATE_KEY

    build = context.get(STATE_KEY)
    pages = build.extras.get(EXTRAS_KEY) if build is not None else None
    if pages is not None:
        pages.page_written(path)


def finish(pelican: Any) -> None:
    """``finalized``: extra comment pages, comment feeds and the page index for the fast path."""
    from pelican.plugins.engagement.comments import write

    pages = state(pelican.settings).extras.get(EXTRAS_KEY)
    if pages is None:
        return
    output = pages.output_path
    for key, view in pages.views.items():
        # Pelican wrote page 1 through the theme; the rest of the thread is rendered here.
        thread = render_thread(pages.renderer, view, pages.index.jsonld.get(key), first_page=2)
        article_file = pages.index.articles.get(key)
        if article_file:  # also clears pages a thread no longer has (output kept between builds)
            write.write_comment_pages(output, article_file, thread)
        write.write_thread_feed(output, thread)
    write.write_site_feed(output, pages.views.values(), pages.renderer.context)
    pages.index.save(output)
