"""Rendering a thread's fragments with the site's templates, outside Pelican.

The full build (:mod:`.attach`) and the fast update after an approval (:mod:`.rebuild`) both render
here: the same views and the same Jinja environment give the same fragments, so a page spliced by
the fast path is byte for byte what a full build writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.comments.monogram import monogram
from pelican.plugins.engagement.comments.views import RenderContext, ThreadView, html_datetime, page_path
from pelican.plugins.engagement.links import root_relative

PLUGIN_TEMPLATES = Path(__file__).parents[1] / "templates"

#: The fragments a page can carry, each rendered from its own (theme-overridable) template.
SECTION_TEMPLATES = {
    "comments": "engagement/thread.html",
    "linkbacks": "engagement/linkbacks_section.html",
    "count": "engagement/reply_count.html",
    "syndication": "engagement/syndication_links.html",
}


#: How the templates' ``|tojson`` writes JSON (JSON-LD), set as the Jinja policy of Pelican's
#: environments and of the fragment renderer: sorted keys, and no spaces after ``,`` and ``:``
#: (machines read it; a long thread's JSON-LD is a tenth smaller). The fast update writes the same.
JSON_DUMPS: dict[str, Any] = {"sort_keys": True, "separators": (",", ":")}


def marker(kind: str, key: str) -> tuple[str, str]:
    """The HTML comments around a fragment; the fast rebuild finds fragments by them."""
    safe = key.replace("-->", "--&gt;")
    return f"<!--engagement:{kind}:{safe}-->", f"<!--/engagement:{kind}:{safe}-->"


def _bytecode_cache(pelican: Mapping[str, Any]) -> Any:
    """Compiled templates kept in Pelican's cache folder: compiling them is most of the time a
    one-thread rebuild would otherwise spend. Keyed by each template's source, so never stale."""
    from jinja2 import FileSystemBytecodeCache

    cache_path = pelican.get("CACHE_PATH")
    if not cache_path:
        return None
    folder = Path(cache_path) / "engagement-templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


class FragmentRenderer:
    """Renders the engagement fragments with a site's templates, outside Pelican.

    The environment is built from the settings alone (the theme's template folders first, then
    the plugin's), so the build and ``engagement rebuild`` render with the very same templates
    without Pelican having to read the site's content.
    """

    def __init__(self, pelican: Mapping[str, Any], context: RenderContext) -> None:
        from jinja2 import ChoiceLoader, Environment, FileSystemLoader

        theme_paths = [*pelican.get("THEME_TEMPLATES_OVERRIDES", [])]
        if pelican.get("THEME"):
            theme_paths.append(str(Path(pelican["THEME"]) / "templates"))
        options = {k: v for k, v in dict(pelican.get("JINJA_ENVIRONMENT", {})).items()
                   if k in {"trim_blocks", "lstrip_blocks", "extensions"}}
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(theme_paths), FileSystemLoader(str(PLUGIN_TEMPLATES))]),
            autoescape=True,
            bytecode_cache=_bytecode_cache(pelican),
            # One renderer serves one build or one fast update, never longer; without this, every
            # include of a comment re-checked its template file's time (a bulk approval rendering
            # 50 threads spent a tenth of its rendering in those checks).
            auto_reload=False,
            **options,
        )
        self.env.filters.update(pelican.get("JINJA_FILTERS", {}))
        self.env.filters.setdefault("monogram", monogram)  # comments' avatars (a site may override)
        self.env.filters.setdefault("html_datetime", html_datetime)
        self.env.filters.setdefault("root_relative", root_relative)  # the page's own links (links.py)
        self.env.policies["json.dumps_kwargs"] = dict(JSON_DUMPS)
        self.env.globals.update(pelican.get("JINJA_GLOBALS", {}))
        self.context = context
        self._available: dict[str, bool] = {}

    def has_template(self, name: str) -> bool:
        if name not in self._available:
            from jinja2 import TemplateNotFound

            try:
                self.env.get_template(name)
                self._available[name] = True
            except TemplateNotFound:
                self._available[name] = False
        return self._available[name]

    def fragment(self, kind: str, view: ThreadView) -> str:
        """One fragment of ``view`` between its markers (empty between them when not shown)."""
        start, end = marker(kind, view.key)
        template = SECTION_TEMPLATES[kind]
        body = ""
        if self.has_template(template):
            body = self.env.get_template(template).render(thread=view, site=self.context)
        return f"{start}{body}{end}"

    def jsonld_script(self, view: ThreadView, base: Mapping[str, Any]) -> str:
        """A JSON-LD ``<script>``: the theme's ``base`` object with the thread's comments merged in."""
        start, end = marker("jsonld", view.key)
        from jinja2.utils import htmlsafe_json_dumps

        # Serialized as the templates' |tojson does (JSON_DUMPS): <, >, & and ' escaped so that
        # reader text cannot close the <script> element.
        text = htmlsafe_json_dumps({**base, **view.jsonld()}, **JSON_DUMPS)
        return f'{start}<script type="application/ld+json">{text}</script>{end}'


@dataclass(frozen=True)
class PageFragments:
    """One page of a thread: its address, its marked fragments and its comments' JSON-LD data."""

    number: int
    article_url: str  # what the theme's own JSON-LD script names (comment pages are copies of it)
    fragments: dict[str, str]
    jsonld: dict[str, Any]


@dataclass(frozen=True)
class ThreadFragments:
    """Everything the output shows of one thread, rendered before any file is read or written.

    :mod:`.write` puts it into files; nothing there renders, and nothing here touches a file.
    """

    key: str
    num_pages: int
    pages: tuple[PageFragments, ...]  # the pages asked for, in order
    locations: dict[str, str]  # comment id → absolute URL of its page (several pages only)
    feed: str | None  # the thread's Atom feed; None when it has no comments (and so no feed)
    minify_html: bool = False  # pages published minified (ENGAGEMENT_MINIFY_HTML), after the splice


def render_page(renderer: FragmentRenderer, view: ThreadView, jsonld_base: Mapping[str, Any] | None
                ) -> PageFragments:
    """Every fragment of the page ``view`` shows (the theme's JSON-LD script too, when it has one)."""
    rendered = {kind: renderer.fragment(kind, view)
                for kind in ("comments", "linkbacks", "count", "syndication")}
    if jsonld_base is not None:
        rendered["jsonld"] = renderer.jsonld_script(view, jsonld_base)
    return PageFragments(view.page, view.url, rendered, view.jsonld())


def render_thread(renderer: FragmentRenderer, view: ThreadView, jsonld_base: Mapping[str, Any] | None,
                  *, first_page: int = 1) -> ThreadFragments:
    """The whole thread: its pages from ``first_page`` on, the comment locations and the feed.

    The full build asks from page 2 (Pelican renders page 1 through the theme); the fast update
    asks for all of them.
    """
    from pelican.plugins.engagement.comments.feeds import thread_feed

    pages = tuple(render_page(renderer, view if n == 1 else view.on_page(n), jsonld_base)
                  for n in range(first_page, view.num_pages + 1))
    locations: dict[str, str] = {}
    if view.num_pages > 1:
        locations = {str(i): view.context.absolute(page_path(view.key, n))
                     for i, n in sorted(view.comment_pages().items())}
    feed = thread_feed(view) if view.comment_count else None
    return ThreadFragments(view.key, view.num_pages, pages, locations, feed,
                           minify_html=renderer.context.minify_html)
