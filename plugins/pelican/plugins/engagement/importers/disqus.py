"""Disqus XML export → comments in the store, each thread matched to an article by its URL.

A Disqus export lists ``<thread>`` elements (the page a conversation belongs to: its ``<link>``)
and then ``<post>`` elements pointing at their thread and, for replies, their parent post. Threads
are matched against the articles the last build wrote (``threads.json``): by exact URL, or by the
path when the comments were made under another address (``old_urls``, e.g. the former domain).
Posts of unmatched threads are not imported; the run lists those URLs so nothing goes unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pelican.plugins.engagement.comments.threads import Manifest, Thread
from pelican.plugins.engagement.importers.common import (
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
from pelican.plugins.engagement.markup import sanitize_html
from pelican.plugins.engagement.store import NewEntry, Store, dedupe_key

DSQ_ID = "{http://disqus.com/disqus-internals}id"


@dataclass
class DisqusThread:
    id: str
    link: str
    title: str
    forum: str


@dataclass
class DisqusPost:
    id: str
    thread_id: str
    parent_id: str | None
    message: str
    created_at: datetime | None
    author_name: str
    author_email: str
    deleted: bool
    spam: bool
    approved: bool
    line: int


def _flag(value: str) -> bool:
    return value.strip().lower() == "true"


def _child(element: Any, name: str) -> Any:
    for child in element:
        if local_name(child) == name:
            return child
    return None


def _reference(element: Any, name: str) -> str | None:
    child = _child(element, name)
    return child.get(DSQ_ID) if child is not None else None


def _required_id(element: Any, path: Path) -> str:
    value = element.get(DSQ_ID)
    if not value:
        raise ImportFormatError(path, element.sourceline, local_name(element), "has no dsq:id attribute")
    return value


def _read_post(element: Any, path: Path) -> DisqusPost:
    author = _child(element, "author")
    thread_id = _reference(element, "thread")
    if not thread_id:
        raise ImportFormatError(path, element.sourceline, "post", "names no <thread dsq:id=…>")
    created = _child(element, "createdAt")
    approved = _child(element, "isApproved")
    return DisqusPost(
        id=_required_id(element, path),
        thread_id=thread_id,
        parent_id=_reference(element, "parent"),
        message=text_of(_child(element, "message")),
        created_at=parse_datetime(text_of(created), path, created) if created is not None else None,
        author_name=text_of(_child(author, "name")).strip() if author is not None else "",
        author_email=text_of(_child(author, "email")).strip() if author is not None else "",
        deleted=_flag(text_of(_child(element, "isDeleted"))),
        spam=_flag(text_of(_child(element, "isSpam"))),
        approved=approved is None or _flag(text_of(approved)),
        line=element.sourceline or 0,
    )


def read_disqus(path: str | Path, *, progress: bool = False
                ) -> tuple[dict[str, DisqusThread], list[DisqusPost]]:
    """Threads by Disqus id, and every post; raises :class:`ImportFormatError` naming the line."""
    path = Path(path)
    threads: dict[str, DisqusThread] = {}
    posts: list[DisqusPost] = []
    root_checked = False
    for event, element in iterparse(path, progress=progress):
        name = local_name(element)
        if event == "start":
            if not root_checked:
                root_checked = True
                if name != "disqus":
                    raise ImportFormatError(path, element.sourceline, name,
                                            "not a Disqus export (it starts with <disqus>)")
            continue
        parent = element.getparent()
        if parent is None or parent.getparent() is not None:
            continue  # only the root's children are records
        if name == "thread":
            thread_id = _required_id(element, path)
            threads[thread_id] = DisqusThread(thread_id, text_of(_child(element, "link")).strip(),
                                              text_of(_child(element, "title")).strip(),
                                              text_of(_child(element, "forum")).strip())
        elif name == "post":
            posts.append(_read_post(element, path))
        release(element)
    return threads, posts


def match_thread(link: str, manifest: Manifest, site_url: str, old_urls: Iterable[str] = ()) -> Thread | None:
    """The article a Disqus thread's URL names: the same URL, or the same path under an old address."""
    if not link:
        return None
    thread = manifest.by_url(link)
    if thread is not None:
        return thread
    site_path = urlsplit(site_url).path.strip("/")
    path = urlsplit(link).path.strip("/")
    for base in old_urls:
        base_path = urlsplit(base).path.strip("/")
        if link.startswith(base.rstrip("/")) and path.startswith(base_path):
            path = path[len(base_path):].strip("/")
            break
    else:
        if site_path and path.startswith(site_path):
            path = path[len(site_path):].strip("/")
    for key in (path, path + "/"):
        thread = manifest.get(key)
        if thread is not None:
            return thread
    return None


def _status(post: DisqusPost, include_spam: bool, include_deleted: bool) -> tuple[str | None, str]:
    if post.spam:
        return ("spam", "") if include_spam else (None, "spam posts (use --include-spam)")
    if post.deleted:
        return ("deleted", "") if include_deleted else (None, "deleted posts (use --include-deleted)")
    return ("approved" if post.approved else "pending"), ""


def import_disqus(
    path: str | Path,
    store: Store,
    manifest: Manifest,
    *,
    site_url: str,
    old_urls: Iterable[str] = (),
    include_spam: bool = False,
    include_deleted: bool = False,
    progress: bool = False,
) -> ImportSummary:
    """Import a Disqus export into ``store``; the summary lists the URLs no article matched."""
    threads, posts = read_disqus(path, progress=progress)
    summary = ImportSummary()
    matched: dict[str, Thread | None] = {
        thread_id: match_thread(thread.link, manifest, site_url, old_urls)
        for thread_id, thread in threads.items()
    }
    unmatched_used: set[str] = set()
    items = []
    for post in posts:
        thread = matched.get(post.thread_id)
        if thread is None:
            summary.skipped["posts on pages with no matching article"] += 1
            unmatched_used.add(threads[post.thread_id].link if post.thread_id in threads
                               else f"thread {post.thread_id}")
            continue
        status, reason = _status(post, include_spam, include_deleted)
        if status is None:
            summary.skipped[reason] += 1
            continue
        entry = NewEntry(
            thread=thread.key, kind="comment", status=status,
            author_name=(post.author_name or "Anonymous")[:200],
            author_email=fitting_email(post.author_email),
            body_source=post.message, body_html=sanitize_html(post.message), created_at=post.created_at,
            dedupe_key=dedupe_key("disqus", threads[post.thread_id].forum, post.id),
        )
        items.append(ImportedEntry(post.id, post.parent_id, entry))
    summary.unmatched = sorted(unmatched_used)
    save_entries(store, items, summary, progress=progress)
    return summary
