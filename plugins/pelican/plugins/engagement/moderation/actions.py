"""Moderation actions (and erasure) and what follows them, shared by the CLI and the admin page.

An action changes an entry's state in the store (``Store.set_status``/``Store.delete`` log who did
what in ``moderation_log``). When the public pages change — an entry was approved, or an approved
one was rejected, marked as spam or deleted — the affected article is re-rendered at once through
the rebuild hook (``ENGAGEMENT_REBUILD_ON_APPROVE``), and people waiting for replies are told.

New entries pass through :func:`announce` after they are committed: the editor's notice, the
confirmation message for reply notices, and, for an auto-approved comment, the reply notices an
approval sends.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pelican.plugins.engagement.comments.threads import Manifest
from pelican.plugins.engagement.moderation import notify, subscriptions
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Entry, NewEntry, Store, StoreError

log = logging.getLogger(__name__)

#: Action name → the status it sets (``delete`` removes the entry instead).
STATUS_OF = {"approve": "approved", "reject": "rejected", "spam": "spam"}
ACTIONS = (*STATUS_OF, "delete")
#: Confirmation messages one address may receive per day (the form must not be a way to mail people).
CONFIRMATIONS_PER_DAY = 3


class ModerationError(Exception):
    """An action that cannot be carried out (unknown entry or action); the message says why."""


class PageUpdate(str):
    """What happened to the pages after an action: the sentence for people, and why it failed.

    A string (the admin page and the CLI print it as it is) that also carries ``error``: why the
    pages could not be updated, empty when they were or needed no update. The action itself
    stands; the CLI exits non-zero on an error so a script notices the pages lag behind.
    """

    error: str

    def __new__(cls, message: str, error: str = "") -> PageUpdate:
        update = super().__new__(cls, message)
        update.error = error
        return update

    @property
    def failed(self) -> bool:
        return bool(self.error)


UNCHANGED = PageUpdate("The pages did not change.")
#: Failures of the fast page update that have a reason a person can act on (no traceback needed).
EXPECTED_UPDATE_FAILURES: tuple[type[Exception], ...] = (OSError, StoreError)


@dataclass(frozen=True)
class Outcome:
    """The result of one action, for the CLI and the admin page to report."""

    entry: Entry
    action: str
    pages_changed: bool
    rebuild: PageUpdate

    def done(self) -> str:
        """What the action did to the entry: ``Comment 12 approved.``"""
        verb = {"approve": "approved", "reject": "rejected", "spam": "marked as spam",
                "delete": "deleted"}[self.action]
        return f"{self.entry.kind.capitalize()} {self.entry.id} {verb}."

    def summary(self) -> str:
        return f"{self.done()} {self.rebuild}"


#: Hands the follow-up of an action (reply notices, Akismet reports) to whoever runs it later.
Defer = Callable[[Callable[[], None]], None]


def moderate(config: SiteConfig, store: Store, entry_id: int, action: str, *, actor: str,
             defer: Defer | None = None) -> Outcome:
    """Apply ``action`` to an entry, then update pages and notify as the change requires."""
    outcome = moderate_many(config, store, [entry_id], action, actor=actor, defer=defer)
    if outcome.errors:
        raise ModerationError(outcome.errors[0])
    return outcome.outcomes[0]


@dataclass(frozen=True)
class BulkOutcome:
    """The result of one action on many entries: one page update for all of them."""

    action: str
    outcomes: list[Outcome]
    errors: list[str]
    rebuild: PageUpdate

    def summary(self) -> str:
        verb = {"approve": "approved", "reject": "rejected", "spam": "marked as spam",
                "delete": "deleted"}[self.action]
        done = len(self.outcomes)
        text = f"{done} {'entry' if done == 1 else 'entries'} {verb}. {self.rebuild}"
        if self.errors:
            text += f" Not done: {'; '.join(self.errors)}."
        return text


def moderate_many(config: SiteConfig, store: Store, entry_ids: Iterable[int], action: str, *,
                  actor: str, defer: Defer | None = None) -> BulkOutcome:
    """Apply ``action`` to several entries; the affected threads' pages are re-rendered ONCE.

    Every entry changes (with its own moderation-log line) in ONE transaction, so a batch of 500
    costs one commit, not 500; an unknown id is reported and does not undo the others. The page
    update follows for the union of the affected threads (one refresh job in worker mode, one
    deploy push), then, per entry, the reply notices and the Akismet reports: after the commit
    and after the pages, so a slow mail server or Akismet never holds the pages back. ``defer``
    takes them instead of running them here: the moderation page sends them after its answer.
    """
    if action not in ACTIONS:
        raise ModerationError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    changed, missing = _apply(store, entry_ids, action, actor)
    shown = [(after, _pages_change(before, action)) for before, after in changed]
    threads = {after.thread for after, pages in shown if pages}
    rebuild = refresh_pages(config, threads, store) if threads else UNCHANGED
    follow_up = functools.partial(_follow_up, config, store, changed, action)
    if defer is None:
        follow_up()
    else:
        defer(follow_up)
    results = [Outcome(after, action, pages, rebuild if pages else UNCHANGED) for after, pages in shown]
    return BulkOutcome(action, results, [f"no entry with id {i}" for i in missing], rebuild)


def _pages_change(before: Entry, action: str) -> bool:
    """Whether the pages look different: the entry enters them (approve) or leaves them."""
    return (before.status == "approved") != (action == "approve")


def _apply(store: Store, entry_ids: Iterable[int], action: str, actor: str
           ) -> tuple[list[tuple[Entry, Entry]], list[int]]:
    """The store change of a batch, committed: (before, after) per entry, and the unknown ids."""
    if action == "delete":
        removed, missing = store.delete_many(entry_ids, actor=actor)
        return [(entry, entry) for entry in removed], missing
    return store.set_status_many(entry_ids, STATUS_OF[action], actor=actor)


def _follow_up(config: SiteConfig, store: Store, changed: list[tuple[Entry, Entry]], action: str) -> None:
    """Per entry, once the batch is committed and shown: reply notices and Akismet reports."""
    manifest = Manifest(config.threads_manifest)  # read once for the whole batch, not per entry
    for before, after in changed:
        if action == "approve" and before.approved_at is None:
            # First publication only: re-approving must not mail the same people again.
            notify_replies(config, store, after, manifest)
        _report_to_akismet(config, before, after, action, manifest)


def _report_to_akismet(config: SiteConfig, before: Entry, after: Entry, action: str,
                       manifest: Manifest | None = None) -> None:
    """A moderator overruling the spam verdict (or finding spam) teaches Akismet (when on)."""
    from pelican.plugins.engagement.moderation import akismet

    if not akismet.enabled(config.engagement):
        return
    if (action == "spam" and before.status != "spam") or (action == "approve" and before.status == "spam"):
        akismet.report(config, after, action, _thread_info(config, after.thread, manifest)[1])


def reply_as_author(config: SiteConfig, store: Store, parent_id: int, body: str, *,
                    actor: str) -> tuple[BulkOutcome, Entry]:
    """"Approve and reply": publish ``parent_id`` and the site author's answer to it, one update.

    The reply is stored approved, written by the site's author (Pelican's ``AUTHOR``), marked
    ``by_author`` so the thread shows it as the author's, and logged with the moderator as actor.
    """
    from pelican.plugins.engagement.markup import render_comment

    text = body.strip()
    html = render_comment(text) if text else ""
    if not html:
        raise ModerationError("write a reply before sending it")
    parent = store.get(parent_id)
    if parent is None:
        raise ModerationError(f"no entry with id {parent_id}")
    if parent.status != "approved":
        store.set_status(parent_id, "approved", actor=actor)
        if parent.approved_at is None:
            notify_replies(config, store, store.require(parent_id))
    author = str(config.pelican.get("AUTHOR") or config.pelican.get("SITENAME") or "The author")
    reply = store.add(NewEntry(
        thread=parent.thread, kind="comment", status="approved", parent_id=parent_id,
        author_name=author, author_url=config.site_url + "/" if config.site_url else None,
        body_source=text, body_html=html, by_author=True,
    ))
    store.log("approved", actor=actor, entry_id=reply.id, detail=f"reply by the author to {parent_id}")
    notify_replies(config, store, reply)
    rebuild = refresh_pages(config, [parent.thread], store)
    outcome = BulkOutcome("approve", [Outcome(store.require(parent_id), "approve", True, rebuild),
                                      Outcome(reply, "approve", True, rebuild)], [], rebuild)
    return outcome, reply


def forget(config: SiteConfig, store: Store, email: str, *, actor: str
           ) -> tuple[list[Entry], int, PageUpdate]:
    """Erase a person: their entries and reply-notice subscriptions; pages that showed them update.

    Returns (removed entries, removed subscriptions, what happened to the pages).
    """
    removed = store.forget(email, actor=actor)
    dropped = subscriptions.forget(store, email)
    shown = {entry.thread for entry in removed if entry.status == "approved"}
    pages = refresh_pages(config, shown, store) if shown else UNCHANGED
    return removed, dropped, pages


def refresh_pages(config: SiteConfig, threads: Iterable[str], store: Store | None = None) -> PageUpdate:
    """Re-render the pages of ``threads`` through the rebuild hook; says what happened.

    With ``ENGAGEMENT_PAGE_UPDATES = "worker"`` the threads are queued for the page worker
    instead; with ``ENGAGEMENT_DEPLOY_ON_APPROVE`` the changed files are queued and pushed to the
    deploy target in the background (:mod:`~pelican.plugins.engagement.deploy.publisher`).

    A failure with a reason (pages built with other settings, no build yet, a folder not writable)
    is returned, not logged: the caller tells the person in front of it. Anything else is a bug and
    is logged with its traceback.
    """
    from pelican.plugins.engagement.comments.entries import RenderError
    from pelican.plugins.engagement.comments.rebuild import rebuild_threads
    from pelican.plugins.engagement.comments.splice import SpliceError

    threads = set(threads)
    settings = config.engagement
    if settings.PAGE_UPDATES == "worker":
        (store or Store.open(config.database_url)).add_job("refresh", sorted(threads))
        return PageUpdate("Queued for the page worker (`engagement worker`).")
    if not settings.REBUILD_ON_APPROVE:
        return PageUpdate(
            "Run `engagement rebuild` to update the pages (ENGAGEMENT_REBUILD_ON_APPROVE is off).")
    try:
        report = rebuild_threads(config, threads)
    except (SpliceError, RenderError, *EXPECTED_UPDATE_FAILURES) as error:
        return _update_failed(error)
    except Exception as error:  # the moderation itself succeeded; say how to finish the job
        log.exception("updating the pages of %s failed", sorted(threads))
        return _update_failed(error)
    summary = str(report).splitlines()[0] if report is not None else ""
    if settings.DEPLOY_ON_APPROVE and report.written:
        summary += " " + _publish(config, store, report.written)
    return PageUpdate(f"Pages updated. {summary}".strip())


def _update_failed(error: Exception) -> PageUpdate:
    reason = str(error) or type(error).__name__
    return PageUpdate(f"Updating the pages failed ({reason}); run `engagement rebuild`.", error=reason)


def _publish(config: SiteConfig, store: Store | None, changed: list[str]) -> str:
    """Queue the changed files for the deploy target and wake the background push."""
    from pelican.plugins.engagement.deploy import publisher

    store = store or Store.open(config.database_url)
    publisher.queue_push(store, changed)
    publisher.kick(config, store)
    return f"{len(changed)} file(s) queued for {settings_target(config)}."


def settings_target(config: SiteConfig) -> str:
    return config.engagement.DEPLOY_TARGET or "the deploy target"


# --- notices -----------------------------------------------------------------------------------------


def _thread_info(config: SiteConfig, thread: str, manifest: Manifest | None = None) -> tuple[str, str]:
    """(title, url) of a thread from the last build's manifest (``manifest``: one already open)."""
    known = (manifest or Manifest(config.threads_manifest)).get(thread)
    if known is not None:
        return known.title, known.url
    return thread, f"{config.site_url}/{thread}"


def announce(config: SiteConfig, store: Store, entry: Entry) -> None:
    """The mail that follows a newly accepted entry (the caller runs it after answering).

    An entry accepted as approved also needs its pages updated; the caller does that *before*
    answering (:func:`refresh_pages`), so the page the reader is sent back to already shows it.
    """
    if not notify.mail_enabled(config):
        return  # every follow-up below is an e-mail; don't read the manifest for nothing
    title, url = _thread_info(config, entry.thread)
    settings = config.engagement
    if settings.NOTIFY_EMAIL:
        from pelican.plugins.engagement.moderation.digest import notify_editor

        notify_editor(config, store, entry, title, url)
    if entry.notify and entry.author_email and settings.REPLY_NOTIFICATIONS:
        _subscribe(config, store, entry, title)
    if entry.status == "approved":
        notify_replies(config, store, entry)


def _subscribe(config: SiteConfig, store: Store, entry: Entry, title: str) -> None:
    assert entry.author_email is not None
    subscription = subscriptions.subscribe(store, entry.author_email, entry.thread, entry.id)
    if subscription.confirmed:
        return
    address_key = hashlib.sha256(entry.author_email.lower().encode()).hexdigest()
    if not store.admit(f"confirm-mail:{address_key}", CONFIRMATIONS_PER_DAY, 86400):
        log.warning("not sending another confirmation message to the address of entry %s today", entry.id)
        return
    notify.send_quietly(config, notify.confirmation_message(config, subscription, title))


def notify_replies(config: SiteConfig, store: Store, reply: Entry, manifest: Manifest | None = None) -> int:
    """Tell confirmed subscribers that ``reply`` (just published) answers their comment."""
    if reply.parent_id is None or not notify.mail_enabled(config):
        return 0
    title, url = _thread_info(config, reply.thread, manifest)
    sent = 0
    for subscription in subscriptions.replies_wanted(store, reply.parent_id):
        if reply.author_email and subscription.email.lower() == reply.author_email.lower():
            continue  # nobody needs to hear about their own reply
        sent += notify.send_quietly(config, notify.reply_notice(config, subscription, reply, title, url))
    return sent
