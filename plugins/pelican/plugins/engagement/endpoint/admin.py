"""The moderation page (and its JSON twin for scripts), behind ENGAGEMENT_ADMIN_TOKEN.

Log-in exchanges the token for a signed session cookie (HttpOnly, SameSite=Strict, Secure on
https) that holds a fingerprint of the token, so changing the token logs every session out. Every
form carries a CSRF token from the session. The token is compared in constant time and log-in
attempts are rate-limited per client. Without a configured token the page does not exist.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, session, url_for

from pelican.plugins.engagement.endpoint import security
from pelican.plugins.engagement.endpoint.context import EndpointContext, endpoint_context
from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.markup import sanitize_html
from pelican.plugins.engagement.moderation import actions as moderation
from pelican.plugins.engagement.store import STATUSES, Entry

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

#: Log-in attempts one client may make per window (guessing a long token is hopeless; this keeps
#: the log quiet and the server unbothered).
LOGIN_ATTEMPTS = 10
LOGIN_WINDOW = 15 * 60
QUEUE_PAGE_SIZE = 50


def _fingerprint(token: str) -> str:
    return hashlib.sha256(f"engagement-admin:{token}".encode()).hexdigest()


def _enabled(ctx: EndpointContext) -> str:
    token = ctx.settings.ADMIN_TOKEN
    if not token:
        raise Refusal(403, "The moderation page is turned off: set ENGAGEMENT_ADMIN_TOKEN to use it.")
    return token


def _logged_in(ctx: EndpointContext) -> bool:
    return security.tokens_equal(session.get("admin"), _fingerprint(_enabled(ctx)))


def _check_csrf() -> None:
    if not security.tokens_equal(request.form.get("csrf"), session.get("csrf", "")):
        raise Refusal(400, "This form has expired. Reload the moderation page and try again.")


@blueprint.get("")
@blueprint.get("/")
def queue() -> Response | str:
    ctx = endpoint_context()
    if not _logged_in(ctx):
        return render_template("engagement_endpoint/admin_login.html")
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        raise Refusal(400, f"Unknown status “{status}”; choose one of {', '.join(STATUSES)}.")
    page = request.args.get("page", 1, type=int) or 1
    # One more than a page, to know whether an older page exists.
    entries = ctx.store.list(status=status, newest_first=True, limit=QUEUE_PAGE_SIZE + 1,
                             offset=(max(page, 1) - 1) * QUEUE_PAGE_SIZE)
    return render_template(
        "engagement_endpoint/admin_queue.html",
        status=status,
        statuses=STATUSES,
        page=max(page, 1),
        has_older=len(entries) > QUEUE_PAGE_SIZE,
        rows=[_row(ctx, entry) for entry in entries[:QUEUE_PAGE_SIZE]],
        actions=moderation.ACTIONS,
        csrf=session["csrf"],
    )


def _row(ctx: EndpointContext, entry: Entry) -> dict[str, object]:
    thread = ctx.manifest.get(entry.thread)
    return {
        "entry": entry,
        "title": thread.title if thread else entry.thread,
        "url": ctx.thread_url(entry.thread),
        # Stored HTML is sanitized on the way in; cleaning again costs little and guards the
        # moderator against anything that reached the store by another route.
        "body_html": sanitize_html(entry.body_html),
    }


@blueprint.post("/login")
def login() -> Response | tuple[str, int]:
    ctx = endpoint_context()
    token = _enabled(ctx)
    client = security.hash_ip(ctx.secret, security.client_address(request))
    security.limit_attempts(
        ctx.store, f"admin-login:{client}", LOGIN_ATTEMPTS, LOGIN_WINDOW,
        "Too many log-in attempts. Please wait a quarter of an hour.",
    )
    if not security.tokens_equal(request.form.get("token", ""), token):
        ctx.store.log("login-failed", actor="admin")
        return render_template("engagement_endpoint/admin_login.html", error="That token is not right."), 403
    session.clear()
    session["admin"] = _fingerprint(token)
    session["csrf"] = secrets.token_urlsafe(32)
    return redirect(url_for("admin.queue"), code=303)


@blueprint.post("/logout")
def logout() -> Response:
    _check_csrf()
    session.clear()
    return redirect(url_for("admin.queue"), code=303)


@blueprint.post("/entries/<int:entry_id>/<action>")
def act(entry_id: int, action: str) -> Response:
    ctx = endpoint_context()
    if not _logged_in(ctx):
        raise Refusal(403, "Log in to the moderation page first.")
    _check_csrf()
    try:
        outcome = moderation.moderate(ctx.config, ctx.store, entry_id, action, actor="admin")
    except moderation.ModerationError as error:
        raise Refusal(404 if "no entry" in str(error) else 400, str(error)) from None
    flash(outcome.summary())
    return redirect(url_for("admin.queue", status=request.form.get("status", "pending")), code=303)


# --- the same actions for scripts: ``Authorization: Bearer <ENGAGEMENT_ADMIN_TOKEN>`` ----------------
#
# No cookies here, so no CSRF to guard against; a wrong token counts against the same log-in limit.

api = Blueprint("admin_api", __name__, url_prefix="/admin/api")


@api.before_request
def _bearer() -> None:
    ctx = endpoint_context()
    token = _enabled(ctx)
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() == "bearer" and security.tokens_equal(value.strip(), token):
        return
    client = security.hash_ip(ctx.secret, security.client_address(request))
    security.limit_attempts(
        ctx.store, f"admin-login:{client}", LOGIN_ATTEMPTS, LOGIN_WINDOW,
        "Too many attempts with a wrong token. Please wait a quarter of an hour.",
    )
    raise Refusal(401, "Send the admin token as “Authorization: Bearer <token>”.",
                  headers={"WWW-Authenticate": 'Bearer realm="engagement moderation"'})


@api.get("/entries")
def api_entries() -> Response:
    """The queue (or another status) as JSON, with the private fields a moderator needs."""
    ctx = endpoint_context()
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        raise Refusal(400, f"Unknown status “{status}”; choose one of {', '.join(STATUSES)}.")
    limit = min(max(request.args.get("limit", QUEUE_PAGE_SIZE, type=int) or QUEUE_PAGE_SIZE, 1), 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    found = ctx.store.list(status=status, newest_first=True, limit=limit, offset=offset)
    return jsonify({"status": status, "entries": [entry.to_dict(private=True) for entry in found]})


@api.post("/entries/<int:entry_id>/<action>")
def api_act(entry_id: int, action: str) -> Response:
    ctx = endpoint_context()
    try:
        outcome = moderation.moderate(ctx.config, ctx.store, entry_id, action, actor="admin-api")
    except moderation.ModerationError as error:
        raise Refusal(404 if "no entry" in str(error) else 400, str(error)) from None
    status = None if action == "delete" else outcome.entry.status
    return jsonify({"id": entry_id, "action": action, "status": status,
                    "pages_changed": outcome.pages_changed, "message": outcome.summary()})
