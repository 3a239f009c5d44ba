"""Posting and reading comments: the plain form (``/comments``) and the JSON API (``/api/…``).

The form works without JavaScript: a successful post answers 303 to the article's
``#comment-pending`` anchor, whose notice the static page shows with CSS ``:target``. Posted from
the static page of a thread with comments, it first gets the "check and send" page, which asks
whom the comment replies to (:mod:`pelican.plugins.engagement.endpoint.reply_choice`). The page's
script posts the same fields as JSON and gets the stored comment back (201). Both paths share
:mod:`pelican.plugins.engagement.endpoint.submission`, so their rules cannot drift apart.

Cross-origin: the API answers CORS only for the site's own origin and ``ALLOWED_ORIGINS``; a JSON
body forces browsers to preflight, so another site's page cannot post through a reader's browser.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Request, Response, current_app, jsonify, redirect, render_template, request

from pelican.plugins.engagement.endpoint import idempotency, inputs, reply_choice, security
from pelican.plugins.engagement.endpoint.context import EndpointContext, endpoint_context
from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.endpoint.submission import (
    accept_comment,
    check_submission,
    normalise_thread_key,
)
from pelican.plugins.engagement.markup import render_comment
from pelican.plugins.engagement.moderation import actions as moderation
from pelican.plugins.engagement.moderation import form_token
from pelican.plugins.engagement.store import Entry, Replayed

log = logging.getLogger(__name__)

blueprint = Blueprint("comments", __name__)
api = Blueprint("api", __name__, url_prefix="/api")

#: What the JSON API publishes of an entry: never the e-mail address or the IP hash.
PUBLIC_FIELDS = ("id", "thread", "parent", "kind", "author_name", "author_url", "body_html", "created_at",
                 "by_author")
PENDING_MESSAGE = "Thank you! Your comment is awaiting moderation and will appear once approved."
APPROVED_MESSAGE = "Thank you! Your comment is published."
#: Threads whose serialised JSON one process keeps (a few MB at most for long threads).
THREAD_CACHE_SIZE = 256
#: Where the app keeps its :class:`ThreadCache` (``app.extensions``); fast_read.py reads it too.
THREAD_CACHE_EXTENSION = "engagement-thread-cache"


def _follow_up(response: Response, ctx: EndpointContext, entry: Entry) -> None:
    """Mail goes out after the answer is sent: the reader never waits for SMTP."""

    def run() -> None:
        try:
            moderation.announce(ctx.config, ctx.store, entry)
        except Exception:
            log.exception("follow-up of entry %s failed", entry.id)

    response.call_on_close(run)


def _publish_if_approved(ctx: EndpointContext, entry: Entry) -> None:
    """An auto-approved comment is in the page before the reader is sent back to it."""
    if entry.status == "approved":
        update = moderation.refresh_pages(ctx.config, [entry.thread])
        if update.failed:
            log.warning("entry %s is approved but its page was not updated: %s", entry.id, update.error)


def _housekeeping(ctx: EndpointContext) -> None:
    pruner = current_app.extensions.setdefault("engagement-store-pruner", security.StorePruner())
    keep = max(security.RATE_EVENTS_KEPT, ctx.settings.RATE_LIMIT_WINDOW)
    pruner.maybe_prune(ctx.store, keep)


# --- the HTML form ------------------------------------------------------------------------------------


@blueprint.post("/comments")
def post_form() -> Response:
    """The no-JavaScript path: form fields in, 303 back to the article out.

    A form carrying a token (every "check and send" page does) is idempotent on it: the browser
    re-sending the POST after a lost answer is sent to the first comment again.
    """
    ctx = endpoint_context()
    _housekeeping(ctx)
    address = security.client_address(request)
    key = idempotency.form_key(request.form, security.hash_ip(ctx.secret, address))
    if key is not None:
        stored = ctx.store.idempotent_answer(key)
        if stored is not None and stored.fingerprint == key.fingerprint:
            return idempotency.replay_form(stored)
        if stored is not None:  # the token again with another comment: the once-only rule judges it
            key = None
    choices = _choices_if_wanted(ctx)
    if choices is not None and choices.options:  # an empty thread keeps its one-step post
        return _confirm_page(ctx, choices)
    try:
        entry, thread = accept_comment(ctx, request.form, address, _client(request), key,
                                       lambda stored: (303, _form_location(ctx, stored)))
    except Replayed as replayed:  # a twin with the same token was stored first
        if key is None or replayed.stored.fingerprint != key.fingerprint:
            raise Refusal(422, "This form was already used to send another comment. Please send yours "
                               "again from the article.", echo=request.form.get("body") or None,
                          back_url=_article_guess(ctx)) from None
        return idempotency.replay_form(replayed.stored)
    except form_token.TokenMissing:
        return _confirm_page(ctx)
    except Refusal as refusal:
        refusal.echo = request.form.get("body") or None
        refusal.back_url = refusal.back_url or _article_guess(ctx)
        raise
    _publish_if_approved(ctx, entry)
    response = redirect(_form_location(ctx, entry, thread.url), code=303)
    _follow_up(response, ctx, entry)
    return response


def _form_location(ctx: EndpointContext, entry: Entry, url: str | None = None) -> str:
    """Where the form's 303 sends the reader: the comment itself, or the "awaiting moderation" note."""
    if url is None:
        known = ctx.manifest.get(entry.thread)
        url = known.url if known else ctx.config.site_url + "/"
    anchor = f"comment-{entry.id}" if entry.status == "approved" else "comment-pending"
    return f"{url}#{anchor}"


def _client(req: Request) -> dict[str, str]:
    """What Akismet asks about the reader's browser (used only when Akismet is on)."""
    return {"user_agent": req.headers.get("User-Agent", "")[:500],
            "referrer": req.headers.get("Referer", "")[:2048]}


def _choices_if_wanted(ctx: EndpointContext) -> reply_choice.ReplyChoices | None:
    """The "In reply to" options for a post from the static form (None for any other post, or a
    thread the build does not know, which is refused further on)."""
    if not reply_choice.wanted(request.form):
        return None
    key = normalise_thread_key(request.form.get("thread", ""), ctx.config.site_url)
    return _reply_choices(ctx, key) if ctx.manifest.get(key) is not None else None


def _reply_choices(ctx: EndpointContext, key: str) -> reply_choice.ReplyChoices:
    return reply_choice.reply_choices(ctx.store, key, request.form.get("parent", "").strip(),
                                      lambda moment: display_time(ctx, moment))


def _confirm_page(ctx: EndpointContext,
                  choices: reply_choice.ReplyChoices | None = None) -> tuple[str, int, dict[str, str]]:
    """The reader without JavaScript: their comment back, with a fresh form token, to send again.

    Nothing is stored yet. The page previews the comment as it will look and asks whom it replies
    to (the thread's comments, read now); its button posts the same fields with the token, which
    must then be at least FORM_TOKEN_MIN_SECONDS old.
    """
    data = request.form
    check_submission(ctx, data)  # a field problem is refused now, with its message
    key = normalise_thread_key(data.get("thread", ""), ctx.config.site_url)
    fields = {name: data.get(name, "") for name in
              ("thread", "parent", "name", "email", "website", "body", "notify")}
    if choices is None:  # FORM_TOKEN = "require": every post without a token comes here
        choices = _reply_choices(ctx, key)
    if choices.options:  # the select sends it
        del fields["parent"]
    settings = ctx.settings
    return render_template(
        "engagement_endpoint/confirm_comment.html",
        fields=fields, choices=choices, token=form_token.issue(ctx.secret, key),
        preview=render_comment(data.get("body", "").strip()), token_field=form_token.FIELD,
        back_url=_article_guess(ctx),
        min_seconds=settings.FORM_TOKEN_MIN_SECONDS if settings.FORM_TOKEN != "off" else 0,
    ), 200, {"Content-Security-Policy": security.form_policy(ctx.config.site_url)}


def _article_guess(ctx: EndpointContext) -> str:
    """Where "back" leads when the thread itself was the problem: the article if known, else home."""
    key = normalise_thread_key(request.form.get("thread", ""), ctx.config.site_url)
    thread = ctx.manifest.get(key) if key else None
    return thread.url if thread else (ctx.config.site_url + "/")


@blueprint.get("/healthz")
def health() -> Response:
    """For load balancers and `make run`: the process is up and the store answers."""
    ctx = endpoint_context()
    with ctx.store.read():
        pass
    return jsonify({"status": "ok", "threads": len(ctx.manifest)})


# --- the JSON API ---------------------------------------------------------------------------------------


@api.before_request
def _check_origin() -> Response | None:
    origin = security.check_origin(request, endpoint_context().origins)
    if request.method == "OPTIONS":
        response = Response(status=204)
        if origin:
            security.add_cors_headers(response, origin, preflight=True)
        return response
    return None


@api.after_request
def _cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and origin.lower() in endpoint_context().origins:
        security.add_cors_headers(response, origin, preflight=False)
    return response


@api.post("/comments")
def post_json() -> Response:
    """The script's path: JSON in, the stored comment (201) out.

    With an ``Idempotency-Key`` header a retry gets the first answer again, never a second entry
    (:mod:`pelican.plugins.engagement.endpoint.idempotency`).
    """
    ctx = endpoint_context()
    if not request.is_json:
        raise Refusal(415, "Send the comment as JSON (Content-Type: application/json).")
    data = inputs.json_object(request)
    _housekeeping(ctx)
    address = security.client_address(request)
    key = idempotency.api_key(request, data, security.hash_ip(ctx.secret, address))
    # No look-up here: the key is checked inside the write transaction, which costs a first POST
    # (every POST but a rare retry) no extra round trip; a retry is checked and screened again first.
    written: list[str] = []  # the body stored with the key is the body sent, byte for byte

    def answer(entry: Entry) -> tuple[int, str]:
        written.append(idempotency.json_answer(_api_body(ctx, entry)))
        return 201, written[-1]

    try:
        entry, _thread = accept_comment(ctx, data, address, _client(request), key, answer)
    except Replayed as replayed:  # a twin with the same key was stored first: its answer
        assert key is not None
        return idempotency.replay_json(key, replayed.stored)
    except form_token.TokenMissing:
        raise Refusal(400, "Reload the page and send the comment again (the form token is missing).",
                      field=form_token.FIELD) from None
    _publish_if_approved(ctx, entry)
    text = written[-1] if written else answer(entry)[1]
    response = current_app.response_class(text, status=201, mimetype="application/json")
    _follow_up(response, ctx, entry)
    return response


def _api_body(ctx: EndpointContext, entry: Entry) -> dict[str, Any]:
    """The 201's body: the public entry, the state the reader is told, and the page's date text."""
    # Spam is reported as pending: a robot learns nothing, a person wrongly caught waits for a
    # moderator, who can recover the comment from the spam tab.
    shown = "approved" if entry.status == "approved" else "pending"
    return public_entry(entry) | {
        "status": shown,
        "message": APPROVED_MESSAGE if shown == "approved" else PENDING_MESSAGE,
        "created_at_text": display_time(ctx, entry.created_at),
    }


@api.get("/form-token")
def issue_form_token() -> Response:
    """A fresh form token for one article's comment form (comments.js asks when the form is used)."""
    ctx = endpoint_context()
    key = normalise_thread_key(request.args.get("thread", ""), ctx.config.site_url)
    if not key or ctx.manifest.get(key) is None:
        raise Refusal(404, f"There is no article at “{key}” to comment on.", field="thread")
    settings = ctx.settings
    response = jsonify({"token": form_token.issue(ctx.secret, key), "field": form_token.FIELD,
                        "min_seconds": settings.FORM_TOKEN_MIN_SECONDS,
                        "max_age": settings.FORM_TOKEN_MAX_AGE})
    response.headers["Cache-Control"] = "no-store"
    return response


@api.get("/threads/<path:thread>/comments")
def thread_comments(thread: str) -> Response:
    """Approved comments of one article, oldest first, public fields only.

    Readers revalidate (``no-cache``) with the strong ``ETag`` and get ``304`` while the thread is
    unchanged; a changed thread is read and serialised once per process (:class:`ThreadCache`).
    """
    ctx = endpoint_context()
    key = normalise_thread_key(thread, ctx.config.site_url)
    # Routing drops the key's trailing slash ("2013/04/slug/comments"); put it back.
    known = ctx.manifest.get(key) or ctx.manifest.get(key + "/")
    if known is None:
        raise Refusal(404, f"There is no article at “{key}”.")
    open_ = known.accepts_comments()[0]
    etag = thread_etag(known.key, known.url, open_, ctx.store.thread_version(known.key))
    if request.if_none_match.contains_weak(etag):  # If-None-Match compares weakly (RFC 9110)
        response = Response(status=304)
    else:
        response = current_app.response_class(
            _thread_cache().get(etag, lambda: _thread_json(ctx, known.key, known.url, open_)),
            mimetype="application/json",
        )
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def thread_etag(key: str, url: str, open_: bool, version: tuple[int, str, int]) -> str:
    """A strong validator of everything the thread's JSON says: the article's facts and the store's
    version of the thread. It comes from the database, so every process and instance agrees."""
    state = "\x1f".join((key, url, str(open_), *map(str, version)))
    return hashlib.sha256(state.encode("utf-8")).hexdigest()[:32]


def _thread_json(ctx: EndpointContext, key: str, url: str, open_: bool) -> bytes:
    approved = ctx.store.public_thread(key)
    document = {"thread": key, "url": url, "open": open_, "count": len(approved), "comments": approved}
    return (current_app.json.dumps(document, separators=(",", ":")) + "\n").encode("utf-8")


def _thread_cache() -> ThreadCache:
    return current_app.extensions.setdefault(THREAD_CACHE_EXTENSION, ThreadCache())


class ThreadCache:
    """The serialised JSON of the threads read most recently, by ETag, in this process.

    Safe across workers and instances because the key is derived from the database: a changed
    thread has a new ETag, so a stale document is never served, only left to age out.
    Two requests racing on a cold key may both serialise it; the result is the same.
    """

    def __init__(self, size: int = THREAD_CACHE_SIZE) -> None:
        self.size = size
        self._documents: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, etag: str) -> bytes | None:
        """The document kept under ``etag``, if any (counts as a use)."""
        with self._lock:
            document = self._documents.get(etag)
            if document is not None:
                self._documents.move_to_end(etag)
            return document

    def get(self, etag: str, make: Callable[[], bytes]) -> bytes:
        document = self.peek(etag)
        if document is not None:
            return document
        document = make()
        with self._lock:
            self._documents[etag] = document
            while len(self._documents) > self.size:
                self._documents.popitem(last=False)
        return document


def display_time(ctx: EndpointContext, moment: datetime) -> str:
    """``moment`` as the static pages print it (the site's date format and time zone), so the
    script shows a reader's own new comment dated exactly like the comments around it."""
    from pelican.plugins.engagement.comments.views import RenderContext

    return RenderContext.from_settings(ctx.config.pelican, ctx.settings).format_date(moment)


def public_entry(entry: Entry) -> dict[str, Any]:
    """An entry as the public sees it (see :data:`PUBLIC_FIELDS`)."""
    return {
        "id": entry.id,
        "thread": entry.thread,
        "parent": entry.parent_id,
        "kind": entry.kind,
        "author_name": entry.author_name,
        "author_url": entry.author_url,
        "body_html": entry.body_html,
        "created_at": entry.created_at.isoformat(),
        "by_author": entry.by_author,
    }
