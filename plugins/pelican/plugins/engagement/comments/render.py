"""Approved comments and mentions as the pages show them: loading, threading, paging, rendering.

The full build (``pages.py``) and the fast update after an approval (``rebuild.py``) both go through
this module: the same loading, the same views and the same Jinja environment render the same
fragments, so a page spliced by the fast path is byte for byte what a full build writes.

Only what a page may show leaves the store here (:class:`PublicEntry` has no e-mail and no IP
hash), and comment HTML is the ``body_html`` stored at accept time, never re-rendered.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.settings import EngagementSettings, database_url

PLUGIN_TEMPLATES = Path(__file__).parents[1] / "templates"

#: The fragments a page can carry, each rendered from its own (theme-overridable) template.
SECTION_TEMPLATES = {
    "comments": "engagement/thread.html",
    "linkbacks": "engagement/linkbacks_section.html",
    "count": "engagement/reply_count.html",
}

#: Webmention types that are a response in words (counted as replies, like WordPress counts
#: trackbacks and pingbacks); likes, reposts and bookmarks are reactions, not replies.
RESPONSE_MENTION_TYPES = ("reply", "mention", None)


class RenderError(Exception):
    """The comments cannot be loaded or rendered (bad export file, unreadable store)."""


# --- entries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    """The part of a stored entry a page may show: never an e-mail address or an IP hash."""

    id: int
    thread: str
    parent_id: int | None
    kind: str
    author_name: str
    author_url: str | None
    author_photo: str | None
    title: str | None
    blog_name: str | None
    source_url: str | None
    mention_type: str | None
    body_html: str
    created_at: datetime

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> PublicEntry:
        """From a store :class:`Entry` (``to_dict()``) or an export record."""
        created = record["created_at"]
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return cls(
            id=int(record["id"]),
            thread=record["thread"],
            parent_id=record.get("parent_id"),
            kind=record["kind"],
            author_name=record.get("author_name") or "Anonymous",
            author_url=record.get("author_url") or None,
            author_photo=record.get("author_photo") or None,
            title=record.get("title"),
            blog_name=record.get("blog_name"),
            source_url=record.get("source_url"),
            mention_type=record.get("mention_type"),
            body_html=record.get("body_html") or "",
            created_at=created,
        )

    @classmethod
    def from_entry(cls, entry: Any) -> PublicEntry:
        """From a store :class:`~pelican.plugins.engagement.store.Entry`, without its private fields."""
        data = {name: getattr(entry, name) for name in _PUBLIC_FIELDS}
        data.update(author_name=data["author_name"] or "Anonymous", author_url=data["author_url"] or None,
                    author_photo=data["author_photo"] or None, body_html=data["body_html"] or "")
        return cls(**data)

    @property
    def author_link(self) -> str | None:
        """Where the author's name links: their website, or a replying post; only http(s)."""
        for url in (self.author_url, self.source_url if self.kind == "webmention" else None):
            if url and url.lower().startswith(("https://", "http://")):
                return url
        return None

    @property
    def in_thread(self) -> bool:
        """Shown among the comments: a comment, or a webmention that replies."""
        return self.kind == "comment" or (self.kind == "webmention" and self.mention_type == "reply")

    @property
    def is_response(self) -> bool:
        """Counts as a reply: a comment, a trackback, a pingback, a replying webmention."""
        return self.kind != "webmention" or self.mention_type in RESPONSE_MENTION_TYPES


_PUBLIC_FIELDS = tuple(PublicEntry.__dataclass_fields__)


def _by_thread(entries: Iterable[PublicEntry]) -> dict[str, list[PublicEntry]]:
    grouped: dict[str, list[PublicEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: (e.created_at, e.id)):
        grouped[entry.thread].append(entry)
    return dict(grouped)


def _read_export(path: Path) -> list[PublicEntry]:
    try:
        document = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RenderError(f"ENGAGEMENT_EXPORT_PATH: {path} does not exist") from None
    except json.JSONDecodeError as error:
        raise RenderError(f"{path}:{error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(document, dict) or document.get("format") != "engagement-export":
        raise RenderError(f"{path}: not an engagement export (run `engagement export`)")
    return [PublicEntry.from_record(r) for r in document.get("entries", []) if r.get("status") == "approved"]


def _sqlite_file_missing(url: str) -> bool:
    # A build must not create a database as a side effect: no file yet means no comments yet.
    prefix = "sqlite:///"
    return url.startswith(prefix) and url != "sqlite:///:memory:" and not Path(url[len(prefix):]).exists()


def load_approved(
    settings: EngagementSettings, base_dir: Path, threads: Iterable[str] | None = None
) -> dict[str, list[PublicEntry]]:
    """Approved entries per thread (of ``threads`` only, when given), oldest first.

    They come from the JSON export when ``ENGAGEMENT_EXPORT_PATH`` is set (a CI build needs no
    database), from the store otherwise.
    """
    wanted = None if threads is None else set(threads)
    archived = [e for e in _read_archive(settings, base_dir) if wanted is None or e.thread in wanted]
    if settings.EXPORT_PATH:
        path = Path(settings.EXPORT_PATH)
        entries = _read_export(path if path.is_absolute() else base_dir / path)
        if wanted is not None:
            entries = [e for e in entries if e.thread in wanted]
        return _by_thread([*entries, *archived])
    store = _open_store(settings, base_dir)
    if store is None:
        return _by_thread(archived)
    try:
        if wanted is None:
            found = store.approved()
        else:
            found = [entry for key in sorted(wanted) for entry in store.approved(key)]
    finally:
        store.close()
    return _by_thread([*(PublicEntry.from_entry(entry) for entry in found), *archived])


def _read_archive(settings: EngagementSettings, base_dir: Path) -> list[PublicEntry]:
    """``ENGAGEMENT_ARCHIVE_PATH``: entries kept from an earlier site, merged into every build.

    They use negative ids, so they never collide with (or are mistaken for) stored entries.
    """
    if not settings.ARCHIVE_PATH:
        return []
    path = Path(settings.ARCHIVE_PATH)
    path = path if path.is_absolute() else base_dir / path
    if not path.is_file():
        raise RenderError(f"ENGAGEMENT_ARCHIVE_PATH: {path} does not exist")
    entries = _read_export(path)
    positive = [e for e in entries if e.id >= 0]
    if positive:
        raise RenderError(f"{path}: archived entries need negative ids (entry {positive[0].id})")
    return entries


def _open_store(settings: EngagementSettings, base_dir: Path) -> Any:
    """The store, or None when its SQLite file does not exist yet (no comments yet).

    Migrations are the endpoint's job (it creates and upgrades the database); a build only
    reads, and skipping Alembic keeps the fast rebuild fast.
    """
    url = database_url(settings, base_dir)
    if _sqlite_file_missing(url):
        return None
    from pelican.plugins.engagement.store import Store

    return Store.open(url, run_migrations=False)


def latest_thread_keys(settings: EngagementSettings, base_dir: Path, count: int) -> set[str]:
    """Threads holding the ``count`` newest approved comments (what the site-wide feed shows)."""
    if settings.EXPORT_PATH:
        entries = [e for es in load_approved(settings, base_dir).values() for e in es if e.in_thread]
        entries.sort(key=lambda e: (e.created_at, e.id), reverse=True)
        return {e.thread for e in entries[:count]}
    store = _open_store(settings, base_dir)
    if store is None:
        return set()
    keys: set[str] = set()
    found = offset = 0
    try:
        while found < count:
            batch = store.list(status="approved", kind=("comment", "webmention"), newest_first=True,
                               limit=count * 2, offset=offset)
            for entry in batch:
                if PublicEntry.from_entry(entry).in_thread and found < count:
                    keys.add(entry.thread)
                    found += 1
            if len(batch) < count * 2:
                break
            offset += len(batch)
    finally:
        store.close()
    return keys


# --- render settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderContext:
    """Every setting a fragment depends on; saved with the build so a rebuild can check it."""

    site_url: str
    site_name: str
    endpoint_url: str
    comments: bool
    max_depth: int
    per_page: int
    collapse_replies: int
    max_length: int
    reply_notifications: bool
    date_format: str
    timezone: str
    feed_items: int
    jsonld_items: int

    @classmethod
    def from_settings(cls, pelican: Mapping[str, Any], settings: EngagementSettings) -> RenderContext:
        return cls(
            site_url=str(pelican.get("SITEURL", "")).rstrip("/"),
            site_name=str(pelican.get("SITENAME", "")),
            endpoint_url=settings.ENDPOINT_URL.rstrip("/"),
            comments=settings.COMMENTS,
            max_depth=settings.COMMENT_MAX_DEPTH,
            per_page=settings.COMMENTS_PER_PAGE,
            collapse_replies=settings.COMMENT_COLLAPSE_REPLIES,
            max_length=settings.COMMENT_MAX_LENGTH,
            reply_notifications=settings.REPLY_NOTIFICATIONS,
            date_format=str(pelican.get("DEFAULT_DATE_FORMAT", "%a %d %B %Y")),
            timezone=str(pelican.get("TIMEZONE") or "UTC"),
            feed_items=settings.COMMENT_FEED_ITEMS,
            jsonld_items=settings.COMMENT_JSONLD_ITEMS,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def format_date(self, moment: datetime) -> str:
        from pelican.utils import strftime

        local = self.local(moment)
        return f"{strftime(local, self.date_format)} at {local:%H:%M}"

    def absolute(self, path: str) -> str:
        return f"{self.site_url}/{path}"


# --- threads as the templates see them -----------------------------------------------------------


@dataclass
class CommentNode:
    """One comment in the tree, with what its template needs already worked out."""

    entry: PublicEntry
    depth: int
    permalink: str = ""
    page: int = 1
    children: list[CommentNode] = field(default_factory=list)
    parent: CommentNode | None = None

    @property
    def id(self) -> int:
        return self.entry.id

    @property
    def anchor(self) -> str:
        return f"comment-{self.entry.id}"

    @property
    def body_html(self) -> Markup:
        # Sanitized once when it was accepted (pelican.plugins.engagement.markup); shown as stored.
        return Markup(self.entry.body_html)

    def walk(self) -> Iterable[CommentNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    @cached_property
    def reply_total(self) -> int:
        """Replies under this comment, replies to replies included."""
        return sum(1 for _ in self.walk()) - 1

    def folded(self, limit: int) -> bool:
        """Show this top-level comment's replies folded (there are more than ``limit``)?"""
        return bool(limit) and self.depth == 1 and self.reply_total > limit


def build_tree(comments: list[PublicEntry], max_depth: int) -> list[CommentNode]:
    """Top-level comments with their replies, oldest first at every level.

    A reply deeper than ``max_depth`` hangs under its ancestor at depth ``max_depth - 1`` so that
    it still shows, one level in; a reply whose parent is not shown (pending, removed) becomes a
    top-level comment rather than vanishing.
    """
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for entry in comments:  # oldest first, so a parent is placed before its replies
        parent = nodes.get(entry.parent_id) if entry.parent_id is not None else None
        while parent is not None and parent.depth >= max_depth:
            parent = parent.parent
        node = CommentNode(entry, depth=1 if parent is None else parent.depth + 1, parent=parent)
        nodes[entry.id] = node
        (roots if parent is None else parent.children).append(node)
    return roots


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass
class Mentions:
    """Approved linkbacks and webmentions of one thread, grouped the way pages list them."""

    trackbacks: list[PublicEntry] = field(default_factory=list)
    pingbacks: list[PublicEntry] = field(default_factory=list)
    webmentions: dict[str, list[PublicEntry]] = field(default_factory=dict)

    @property
    def linkbacks(self) -> list[PublicEntry]:
        """Trackbacks and pingbacks together, oldest first ("Trackbacks & Pingbacks")."""
        return sorted(self.trackbacks + self.pingbacks, key=lambda e: (e.created_at, e.id))

    def of_type(self, mention_type: str) -> list[PublicEntry]:
        return self.webmentions.get(mention_type, [])

    @property
    def total(self) -> int:
        return len(self.trackbacks) + len(self.pingbacks) + sum(map(len, self.webmentions.values()))


def group_mentions(entries: Iterable[PublicEntry]) -> Mentions:
    mentions = Mentions()
    for entry in entries:
        if entry.kind == "trackback":
            mentions.trackbacks.append(entry)
        elif entry.kind == "pingback":
            mentions.pingbacks.append(entry)
        elif entry.kind == "webmention":
            mentions.webmentions.setdefault(entry.mention_type or "mention", []).append(entry)
    return mentions


def comments_base(key: str) -> str:
    """The folder (relative to SITEURL) that holds a thread's extra comment pages."""
    return f"{key.rstrip('/').removesuffix('.html')}/comments"


def page_path(key: str, number: int) -> str:
    """URL path (relative to SITEURL) of page ``number`` of a thread's comments."""
    return key if number == 1 else f"{comments_base(key)}/page/{number}/"


def comments_feed_path(key: str) -> str:
    """Output path of a thread's Atom feed of comments."""
    stem = key.strip("/").removesuffix(".html") or "index"
    return f"feeds/comments/{stem}.atom.xml"


@dataclass
class ThreadView:
    """One article's comments and mentions, as the fragments and the theme see them.

    ``article.engagement`` is one of these (see ``pages.py``); templates get it as ``thread``.
    """

    thread: Thread
    context: RenderContext
    entries: list[PublicEntry]
    open: bool
    closed_reason: str
    roots: list[CommentNode]
    mentions: Mentions
    page: int = 1

    @property
    def key(self) -> str:
        return self.thread.key

    @property
    def title(self) -> str:
        return self.thread.title

    @property
    def url(self) -> str:
        return self.context.absolute(self.thread.key)

    @cached_property
    def comment_count(self) -> int:
        """Entries shown in the comment thread (comments and webmention replies)."""
        return sum(1 for e in self.entries if e.in_thread)

    @cached_property
    def count(self) -> int:
        """The "N replies" number: comments and linkbacks that reply in words."""
        return sum(1 for e in self.entries if e.is_response)

    @property
    def num_pages(self) -> int:
        per_page = self.context.per_page
        return max(1, -(-len(self.roots) // per_page))

    @property
    def comments(self) -> list[CommentNode]:
        """Top-level comments of the current page (each with its replies)."""
        start = (self.page - 1) * self.context.per_page
        return self.roots[start:start + self.context.per_page]

    @property
    def pages(self) -> list[PageLink]:
        return [PageLink(n, self.context.absolute(page_path(self.key, n)), n == self.page)
                for n in range(1, self.num_pages + 1)]

    @property
    def page_url(self) -> str:
        return self.context.absolute(page_path(self.key, self.page))

    @property
    def form(self) -> bool:
        """Show the comment form: the thread is open and there is an endpoint to post to."""
        return self.open and bool(self.context.endpoint_url)

    @property
    def comments_index_url(self) -> str:
        """JSON map of comment id → page URL (long threads only), for moved permalinks."""
        return self.context.absolute(f"{comments_base(self.key)}/index.json")

    @property
    def feed_url(self) -> str:
        return self.context.absolute(comments_feed_path(self.key))

    @property
    def shown(self) -> list[CommentNode]:
        """Every comment on the current page, replies included, in reading order."""
        return [node for root in self.comments for node in root.walk()]

    def on_page(self, number: int) -> ThreadView:
        """The same thread showing page ``number`` of its comments."""
        if not 1 <= number <= self.num_pages:
            raise ValueError(f"{self.key}: no comment page {number}")
        clone = copy.copy(self)  # keeps the cached counts; only the page differs
        clone.page = number
        return clone

    def comment_pages(self) -> dict[int, int]:
        """Comment id → page number, for every comment of the thread."""
        return {node.id: node.page for root in self.roots for node in root.walk()}

    def jsonld(self) -> dict[str, Any]:
        """schema.org ``commentCount`` and ``Comment`` items: the first ``jsonld_items`` shown."""
        items = self.shown[:self.context.jsonld_items]
        return {"commentCount": self.count, "comment": [_comment_jsonld(n) for n in items]}


def _comment_jsonld(node: CommentNode) -> dict[str, Any]:
    author: dict[str, Any] = {"@type": "Person", "name": node.entry.author_name}
    if node.entry.author_url:
        author["url"] = node.entry.author_url
    item: dict[str, Any] = {
        "@type": "Comment",
        "@id": node.permalink,
        "author": author,
        "dateCreated": node.entry.created_at.isoformat(),
        "text": Markup(node.entry.body_html).striptags(),
    }
    if node.parent is not None:
        item["parentItem"] = {"@id": node.parent.permalink}
    return item


def thread_view(
    thread: Thread, entries: list[PublicEntry], context: RenderContext, now: datetime | None = None
) -> ThreadView:
    """Everything the pages show of one thread, built from its approved entries."""
    roots = build_tree([e for e in entries if e.in_thread], context.max_depth)
    is_open, reason = thread.accepts_comments(now)
    view = ThreadView(
        thread=thread,
        context=context,
        entries=entries,
        open=is_open and context.comments,
        closed_reason=reason or "Comments are closed.",
        roots=roots,
        mentions=group_mentions(e for e in entries if e.kind != "comment"),
    )
    for index, root in enumerate(roots):
        number = index // context.per_page + 1
        base = context.absolute(page_path(thread.key, number))
        for node in root.walk():
            node.page = number
            node.permalink = f"{base}#{node.anchor}"
    return view


# --- rendering ------------------------------------------------------------------------------------


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
            **options,
        )
        self.env.filters.update(pelican.get("JINJA_FILTERS", {}))
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

        # Serialized as Jinja's |tojson does: sorted keys, and <, >, & and ' escaped so that
        # reader text cannot close the <script> element.
        text = htmlsafe_json_dumps({**base, **view.jsonld()}, sort_keys=True)
        return f'{start}<script type="application/ld+json">{text}</script>{end}'
