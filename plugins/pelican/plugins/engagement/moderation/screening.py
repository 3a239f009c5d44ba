"""Screening a new comment before it is stored: the form token, the rules, then Akismet.

The endpoint calls :func:`judge_comment` with the checked fields and gets the verdicts to settle
(:func:`pelican.plugins.engagement.moderation.rules.settle`); after the insert it records the
deciding verdict in the moderation log (:func:`log_decision`). Linkbacks are screened by
:func:`judge_linkback` when their source is verified (the disallowed keys, then Akismet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pelican.plugins.engagement.comments.threads import Thread
from pelican.plugins.engagement.moderation import akismet, form_token, rules
from pelican.plugins.engagement.settings import EngagementSettings, SiteConfig
from pelican.plugins.engagement.store import Entry, Store

#: States a person (or an earlier check) put an entry in; Akismet does not overrule them.
DECIDED = frozenset({"approved", "rejected", "spam"})


class _Context(Protocol):
    """The part of the endpoint's context screening needs."""

    config: SiteConfig
    secret: str

    @property
    def settings(self) -> EngagementSettings: ...

    def thread_url(self, thread: str) -> str: ...


class _Submission(Protocol):
    thread: Any
    name: str
    email: str | None
    website: str | None
    body: str
    body_html: str


@dataclass
class Judgement:
    """The verdicts on one comment, and what the store must keep because of them."""

    verdicts: list[rules.Verdict] = field(default_factory=list)
    #: Rate-limit scope that makes the form token count once (None: no valid token).
    use_key: str | None = None
    #: JSON context kept for Akismet reports (None while Akismet is off).
    spam_context: str | None = None


def judge_comment(ctx: _Context, submission: _Submission, token: str, ip_hash: str,
                  context: Mapping[str, str]) -> Judgement:
    """Every verdict on a comment. Raises ``form_token.TokenExpired``/``TokenMissing``."""
    settings = ctx.settings
    judged = Judgement()
    checked = form_token.check(ctx.secret, settings, token, submission.thread.key)
    if checked.verdict is not None:
        judged.verdicts.append(checked.verdict)
    judged.use_key = checked.use_key
    candidate = rules.Candidate(
        name=submission.name, email=submission.email, website=submission.website,
        body_source=submission.body, body_html=submission.body_html, ip_hash=ip_hash,
    )
    judged.verdicts += rules.check(settings, candidate)
    if akismet.enabled(settings) and not any(v.action == "spam" for v in judged.verdicts):
        fields = akismet.fields_for(
            ctx.config, kind="comment", name=submission.name, email=submission.email,
            website=submission.website, body=submission.body,
            permalink=ctx.thread_url(submission.thread.key), context=context,
        )
        found = akismet.verdict(settings, fields)
        if found is not None:
            judged.verdicts.append(found)
    if akismet.enabled(settings):
        judged.spam_context = akismet.context_json(context)
    return judged


def judge_linkback(settings: EngagementSettings, entry: Entry, thread: Thread) -> rules.Verdict | None:
    """The verdict on a verified linkback of ``thread``: the disallowed keys (its source, author and
    excerpt), then Akismet when it is on (spam, or a hold when Akismet cannot answer); None: neither.

    The link-count and moderation-word rules are for comments: a linkback's excerpt is another
    site's page, and its links are that page's own. Akismet is asked only about an entry nobody has
    decided on yet: a re-sent webmention a moderator approved stays approved (and is not sent again).
    """
    candidate = rules.Candidate(
        name=entry.author_name, website=entry.author_url, body_source=entry.body_source,
        ip_hash=entry.ip_hash, source_url=entry.source_url,
    )
    verdicts = [v for v in rules.check(settings, candidate) if v.rule == "disallowed"]
    if verdicts:
        return verdicts[0]
    if entry.status in DECIDED:
        return None
    return akismet.linkback_verdict(settings, entry, blog=thread.site_url + "/", permalink=thread.url)


def linkback_context(settings: EngagementSettings, context: Mapping[str, str]) -> str | None:
    """What a new linkback keeps for Akismet (the sender's address and agent); None while it is off."""
    return akismet.context_json(context) if akismet.enabled(settings) else None


def hold(store: Store, entry_id: int, verdict: rules.Verdict) -> Entry:
    """Keep a stored entry pending because of ``verdict``, saying so on the entry and in the log."""
    entry = store.update(entry_id, moderation_reason=verdict.reason)
    log_decision(store, entry, verdict)
    return entry


def hidden_link(reason: str) -> rules.Verdict:
    """The verdict on a linkback whose source hides its link to us (or is a link farm)."""
    return rules.Verdict("spam", "hidden-link", reason)


def mark_spam(store: Store, entry_id: int, verdict: rules.Verdict) -> Entry:
    """Move a stored entry to spam because of ``verdict`` (kept, recoverable, logged)."""
    store.update(entry_id, moderation_reason=verdict.reason)
    return store.set_status(entry_id, "spam", actor=rules.ACTOR, detail=verdict.reason)


def replayed_token() -> rules.Verdict:
    """The verdict on a comment whose (otherwise valid) form token was used before."""
    return rules.Verdict("spam", form_token.RULE, "the form token was used before")


def log_decision(store: Store, entry: Entry, verdict: rules.Verdict) -> None:
    """The rule's decision in the moderation log, next to the moderators' own."""
    action = "spam" if verdict.action == "spam" else "held"
    store.log(action, actor=rules.ACTOR, entry_id=entry.id, detail=verdict.reason)
