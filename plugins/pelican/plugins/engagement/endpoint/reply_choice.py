"""The "In reply to" choice of the no-JavaScript "check and send" page.

The static comment form carries no list of the thread's comments (on a long thread it weighed about
2 KB of every page view, for the few readers who reply without JavaScript; readers with it use the
"Reply" buttons ``comments.js`` adds). Instead a form posted from the static page without a script
marks itself with :data:`FIELD`; when the thread has a comment one could reply to, the endpoint
answers with the "check and send" page, and that page asks whom the comment replies to.

The list is read from the store, so it is the thread as it is now (a comment approved since the
page was built is offered too). It holds the entries the article shows in its thread (comments, and
webmention or social replies: ``PublicEntry.in_thread``), every one of which the endpoint accepts
as a parent (a reply too deep is moved up, never refused). It is bounded by :data:`LIMIT`: a
thread of thousands would otherwise make a page of thousands of options, slow to send and useless
to scroll; the newest are the ones a reader most likely answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from pelican.plugins.engagement.comments.entries import SOCIAL_KINDS
from pelican.plugins.engagement.moderation import form_token
from pelican.plugins.engagement.store import Store
from pelican.plugins.engagement.store.records import aware
from pelican.plugins.engagement.store.schema import entries

#: The static form's marker: "sent without a script; let me choose whom I reply to".
FIELD = "choose_parent"
#: At most this many comments are offered (the newest); the page says so when there are more.
LIMIT = 100

_IN_THREAD = or_(
    entries.c.kind == "comment",
    and_(entries.c.kind.in_(("webmention", *SOCIAL_KINDS)), entries.c.mention_type == "reply"),
)


@dataclass(frozen=True)
class Choice:
    """One option: the entry's id and the words the reader sees."""

    id: int
    label: str
    selected: bool


@dataclass(frozen=True)
class ReplyChoices:
    """The options, oldest first, and whether older comments were left out."""

    options: list[Choice]
    more: bool
    limit: int


def wanted(data: Mapping[str, Any]) -> bool:
    """The post comes from the static form without a script: marked, and without a form token (a
    post from the "check and send" page carries one, so the reader is never asked twice)."""
    marked = str(data.get(FIELD) or "").strip()
    token = str(data.get(form_token.FIELD) or "").strip()
    return bool(marked) and not token


def reply_choices(store: Store, thread: str, posted: str, format_date: Callable[[datetime], str],
                  limit: int | None = None) -> ReplyChoices:
    """The newest ``limit`` replyable entries of ``thread``, oldest first, ``posted`` preselected
    (and listed even when it is older than the newest ``limit``).

    A name gets its date only when it occurs more than once, as the static list did: the list stays
    short to read and two comments by "Ann" are still told apart.
    """
    limit = LIMIT if limit is None else limit
    query = (
        select(entries.c.id, entries.c.author_name, entries.c.created_at)
        .where(_of_thread(thread))
        .order_by(entries.c.created_at.desc(), entries.c.id.desc())
        .limit(limit + 1)
    )
    chosen = _posted_id(posted)
    with store.read() as conn:
        rows = conn.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        if chosen is not None and all(row.id != chosen for row in rows):
            rows += conn.execute(query.where(entries.c.id == chosen).limit(1)).all()
    rows.sort(key=lambda row: (aware(row.created_at), row.id))
    names = Counter(_name(row.author_name) for row in rows)
    options = [
        Choice(row.id, _name(row.author_name) + (
            f", {format_date(aware(row.created_at))}" if names[_name(row.author_name)] > 1 else ""),
            row.id == chosen)
        for row in rows
    ]
    return ReplyChoices(options, more, limit)


def _of_thread(thread: str) -> Any:
    return and_(entries.c.thread == thread, entries.c.status == "approved", _IN_THREAD)


def _posted_id(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _name(value: str | None) -> str:
    """As the pages print it (``PublicEntry``): a nameless entry is "Anonymous"."""
    return value or "Anonymous"
