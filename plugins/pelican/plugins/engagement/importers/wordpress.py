"""WordPress export (WXR 1.0, 1.1, 1.2) → Markdown articles under ``content/`` + comments in the store.

Posts and pages become Markdown files the way ``pelican-import`` makes them (its ``wpautop`` port
and Markdown header are reused), but without pandoc: the HTML is converted with ``markdownify``, so
the import needs nothing outside Python (``markdown.py``: URLs kept byte for byte;
``shortcodes.py``: embeds; ``wordpress_content.py``: file names and headers). Private posts are
left out unless asked for (then ``Status: hidden``): a draft folder is still deployed.

What ``pelican-import`` leaves behind is the conversation: every comment, trackback and pingback —
author, e-mail (kept private), URL, date, approval state and reply threading — goes into the store
under the thread key the site will give the article (its ``ARTICLE_URL``, e.g.
``2013/04/the-now-of-customer-service/``).

Idempotency: entries are keyed ``dedupe_key("wxr", <site URL>, <comment id>)`` and files are never
overwritten, so running the import twice adds nothing the second time.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from pelican.plugins.engagement.importers.common import (
    MAX_URL,
    ImportedEntry,
    ImportFormatError,
    ImportSummary,
    fitting_email,
    iterparse,
    local_name,
    parse_datetime,
    release,
    save_entries,
    text_of,
)
from pelican.plugins.engagement.importers.markdown import to_markdown
from pelican.plugins.engagement.importers.wordpress_content import (
    PRIVATE,
    assign_slugs,
    plan_files,
    write_content,
)
from pelican.plugins.engagement.markup import sanitize_imported_html
from pelican.plugins.engagement.store import MENTION_TYPES, NewEntry, Store, dedupe_key
from pelican.tools.pelican_import import decode_wp_content
from pelican.utils import slugify

__all__ = ["import_wordpress", "read_wxr", "to_markdown"]

#: WordPress's comment_approved values and the state an imported entry gets.
APPROVAL = {"1": "approved", "approve": "approved", "0": "pending", "hold": "pending",
            "spam": "spam", "trash": "deleted", "post-trashed": "deleted"}
#: Post states that are not imported at all (``private`` only on request, see ``wordpress_content``).
DROPPED_STATES = frozenset({"trash", "auto-draft"})
CONTENT_TYPES = ("post", "page")


@dataclass
class WxrComment:
    id: str
    parent: str | None
    author: str
    email: str
    url: str
    created_at: datetime | None
    content: str
    approved: str
    type: str
    meta: dict[str, str]
    line: int


@dataclass
class WxrPost:
    id: str
    title: str
    slug: str
    post_type: str
    status: str
    date: datetime  # the blog's local time, as WordPress wrote it and as the URL uses it
    author: str
    content: str
    excerpt: str
    categories: list[str]
    tags: list[str]
    comments_open: bool
    comments: list[WxrComment] = field(default_factory=list)
    line: int = 0


@dataclass
class WxrExport:
    path: Path
    version: str
    site_url: str
    authors: dict[str, str]
    posts: list[WxrPost]


def _fields(element: Any) -> dict[str, str]:
    return {local_name(child): text_of(child) for child in element}


def _read_comment(element: Any, path: Path, local_zone: tzinfo) -> WxrComment:
    values = _fields(element)
    parent = values.get("wp:comment_parent", "").strip()
    if parent and not parent.isdigit():
        raise ImportFormatError(path, element.sourceline, "wp:comment_parent",
                                f"{parent!r} is not a comment id")
    dates = {local_name(child): child for child in element
             if local_name(child) in ("wp:comment_date_gmt", "wp:comment_date")}
    created = None
    if "wp:comment_date_gmt" in dates:
        created = parse_datetime(text_of(dates["wp:comment_date_gmt"]), path, dates["wp:comment_date_gmt"])
    if created is None and "wp:comment_date" in dates:
        created = parse_datetime(text_of(dates["wp:comment_date"]), path, dates["wp:comment_date"],
                                 local_zone=local_zone)
    meta = {}
    for child in element:
        if local_name(child) == "wp:commentmeta":
            pair = _fields(child)
            meta[pair.get("wp:meta_key", "")] = pair.get("wp:meta_value", "")
    return WxrComment(
        id=values.get("wp:comment_id", "").strip(),
        parent=parent if parent and parent != "0" else None,
        author=html.unescape(values.get("wp:comment_author", "")).strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        created_at=created,
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1").strip().lower() or "1",
        type=values.get("wp:comment_type", "").strip().lower(),
        meta=meta,
        line=element.sourceline or 0,
    )


def _post_date(values: Mapping[str, str], element: Any, path: Path) -> datetime:
    raw = values.get("wp:post_date", "").strip()
    if raw and not raw.startswith("0000"):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            raise ImportFormatError(path, element.sourceline, "wp:post_date",
                                    f"{raw!r} is not a date and time") from None
    if values.get("pubDate", "").strip():
        try:
            return parsedate_to_datetime(values["pubDate"]).replace(tzinfo=None)
        except (TypeError, ValueError):
            pass
    return datetime.now().replace(microsecond=0)  # an undated draft: dated when imported


def _read_item(element: Any, path: Path, local_zone: tzinfo) -> WxrPost:
    values = _fields(element)
    categories: list[str] = []
    tags: list[str] = []
    comments = []
    for child in element:
        name = local_name(child)
        if name == "category":
            label = html.unescape(text_of(child)).strip()
            domain = child.get("domain")
            target = {"post_tag": tags, "tag": tags, None: categories, "category": categories}.get(domain)
            if label and target is not None and label not in target:
                target.append(label)
        elif name == "wp:comment":
            comments.append(_read_comment(child, path, local_zone))
    post_id = values.get("wp:post_id", "").strip()
    title = html.unescape(values.get("title", "")).strip()
    # Without a post_name (a draft never saved as published) the import names it by the site's
    # slug rules (wordpress_content.assign_slugs), which reading the export does not know.
    slug = unquote(values.get("wp:post_name", "")).strip()
    return WxrPost(
        id=post_id or f"line{element.sourceline}",
        title=title or f"Untitled {post_id}".strip(),
        slug=slug,
        post_type=values.get("wp:post_type", "post").strip() or "post",
        status=values.get("wp:status", "publish").strip() or "publish",
        date=_post_date(values, element, path),
        author=values.get("dc:creator", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        categories=categories,
        tags=tags,
        comments_open=values.get("wp:comment_status", "open").strip() != "closed",
        comments=comments,
        line=element.sourceline or 0,
    )


def read_wxr(path: str | Path, *, progress: bool = False, local_zone: tzinfo = UTC) -> WxrExport:
    """Read a whole WXR file; raises :class:`ImportFormatError` naming the element and line."""
    path = Path(path)
    export = WxrExport(path, "", "", {}, [])
    channel_link = ""
    root_checked = saw_wordpress = False
    for event, element in iterparse(path, progress=progress):
        name = local_name(element)
        if event == "start":
            if not root_checked:
                root_checked = True
                if name != "rss":
                    raise ImportFormatError(path, element.sourceline, name,
                                            "not a WordPress export (WXR files start with <rss>)")
            saw_wordpress = saw_wordpress or name.startswith("wp:")
            continue
        parent = element.getparent()
        if parent is None or local_name(parent) != "channel":
            continue
        if name == "item":
            export.posts.append(_read_item(element, path, local_zone))
        elif name == "wp:wxr_version":
            export.version = text_of(element).strip()
        elif name in ("wp:base_blog_url", "wp:base_site_url") and not export.site_url:
            export.site_url = text_of(element).strip().rstrip("/")
        elif name == "link":
            channel_link = text_of(element).strip().rstrip("/")
        elif name == "wp:author":
            values = _fields(element)
            login = values.get("wp:author_login", "").strip()
            export.authors[login] = values.get("wp:author_display_name", "").strip() or login
        release(element)
    if not saw_wordpress:
        raise ImportFormatError(path, None, None,
                                "no wp: elements: this is an RSS feed, not a WordPress export (WXR)")
    export.site_url = export.site_url or channel_link
    export.version = export.version or "1.0"
    return export


# --- comments ---------------------------------------------------------------------------------


class UrlScheme:
    """The URLs the site gives articles and pages (Pelican's ARTICLE_URL/PAGE_URL): thread keys."""

    def __init__(self, pelican_settings: Mapping[str, Any]) -> None:
        self.article = str(pelican_settings.get("ARTICLE_URL", "{slug}.html"))
        self.page = str(pelican_settings.get("PAGE_URL", "pages/{slug}.html"))
        self.lang = str(pelican_settings.get("DEFAULT_LANG", "en"))
        self.regex_subs = pelican_settings.get("SLUG_REGEX_SUBSTITUTIONS", [])

    def key(self, post: WxrPost, authors: Mapping[str, str]) -> str:
        pattern = self.page if post.post_type == "page" else self.article
        category = post.categories[0] if post.categories else "misc"
        author = authors.get(post.author, post.author)
        return pattern.format(
            slug=post.slug, date=post.date, lang=self.lang,
            category=slugify(category, regex_subs=self.regex_subs),
            author=slugify(author, regex_subs=self.regex_subs) if author else "",
        )


def _kind(comment: WxrComment) -> tuple[str, str | None] | None:
    if comment.type in ("", "comment"):
        return "comment", None
    if comment.type in ("pingback", "trackback"):
        return comment.type, None
    # The WordPress Webmention plugin stores mentions as "webmention" (older) or by post type.
    if comment.type == "webmention":
        declared = comment.meta.get("semantic_linkbacks_type", "mention")
        return "webmention", declared if declared in MENTION_TYPES else "mention"
    if comment.type in MENTION_TYPES:
        return "webmention", comment.type
    return None


_TRACKBACK_TITLE = re.compile(r"^\s*<strong>(.*?)</strong>\s*", re.S)


def _http_url(url: str) -> str | None:
    """An absolute http(s) URL that fits the store's column, else None (WordPress keeps "http://")."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > MAX_URL:
        return None
    return url


def _comment_id(comment: WxrComment, post: WxrPost) -> str:
    # An export without comment ids (hand-made or damaged) falls back to the comment's position.
    return comment.id or f"{post.id}:{comment.line}"


def comment_entry(comment: WxrComment, post: WxrPost, thread: str, site_url: str,
                  status: str, kind: tuple[str, str | None]) -> NewEntry:
    """The store entry for one WordPress comment, trackback or pingback."""
    body, title = comment.content, None
    if kind[0] == "trackback":  # WordPress stores "<strong>title</strong>\n\nexcerpt"
        match = _TRACKBACK_TITLE.match(body)
        if match:
            title, body = html.unescape(match.group(1)).strip(), body[match.end():]
    linkback = kind[0] != "comment"
    return NewEntry(
        thread=thread,
        kind=kind[0],
        mention_type=kind[1],
        status=status,
        author_name=(comment.author or ("Anonymous" if not linkback else comment.url))[:200],
        author_email=fitting_email(comment.email),
        author_url=_http_url(comment.url),
        source_url=_http_url(comment.url) if linkback else None,
        blog_name=comment.author[:200] if linkback and comment.author else None,
        title=title[:500] if title else None,
        body_source=body,
        body_html=sanitize_imported_html(decode_wp_content(body)),
        created_at=comment.created_at,
        dedupe_key=dedupe_key("wxr", site_url, _comment_id(comment, post)),
    )


def _status(comment: WxrComment, include_spam: bool, include_trash: bool) -> tuple[str | None, str]:
    """(state, reason it was skipped)."""
    status = APPROVAL.get(comment.approved, "pending")
    if status == "spam" and not include_spam:
        return None, "spam comments (use --include-spam)"
    if status == "deleted" and not include_trash:
        return None, "trashed comments (use --include-trash)"
    return status, ""


def comment_entries(export: WxrExport, posts: list[WxrPost], urls: UrlScheme, summary: ImportSummary,
                    *, include_spam: bool = False, include_trash: bool = False) -> list[ImportedEntry]:
    items = []
    for post in posts:
        thread = urls.key(post, export.authors)
        for comment in post.comments:
            status, reason = _status(comment, include_spam, include_trash)
            kind = _kind(comment)
            if kind is None:
                summary.skipped[f"comments of type {comment.type!r}"] += 1
                continue
            if status is None:
                summary.skipped[reason] += 1
                continue
            if post.post_type == "page":
                summary.notes["entries on pages: stored, but the theme shows comments on articles only"] += 1
            entry = comment_entry(comment, post, thread, export.site_url, status, kind)
            parent = f"{post.id}/{comment.parent}" if comment.parent else None
            items.append(ImportedEntry(f"{post.id}/{_comment_id(comment, post)}", parent, entry))
    return items


def selected_posts(export: WxrExport, summary: ImportSummary, *, include_private: bool = False
                   ) -> list[WxrPost]:
    """Posts and pages that become content; the rest is counted as skipped (private posts each
    named: the editor should know what was left out)."""
    chosen = []
    for post in export.posts:
        if post.post_type not in CONTENT_TYPES:
            summary.skipped[f"items of type {post.post_type!r}"] += 1
        elif post.status in DROPPED_STATES or (post.status == PRIVATE and not include_private):
            summary.skipped[f"{post.status} {post.post_type}s"] += 1
            summary.skipped["comments on posts not imported"] += len(post.comments)
            if post.status == PRIVATE:
                summary.details.append(f"left out private {post.post_type} “{post.title}” (WordPress id "
                                       f"{post.id}; --include-private imports it as Status: hidden)")
        else:
            chosen.append(post)
    return chosen


def import_wordpress(
    path: str | Path,
    store: Store,
    pelican_settings: Mapping[str, Any],
    *,
    articles_dir: Path,
    pages_dir: Path,
    include_spam: bool = False,
    include_trash: bool = False,
    include_private: bool = False,
    progress: bool = False,
) -> ImportSummary:
    """Import a WXR file: content files first, then every comment, trackback and pingback.

    ``include_private``: import private posts as ``Status: hidden`` (built, but listed nowhere)
    instead of leaving them out.
    """
    zone = ZoneInfo(str(pelican_settings.get("TIMEZONE") or "UTC"))
    export = read_wxr(path, progress=progress, local_zone=zone)
    summary = ImportSummary()
    posts = selected_posts(export, summary, include_private=include_private)
    urls = UrlScheme(pelican_settings)
    assign_slugs(posts, pelican_settings, lambda post: urls.key(post, export.authors))
    write_content(plan_files(posts, Path(articles_dir), Path(pages_dir)), export.authors, summary)
    items = comment_entries(export, posts, urls, summary,
                            include_spam=include_spam, include_trash=include_trash)
    save_entries(store, items, summary, progress=progress)
    return summary
