"""Accepting a TrackBack, Pingback or Webmention: one set of checks, one way into the store.

The three protocols differ on the wire (a form, XML-RPC, a form again) but not in what a receiver
must decide: is the target one of our articles and open for linkbacks, is the source a URL we may
fetch, is this client or source host sending too much, have we seen this (source, target) pair
before. :class:`Intake` makes those decisions once; the endpoint's routes only translate the
:class:`Rejected` they get into each protocol's error format (HTTP 400/429, XML-RPC fault, TrackBack
``<error>1</error>``).

Pingbacks are verified while the caller waits, because the XML-RPC answer is the only feedback the
spec gives a sender; webmentions and trackbacks are queued and verified by :mod:`.worker` (the
Webmention Recommendation asks for asynchronous verification, and a slow source must not hold a
request open).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pelican.plugins.engagement.comments.threads import Manifest, Thread
from pelican.plugins.engagement.linkbacks.verify import (
    HiddenLink,
    NoLink,
    SourceGone,
    SourceRefused,
    SourceReport,
    SourceUnavailable,
    VerificationFailed,
    verify_source,
)
from pelican.plugins.engagement.markup import plain_text_to_html
from pelican.plugins.engagement.moderation import screening
from pelican.plugins.engagement.settings import EngagementSettings
from pelican.plugins.engagement.store import Entry, NewEntry, Store, dedupe_key, utcnow

log = logging.getLogger(__name__)

# Pingback 1.0 fault codes.
FAULT_GENERIC = 0
FAULT_SOURCE_MISSING = 0x10
FAULT_NO_LINK = 0x11
FAULT_TARGET_MISSING = 0x20
FAULT_TARGET_INVALID = 0x21
FAULT_ALREADY_REGISTERED = 0x30
FAULT_ACCESS_DENIED = 0x31
FAULT_UPSTREAM = 0x32

MAX_URL_LENGTH = 2048
#: An entry's fields with neutral values, for screening a pingback before it is stored.
_BLANK: dict[str, Any] = {
    "id": 0, "uuid": "", "thread": "", "parent_id": None, "kind": "pingback", "status": "pending",
    "author_name": "", "author_email": None, "author_url": None, "author_photo": None, "title": None,
    "blog_name": None, "source_url": None, "mention_type": None, "body_source": "", "body_html": "",
    "created_at": None, "updated_at": None, "approved_at": None, "ip_hash": None, "notify": False,
    "verification": "none", "verify_attempts": 0, "verify_error": None, "verified_at": None,
    "dedupe_key": None,
}
VERIFIER = "linkback-verifier"


@dataclass
class Rejected(Exception):
    """A linkback we refuse: the message for the sender, its HTTP status and Pingback fault code."""

    message: str
    status: int = 400
    fault: int = FAULT_GENERIC
    retry_after: int | None = None

    def __str__(self) -> str:
        return self.message


def linkback_key(thread: str, source: str) -> str:
    """One key per (article, source) for all three protocols, so a site that sends both a pingback
    and a webmention for one post is listed once (WordPress dedupes on the same pair)."""
    return dedupe_key("linkback", thread, source)


def check_url(url: str, what: str, fault: int) -> str:
    """A usable http(s) URL, or :class:`Rejected` naming which parameter is wrong."""
    url = (url or "").strip()
    if not url:
        raise Rejected(f"The {what} URL is missing.", fault=fault)
    if len(url) > MAX_URL_LENGTH:
        raise Rejected(f"The {what} URL is longer than {MAX_URL_LENGTH} characters.", fault=fault)
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in url):
        raise Rejected(f"The {what} URL contains a control character.", fault=fault)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Rejected(f"The {what} URL must be an absolute http or https URL.", fault=fault)
    return url


@dataclass
class Intake:
    """Validates and stores incoming linkbacks for one endpoint (share one per process)."""

    store: Store
    settings: EngagementSettings
    manifest: Manifest

    # --- checks shared by the three protocols --------------------------------------------------

    def target_thread(self, target: str, kind: str) -> Thread:
        """The open article ``target`` points at (its ``#fragment`` ignored), or :class:`Rejected`."""
        target = check_url(target, "target", FAULT_TARGET_MISSING)
        thread = self.manifest.by_url(target)
        if thread is None:
            raise Rejected("The target is not an article on this site.", fault=FAULT_TARGET_MISSING)
        return self.open_thread(thread, kind)

    def open_thread(self, thread: Thread, kind: str) -> Thread:
        if not self.enabled(kind):
            raise Rejected(f"This site does not accept {kind}s.", fault=FAULT_TARGET_INVALID)
        accepts, _reason = thread.accepts_comments()
        if not accepts:
            raise Rejected(f"This article does not accept {kind}s any more.",
                           fault=FAULT_TARGET_INVALID)
        return thread

    def enabled(self, kind: str) -> bool:
        return {"trackback": self.settings.TRACKBACKS, "pingback": self.settings.PINGBACKS,
                "webmention": self.settings.WEBMENTIONS}[kind]

    def admit(self, ip_hash: str, source: str) -> None:
        """Per-client and per-source-host limits (the pingback reflection-DDoS defence)."""
        window = self.settings.LINKBACK_RATE_WINDOW
        host = (urlsplit(source).hostname or "").lower()
        checks = (
            (f"linkback-client:{ip_hash}", self.settings.LINKBACK_RATE_LIMIT),
            (f"linkback-source:{host}", self.settings.LINKBACK_SOURCE_RATE_LIMIT),
        )
        for scope, limit in checks:
            if not self.store.admit(scope, limit, window):
                raise Rejected("Too many linkbacks; please try again later.", status=429,
                               fault=FAULT_ACCESS_DENIED, retry_after=window)

    # --- the three protocols ---------------------------------------------------------------------

    def trackback(self, thread_key: str, *, url: str, title: str, excerpt: str, blog_name: str,
                  ip_hash: str, client: Mapping[str, str] | None = None) -> Entry:
        """Store a TrackBack ping (queued for a link check, since the protocol has none)."""
        thread = self.manifest.get(thread_key)
        if thread is None:
            raise Rejected("There is no article at this TrackBack address.", status=404)
        self.open_thread(thread, "trackback")
        url = check_url(url, "url", FAULT_SOURCE_MISSING)
        self.admit(ip_hash, url)
        key = linkback_key(thread.key, url)
        if self.store.find_by_dedupe_key(key) is not None:
            raise Rejected("This trackback was already registered.", fault=FAULT_ALREADY_REGISTERED)
        excerpt = _limit(excerpt, 1000)
        entry, _created = self.store.add_or_update(NewEntry(
            thread=thread.key, kind="trackback", author_name=_limit(blog_name, 200),
            title=_limit(title, 500) or None, blog_name=_limit(blog_name, 200) or None,
            source_url=url, body_source=excerpt, body_html=plain_text_to_html(excerpt),
            ip_hash=ip_hash, verification="queued", dedupe_key=key,
            spam_context=self._spam_context(client),
        ))
        return entry

    def pingback(self, source: str, target: str, *, ip_hash: str, client_ip: str,
                 client: Mapping[str, str] | None = None) -> Entry:
        """Verify and store a pingback; fault codes follow the Pingback 1.0 spec."""
        source = check_url(source, "source", FAULT_SOURCE_MISSING)
        thread = self.target_thread(target, "pingback")
        if _same_url(source, target):
            raise Rejected("The source and the target are the same URL.", fault=FAULT_GENERIC)
        self.admit(ip_hash, source)
        key = linkback_key(thread.key, source)
        if self.store.find_by_dedupe_key(key) is not None:
            raise Rejected("The pingback has already been registered.", fault=FAULT_ALREADY_REGISTERED)
        try:
            report = verify_source(source, target.strip(), settings=self.settings,
                                   headers=_forwarded_for(client_ip))
        except HiddenLink as failure:
            self._keep_as_spam(thread.key, source, key, ip_hash, failure.reason)
            raise self._pingback_fault(failure) from None
        except VerificationFailed as failure:
            raise self._pingback_fault(failure) from None
        new = NewEntry(thread=thread.key, kind="pingback", source_url=source, ip_hash=ip_hash,
                       verification="verified", dedupe_key=key, spam_context=self._spam_context(client))
        apply_report(new, report)
        judged = screening.judge_linkback(self.settings, Entry(**{**_BLANK, **{
            "author_name": new.author_name, "author_url": new.author_url, "blog_name": new.blog_name,
            "body_source": new.body_source, "source_url": source, "ip_hash": ip_hash,
            "spam_context": new.spam_context}}), thread)
        if judged is not None:  # spam, or held when Akismet could not answer
            new.status = "spam" if judged.action == "spam" else "pending"
            new.moderation_reason = judged.reason
        entry, _created = self.store.add_or_update(new)
        if judged is not None:
            screening.log_decision(self.store, entry, judged)
        return self.store.update(entry.id, verified_at=utcnow())

    def _keep_as_spam(self, thread: str, source: str, key: str, ip_hash: str, reason: str) -> None:
        """A pingback whose source hides its link: kept as spam for the moderator, then refused."""
        verdict = screening.hidden_link(reason)
        entry, _created = self.store.add_or_update(NewEntry(
            thread=thread, kind="pingback", source_url=source, ip_hash=ip_hash, status="spam",
            verification="failed", dedupe_key=key, moderation_reason=verdict.reason,
            author_name=urlsplit(source).hostname or "",
        ))
        screening.log_decision(self.store, entry, verdict)

    def webmention(self, source: str, target: str, *, ip_hash: str,
                   client: Mapping[str, str] | None = None) -> Entry:
        """Validate and queue a webmention; a re-sent one re-queues the stored entry."""
        source = check_url(source, "source", FAULT_SOURCE_MISSING)
        thread = self.target_thread(target, "webmention")
        if _same_url(source, target):
            raise Rejected("The source and the target must be different URLs.")
        self.admit(ip_hash, source)
        key = linkback_key(thread.key, source)
        existing = self.store.find_by_dedupe_key(key)
        if existing is not None:
            # Webmention §3.2.4: the same pair again is an update; re-verify before changing it.
            return self.store.update(existing.id, verification="queued", verify_attempts=0,
                                     verify_error=None)
        entry, _created = self.store.add_or_update(NewEntry(
            thread=thread.key, kind="webmention", source_url=source, author_name="",
            mention_type="mention", ip_hash=ip_hash, verification="queued", dedupe_key=key,
            spam_context=self._spam_context(client),
        ))
        return entry

    def _spam_context(self, client: Mapping[str, str] | None) -> str | None:
        """The sender's address and agent, kept only while Akismet is on (it asks for them)."""
        return screening.linkback_context(self.settings, client) if client else None

    def _pingback_fault(self, failure: VerificationFailed) -> Rejected:
        """Spec codes when PINGBACK_FAULT_DETAIL is on; otherwise WordPress's generic fault 0."""
        log.info("pingback refused: %s", failure.reason)
        if not self.settings.PINGBACK_FAULT_DETAIL:
            return Rejected("", fault=FAULT_GENERIC)
        if isinstance(failure, NoLink):
            return Rejected("The source does not contain a link to the target.", fault=FAULT_NO_LINK)
        if isinstance(failure, SourceGone | SourceRefused):
            return Rejected("The source URL does not exist.", fault=FAULT_SOURCE_MISSING)
        assert isinstance(failure, SourceUnavailable)
        return Rejected("The source could not be retrieved.", fault=FAULT_UPSTREAM)


def apply_report(new: NewEntry, report: SourceReport) -> None:
    """Copy what a verified source says into an entry (plain text, escaped into ``body_html``)."""
    new.author_name = report.author_name
    new.author_url = report.author_url
    new.title = report.title
    new.blog_name = report.site_name
    new.mention_type = report.mention_type
    new.body_source = report.content
    new.body_html = plain_text_to_html(report.content)


def report_fields(report: SourceReport) -> dict[str, Any]:
    """The entry columns a verified report sets (for updating a stored mention)."""
    new = NewEntry(thread="-")
    apply_report(new, report)
    return {name: getattr(new, name) for name in (
        "author_name", "author_url", "title", "blog_name", "mention_type", "body_source", "body_html")}


def _forwarded_for(client_ip: str) -> dict[str, str]:
    # WordPress's courtesy to the site we fetch: say on whose behalf, so abuse can be traced.
    return {"X-Pingback-Forwarded-For": client_ip} if client_ip else {}


def _same_url(source: str, target: str) -> bool:
    return source.strip().split("#", 1)[0] == target.strip().split("#", 1)[0]


def _limit(text: str | None, length: int) -> str:
    """A ping's field cut to its column: names and titles on one line, an excerpt as written."""
    text = (text or "").replace("\x00", "")  # a NUL is no text, and PostgreSQL refuses it
    text = text.strip() if length > 500 else " ".join(text.split())
    return text[:length]
