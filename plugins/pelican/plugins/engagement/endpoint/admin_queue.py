"""What the moderation page shows about each entry: everything a moderator needs to decide.

Built for one page of the queue at a time with a handful of queries (histories, parents and the
last log rows are fetched for the whole page, not per entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pelican.plugins.engagement.endpoint.context import EndpointContext
from pelican.plugins.engagement.markup import sanitize_html
from pelican.plugins.engagement.moderation import rules
from pelican.plugins.engagement.store import Entry, History

#: Why an entry is pending when no rule held it.
DEFAULT_PENDING = "Waiting for a person: no rule flagged it."
VERIFICATION_TEXT = {
    "none": "",
    "queued": "source not checked yet",
    "verified": "the source links here (verified)",
    "failed": "the source could not be verified",
}
EXCERPT = 160


@dataclass(frozen=True)
class Row:
    """One entry as the page shows it."""

    entry: Entry
    kind_label: str
    title: str
    url: str
    body_html: str
    parent: Entry | None
    parent_excerpt: str
    email_history: History | None
    client_history: History | None
    verification: str
    why: str
    why_rule: str | None


def kind_label(entry: Entry) -> str:
    """comment, reply (a comment answering another), trackback, pingback or webmention."""
    if entry.kind == "comment" and entry.parent_id is not None:
        return "reply"
    return entry.kind


def _minus_self(history: History | None, entry: Entry) -> History | None:
    """The *earlier* entries: the history without the entry itself."""
    if history is None:
        return None
    return History(
        total=history.total - 1,
        approved=history.approved - (entry.status == "approved"),
        spam=history.spam - (entry.status == "spam"),
    )


def _why(entry: Entry, last: dict[str, Any] | None) -> tuple[str, str | None]:
    """Why the entry is in its state, and the rule's name when a rule decided."""
    rule = rules.rule_of(entry.moderation_reason)
    if last is not None and last["actor"] not in (rules.ACTOR,) and last["action"] == entry.status:
        when = last["at"].strftime("%Y-%m-%d %H:%M")
        text = f"Set to {entry.status} by {last['actor']} on {when}"
        if last.get("detail"):
            text += f" ({last['detail']})"
        if entry.moderation_reason:
            text += f"; the rules had said: {entry.moderation_reason}"
        return text + ".", rule
    if entry.moderation_reason:
        verb = "Marked spam" if entry.status == "spam" else "Held"
        return f"{verb} by the rule {entry.moderation_reason}.", rule
    if entry.status == "pending":
        return DEFAULT_PENDING, None
    if entry.status == "approved":
        return "Approved when it arrived (a returning commenter or an auto-approved webmention).", None
    return "", None


def build_rows(ctx: EndpointContext, found: list[Entry]) -> list[Row]:
    """The page's rows, with histories, parents and the last log row read for all entries at once."""
    store = ctx.store
    by_email, by_client = store.histories(
        emails=[e.author_email for e in found if e.author_email],
        ip_hashes=[e.ip_hash for e in found if e.ip_hash],
    )
    last = store.last_actions(e.id for e in found)
    parents: dict[int, Entry | None] = {}
    rows = []
    for entry in found:
        parent = None
        if entry.parent_id is not None:
            if entry.parent_id not in parents:
                parents[entry.parent_id] = store.get(entry.parent_id)
            parent = parents[entry.parent_id]
        thread = ctx.manifest.get(entry.thread)
        why, rule = _why(entry, last.get(entry.id))
        verification = VERIFICATION_TEXT.get(entry.verification, entry.verification)
        if entry.verify_error:
            verification += f": {entry.verify_error}"
        rows.append(Row(
            entry=entry,
            kind_label=kind_label(entry),
            title=thread.title if thread else entry.thread,
            url=ctx.thread_url(entry.thread),
            # Stored HTML is sanitized on the way in; cleaning again costs little and guards the
            # moderator against anything that reached the store by another route.
            body_html=sanitize_html(entry.body_html),
            parent=parent,
            parent_excerpt=_excerpt(parent.body_source) if parent else "",
            email_history=_minus_self(by_email.get((entry.author_email or "").lower()), entry)
            if entry.author_email else None,
            client_history=_minus_self(by_client.get(entry.ip_hash or ""), entry) if entry.ip_hash else None,
            verification=verification,
            why=why,
            why_rule=rule,
        ))
    return rows


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"
