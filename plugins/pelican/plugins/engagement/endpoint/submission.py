"""Checking a posted comment and storing it: the same rules for the HTML form and the JSON API.

The order matters: the cheap checks that explain themselves to an honest reader (which article, is it
open, are the fields right) come first; the rate limits count only well-formed comments, so a reader
fixing a typo is not locked out; the row is committed before the caller answers 2xx.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.endpoint import security
from pelican.plugins.engagement.endpoint.context import EndpointContext
from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.markup import render_comment
from pelican.plugins.engagement.moderation import form_token, rules, screening
from pelican.plugins.engagement.store import (
    Entry,
    IdempotencyKey,
    NewEntry,
    RateLimit,
    RateLimited,
    StoreError,
)
from pelican.plugins.engagement.store.schema import entries

#: Longest author name and website address we keep (the columns allow more; people need less).
NAME_MAX_LENGTH = 200
WEBSITE_MAX_LENGTH = 2048
EMAIL_MAX_LENGTH = 254
#: The honeypot: a field hidden from people, so only robots fill it in.
HONEYPOT_FIELD = "homepage"

_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]{2,}$")
_TRUE = {"1", "true", "on", "yes"}


@dataclass(frozen=True)
class Submission:
    """A comment's fields after checking: safe to store."""

    thread: Thread
    name: str
    email: str | None
    website: str | None
    body: str
    body_html: str
    parent_id: int | None
    notify: bool


def accept_comment(ctx: EndpointContext, data: Mapping[str, Any], address: str,
                   client: Mapping[str, str] | None = None, key: IdempotencyKey | None = None,
                   answer: Callable[[Entry], tuple[int, str]] | None = None) -> tuple[Entry, Thread]:
    """Check a posted comment, judge it by the spam rules, count it against the rate limits and
    store it — or refuse.

    The limits and the insert share one write transaction: the comment is committed (durably)
    before this returns, and a refused one leaves no trace in the limits. A rule never drops a
    comment: it holds it (pending) or marks it spam, and says which rule on the entry and in the
    moderation log (:mod:`pelican.plugins.engagement.moderation.screening`).

    With an idempotency ``key``, ``answer(entry)`` is stored with the entry in that transaction; a
    key already used raises :class:`~pelican.plugins.engagement.store.Replayed` (nothing written).
    """
    submission = check_submission(ctx, data)
    back = submission.thread.url
    ip_hash = security.hash_ip(ctx.secret, address)
    context = {"user_ip": address, **(client or {})}
    try:
        judged = screening.judge_comment(ctx, submission, _text(data, form_token.FIELD), ip_hash, context)
    except form_token.TokenExpired:
        raise Refusal(
            400, "This comment form was opened too long ago. Please send your comment again.",
            back_url=back,
        ) from None
    default = "approved" if _is_returning(ctx, submission) else "pending"
    status, decided = rules.settle(judged.verdicts, default)
    new = NewEntry(
        thread=submission.thread.key,
        kind="comment",
        status=status,
        author_name=submission.name,
        author_email=submission.email,
        author_url=submission.website,
        body_source=submission.body,
        body_html=submission.body_html,
        parent_id=submission.parent_id,
        ip_hash=ip_hash,
        notify=submission.notify,
        moderation_reason=decided.reason if decided else None,
        spam_context=judged.spam_context,
    )
    limits = list(security.comment_limits(ctx.settings, ip_hash, new.thread))
    if judged.use_key:  # a token counts once: a second comment with it is a robot replaying it
        limits.append(RateLimit(judged.use_key, 1, ctx.settings.FORM_TOKEN_MAX_AGE))
    try:
        entry = ctx.store.add_admitted(new, limits, key, answer)
    except RateLimited as refused:
        if refused.limit.scope != judged.use_key:
            raise security.rate_refusal(refused, back) from None
        decided = screening.replayed_token()
        new.status, new.moderation_reason = "spam", decided.reason
        try:
            entry = ctx.store.add_admitted(new, limits[:-1], key, answer)
        except RateLimited as again:
            raise security.rate_refusal(again, back) from None
    except StoreError as error:  # the parent vanished between the check and the insert
        raise Refusal(400, str(error), field="parent", back_url=back) from None
    if decided is not None and entry.status != default:  # the rule changed the outcome: log it
        screening.log_decision(ctx.store, entry, decided)
    return entry, submission.thread


def check_submission(ctx: EndpointContext, data: Mapping[str, Any]) -> Submission:
    """Every field checked in reading order; the first problem is refused with its field named."""
    thread = _thread(ctx, _text(data, "thread"))
    back = thread.url
    if _text(data, HONEYPOT_FIELD):
        raise Refusal(
            400,
            "The form's hidden “homepage” field must stay empty (it is there to catch spam robots).",
            field=HONEYPOT_FIELD,
            back_url=back,
        )
    body = _text(data, "body", strip=False).strip()
    submission = Submission(
        thread=thread,
        name=_name(_text(data, "name"), back),
        email=_email(_text(data, "email"), back),
        website=_website(_text(data, "website"), back),
        body=body,
        body_html=_body_html(ctx, body, back),
        parent_id=_parent(ctx, thread, _text(data, "parent"), back),
        notify=_text(data, "notify").lower() in _TRUE,
    )
    if submission.notify and not submission.email:
        raise Refusal(400, "Give your e-mail address to be told about replies.", field="email", back_url=back)
    return submission


def normalise_thread_key(value: str, site_url: str) -> str:
    """Accept the key as the form sends it, with a leading slash, or as the article's full URL."""
    value = value.strip()
    if site_url and value.startswith(site_url + "/"):
        value = value[len(site_url) + 1:]
    return value.split("#", 1)[0].lstrip("/")


def _thread(ctx: EndpointContext, value: str) -> Thread:
    if not value:
        raise Refusal(400, "The form does not say which article the comment is for.", field="thread")
    key = normalise_thread_key(value, ctx.config.site_url)
    thread = ctx.manifest.get(key)
    if thread is None:
        if not len(ctx.manifest):
            raise Refusal(503, "Comments are not available yet: the site has not been built.")
        raise Refusal(404, f"There is no article at “{key}” to comment on.", field="thread")
    open_, reason = thread.accepts_comments()
    if not open_:
        raise Refusal(403, reason, field="thread", back_url=thread.url)
    return thread


def _text(data: Mapping[str, Any], name: str, *, strip: bool = True) -> str:
    value = data.get(name)
    if value is None or value is False:
        return ""
    if value is True:  # a script may send the checkbox as a JSON boolean
        return "1"
    if not isinstance(value, str | int):
        raise Refusal(400, f"The field “{name}” must be text.", field=name)
    text = str(value).replace("\x00", "")
    return text.strip() if strip else text


def _single_line(value: str) -> str:
    """Collapse whitespace and drop control characters (names and addresses are one line)."""
    cleaned = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(cleaned.split())


def _name(value: str, back: str) -> str:
    name = _single_line(value)
    if not name:
        raise Refusal(400, "Please give your name.", field="name", back_url=back)
    if len(name) > NAME_MAX_LENGTH:
        raise Refusal(
            400, f"Your name may be at most {NAME_MAX_LENGTH} characters long.", field="name", back_url=back
        )
    return name


def _email(value: str, back: str) -> str | None:
    if not value:
        return None
    if len(value) > EMAIL_MAX_LENGTH or not _EMAIL.match(value):
        raise Refusal(400, f"“{value[:80]}” is not an e-mail address.", field="email", back_url=back)
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _website(value: str, back: str) -> str | None:
    """The reader's website as a full http(s) address. A bare domain ("example.org", or
    "//example.org") gets ``https://``, as the form and the README promise; anything that is not
    a web address (another scheme, no dot in the host, a broken port or IPv6 literal) is refused."""
    if not value:
        return None
    if value.startswith("//"):
        value = "https:" + value
    elif "://" not in value and not value.lower().startswith(("mailto:", "javascript:", "data:")):
        value = "https://" + value
    try:
        parts = urlsplit(value)
        scheme, host = parts.scheme.lower(), parts.hostname
        _port = parts.port  # a port that is not a number from 0 to 65535 raises here
    except ValueError:  # "https://[::1" (an unclosed IPv6 literal), "example.org:99999"
        scheme, host = "", None
    if (
        scheme not in {"http", "https"}
        or not host
        or "." not in host
        or any(ch.isspace() for ch in value)
    ):
        raise Refusal(
            400, "Your website must be a web address, such as example.org or https://example.org.",
            field="website", back_url=back,
        )
    if len(value) > WEBSITE_MAX_LENGTH:
        raise Refusal(
            400, f"Your website address may be at most {WEBSITE_MAX_LENGTH} characters long.",
            field="website", back_url=back,
        )
    return value


def _body_html(ctx: EndpointContext, body: str, back: str) -> str:
    limit = ctx.settings.COMMENT_MAX_LENGTH
    if not body:
        raise Refusal(400, "Please write a comment before sending.", field="body", back_url=back)
    if len(body) > limit:
        raise Refusal(
            400,
            f"Your comment is {len(body):,} characters long; the limit is {limit:,}. Please shorten it.",
            field="body", back_url=back,
        )
    rendered = render_comment(body)
    if not rendered:
        raise Refusal(400, "Please write a comment before sending.", field="body", back_url=back)
    return rendered


def _parent(ctx: EndpointContext, thread: Thread, value: str, back: str) -> int | None:
    """The reply-to entry, moved up the thread so that no reply sits deeper than COMMENT_MAX_DEPTH."""
    if not value:
        return None
    try:
        parent_id = int(value)
    except ValueError:
        raise Refusal(400, "The comment you are replying to is not known.", field="parent", back_url=back) \
            from None
    chain = _ancestry(ctx, parent_id)  # root first, the replied-to comment last
    if not chain or chain[-1].thread != thread.key or chain[-1].status != "approved":
        raise Refusal(
            400, "The comment you are replying to is not published on this article.",
            field="parent", back_url=back,
        )
    max_depth = ctx.settings.COMMENT_MAX_DEPTH
    if len(chain) + 1 <= max_depth:
        return parent_id
    # Too deep: attach as a sibling at the deepest level, as WordPress does.
    return chain[max_depth - 2].id if max_depth >= 2 else None


def _ancestry(ctx: EndpointContext, entry_id: int) -> list[Entry]:
    chain: list[Entry] = []
    seen: set[int] = set()
    current: int | None = entry_id
    while current is not None and current not in seen:
        seen.add(current)
        entry = ctx.store.get(current)
        if entry is None:
            break
        chain.append(entry)
        current = entry.parent_id
    return list(reversed(chain))


def _is_returning(ctx: EndpointContext, submission: Submission) -> bool:
    """AUTO_APPROVE_RETURNING: same name and e-mail as an approved comment (WordPress's rule)."""
    if not ctx.settings.AUTO_APPROVE_RETURNING or not submission.email:
        return False
    query = (
        select(entries.c.id)
        .where(
            entries.c.kind == "comment",
            entries.c.status == "approved",
            func.lower(entries.c.author_email) == submission.email.lower(),
            entries.c.author_name == submission.name,
        )
        .limit(1)
    )
    with ctx.store.read() as conn:
        return conn.execute(query).first() is not None
