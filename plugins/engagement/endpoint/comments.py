"""Posting and reading comments: the plain form (``/comments``) and the JSON API (``/api/…``).

The form works without JavaScript: a successful post answers 303 to the article's
``#comment-pending`` anchor, whose notice the static page shows with CSS ``:target``. The page's
script posts the same fields as JSON and gets the stored comment back (201). Both paths share
:mod:`engagement.endpoint.submission`, so their rules cannot drift apart.

Cross-origin: the API answers CORS only for the site's own origin and ``ALLOWED_ORIGINS``; a JSON
body forces browsers to preflight, so another site's page cannot post through a reader's browser.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, request

from engagement import moderation
from engagement.endpoint import security
from engagement.endpoint.app import EndpointContext, endpoint_context
from engagement.endpoint.errors import Refusal
from engagement.endpoint.submission import accept_comment, normalise_thread_key
from engagement.store import Entry

log = logging.getLogger(__name__)

blueprint = Blueprint("comments", __name__)
api = Blueprint("api", __name__, url_prefix="/api")

#: What the JSON API publishes of an entry: never the e-mail address or the IP hash.
PUBLIC_FIELDS = ("id", "thread", "parent", "kind", "author_name", "author_url", "body_html", "created_at")
PENDING_MESSAGE = "Thank you! Your comment is awaiting moderation and will appear once approved."
APPROVED_MESSAGE = "Thank you! Your comment is published."


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
        moderation.refresh_pages(ctx.config, [entry.thread])


def _housekeeping(ctx: EndpointContext) -> None:
    pruner = current_app.extensions.setdefault("engagement-rate-pruner", security.RateEventPruner())
    keep = max(security.RATE_EVENTS_KEPT, ctx.settings.RATE_LIMIT_WINDOW)
    pruner.maybe_prune(ctx.store, keep)


# --- the HTML form ------------------------------------------------------------------------------------


@blueprint.post("/comments")
def post_form() -> Response:
    """The no-JavaScript path: form fields in, 303 back to the article out."""
    ctx = endpoint_context()
    _housekeeping(ctx)
    try:
        entry, thread = accept_comment(ctx, request.form, security.client_address(request))
    except Refusal as refusal:
        refusal.echo = request.form.get("body") or None
        refusal.back_url = refusal.back_url or _article_guess(ctx)
        raise
    _publish_if_approved(ctx, entry)
    anchor = "comment-pending" if entry.status == "pending" else f"comment-{entry.id}"
    response = redirect(f"{thread.url}#{anchor}", code=303)
    _follow_up(response, ctx, entry)
    return response


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
def post_json() -> tuple[Response, int]:
    """The script's path: JSON in, the stored comment (201) out."""
    ctx = endpoint_context()
    if not request.is_json:
        raise Refusal(415, "Send the comment as JSON (Content-Type: application/json).")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Refusal(400, "The request body is not a JSON object.")
    _housekeeping(ctx)
    entry, _thread = accept_comment(ctx, data, security.client_address(request))
    _publish_if_approved(ctx, entry)
    body = public_entry(entry) | {
        "status": entry.status,
        "message": PENDING_MESSAGE if entry.status == "pending" else APPROVED_MESSAGE,
    }
    response = jsonify(body)
    _follow_up(response, ctx, entry)
    return response, 201


@api.get("/threads/<path:thread>/comments")
def thread_comments(thread: str) -> Response:
    """Approved comments of one article, oldest first, public fields only."""
    ctx = endpoint_context()
    key = normalise_thread_key(thread, ctx.config.site_url)
    # Routing drops the key's trailing slash ("2013/04/slug/comments"); put it back.
    known = ctx.manifest.get(key) or ctx.manifest.get(key + "/")
    if known is None:
        raise Refusal(404, f"There is no article at “{key}”.")
    approved = [e for e in ctx.store.approved(known.key) if e.kind == "comment"]
    return jsonify({
        "thread": known.key,
        "url": known.url,
        "open": known.accepts_comments()[0],
        "count": len(approved),
        "comments": [public_entry(entry) for entry in approved],
    })


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
    }
