"""Threads as the templates see them: the render settings, comment trees, pages and mentions.

The full build (:mod:`.attach`) and the fast update (:mod:`.rebuild`) build the same
:class:`ThreadView` from the same entries, so both render the same fragments.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from pelican.plugins.engagement.comments.entries import PublicEntry
from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.settings import EngagementSettings


def html_datetime(moment: datetime) -> str:
    """The template filter ``html_datetime``: a ``datetime`` attribute's value, ISO 8601 without the
    ``:00`` seconds a moment does not have (HTML's date-and-time strings allow that) and UTC as
    ``Z``: three to nine bytes less on each of a long thread's times."""
    whole_minute = not (moment.second or moment.microsecond)
    return _utc_as_z(moment.isoformat(timespec="minutes" if whole_minute else "auto"))


def jsonld_datetime(moment: datetime) -> str:
    """A schema.org ``DateTime`` (JSON-LD): its form is ``CCYY-MM-DDThh:mm:ss`` and a zone, so the
    seconds stay (unlike :func:`html_datetime`), but UTC is ``Z``, five bytes less a comment."""
    return _utc_as_z(moment.isoformat())


def _utc_as_z(text: str) -> str:
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
    timezone: str
    feed_items: int
    jsonld_items: int
    minify_html: bool = False  # pages published minified (ENGAGEMENT_MINIFY_HTML)

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
            timezone=str(pelican.get("TIMEZONE") or "UTC"),
            feed_items=settings.COMMENT_FEED_ITEMS,
            jsonld_items=settings.COMMENT_JSONLD_ITEMS,
            minify_html=settings.MINIFY_HTML,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def format_date(self, moment: datetime) -> str:
        """A comment's time as pages (and the endpoint, for the script) print it: in the site's time
        zone and the case cards' short format ("1 Jan 2024, 00:00"), fifty times in a long thread."""
        return f"{self.local(moment):%-d %b %Y, %H:%M}"

    def absolute(self, path: str) -> str:
        return f"{self.site_url}/{path}"




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
    def responses(self) -> int:
        """Entries the mentions section lists that the "N replies" count includes (linkbacks and
        mentions). When there are any, the count heading opens that section, above them, as
        WordPress heads its one responses block; the comments section below gets a sub-heading."""
        return len(self.trackbacks) + len(self.pingbacks) + len(self.of_type("mention"))

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
    #: Posts recorded by ``engagement syndicate`` (social.view.SyndicationLink), for ``social``.
    syndications: list[Any] = field(default_factory=list)

    @cached_property
    def social(self) -> Any:
        """Syndication links and likes/reposts from Mastodon and Bluesky (social.view.SocialView)."""
        from pelican.plugins.engagement.social.view import SocialView

        return SocialView.of(self)

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

    @property
    def shows_extras(self) -> bool:
        """Does this page show replies, page links or the author's badge (what comment-extras.css styles)?

        Most threads show none of them, so most pages do without that stylesheet's bytes.
        """
        return (self.num_pages > 1 or any(root.children for root in self.comments)
                or any(node.entry.by_author for node in self.shown))

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
        "dateCreated": jsonld_datetime(node.entry.created_at),
        "text": Markup(node.entry.body_html).striptags(),
    }
    if node.parent is not None:
        item["parentItem"] = {"@id": node.parent.permalink}
    return item


def thread_view(
    thread: Thread, entries: list[PublicEntry], context: RenderContext, now: datetime | None = None,
    syndications: list[Any] | None = None,
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
        syndications=list(syndications or ()),
    )
    for index, root in enumerate(roots):
        number = index // context.per_page + 1
        base = context.absolute(page_path(thread.key, number))
        for node in root.walk():
            node.page = number
            node.permalink = f"{base}#{node.anchor}"
    return view

