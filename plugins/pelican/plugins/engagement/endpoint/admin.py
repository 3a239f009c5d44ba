"""The moderation page (and its JSON twin for scripts), behind ENGAGEMENT_ADMIN_TOKEN.

Log-in exchanges the token for a signed session cookie (HttpOnly, SameSite=Strict, Secure on
https) that holds a fingerprint of the token, so changing the token logs every session out. Every
form carries a CSRF token from the session. The token is compared in constant time and log-in
attempts are rate-limited per client. Without a configured token the page does not exist.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, session, url_for

from pelican.plugins.engagement.endpoint import inputs, security
from pelican.plugins.engagement.endpoint.admin_queue import build_rows
from pelican.plugins.engagement.endpoint.context import EndpointContext, endpoint_context
from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.moderation import actions as moderation
from pelican.plugins.engagement.store import STATUSES, Entry

log = logging.getLogger(__name__)
blueprint = Blueprint("admin", __name__, url_prefix="/admin")

#: Log-in attempts one client may make per window (guessing a long token is hopeless; this keeps
#: the log quiet and the server unbothered).
LOGIN_ATTEMPTS = 10
LOGIN_WINDOW = 15 * 60
QUEUE_PAGE_SIZE = 50
#: Entries one bulk request may change (a page, with room to spare).
BULK_LIMIT = 500
#: The last page whose offset SQL can still express (OFFSET is a signed 64-bit number).
LAST_PAGE = inputs.INT64_MAX // QUEUE_PAGE_SIZE


def _fingerprint(token: str) -> str:
    return hashlib.sha256(f"engagement-admin:{token}".encode()).hexdigest()


class AdminOff(Refusal):
    """The page is turned off (no ENGAGEMENT_ADMIN_TOKEN): answered with how to turn it on."""


def _enabled(ctx: EndpointContext) -> str:
    token = ctx.settings.ADMIN_TOKEN
    if not token:
        raise AdminOff(403, "The moderation page is turned off: set ENGAGEMENT_ADMIN_TOKEN to use it.")
    return token


@blueprint.errorhandler(AdminOff)
def _turned_off(_error: AdminOff) -> tuple[str, int]:
    return render_template("engagement_endpoint/admin_off.html"), 403


def _logged_in(ctx: EndpointContext) -> bool:
    return security.tokens_equal(session.get("admin"), _fingerprint(_enabled(ctx)))


def _check_csrf() -> None:
    if not security.tokens_equal(request.form.get("csrf"), session.get("csrf", "")):
        raise Refusal(400, "This form has expired. Reload the moderation page and try again.")


def _require_login(ctx: EndpointContext) -> None:
    if not _logged_in(ctx):
        raise Refusal(403, "Log in to the moderation page first.")
    _check_csrf()


def _wants_json() -> bool:
    """The page's script asks for JSON to update the page in place; plain forms get a redirect."""
    return request.accept_mimetypes.best == "application/json"


def _back() -> Response:
    """303 to the view the form was sent from (its state, search and page)."""
    status = request.form.get("status", "pending")
    params: dict[str, str] = {"status": status if status in STATUSES else "pending"}
    for name in ("q", "page", "order"):
        if request.form.get(name):
            params[name] = request.form[name]
    return redirect(url_for("admin.queue", **params), code=303)


def _answer(ctx: EndpointContext, message: str, ids: list[int],
            later: Iterable[Callable[[], None]] = ()) -> Response:
    """The moderator's answer; ``later`` (reply notices, Akismet reports) runs once it is sent.

    Hundreds of Akismet reports, each allowed its timeout, must not hold the answer (or outlast
    the worker's timeout and end as a 5xx): the decisions and the pages are done by then.
    """
    if _wants_json():
        response = jsonify({"message": message, "ids": ids, "counts": ctx.store.status_counts()})
    else:
        flash(message)
        response = _back()
    for task in later:
        response.call_on_close(_logged(task))
    return response


def _logged(task: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            task()
        except Exception:  # the moderation stands; a failed notice or report is only logged
            log.exception("follow-up of a moderation action failed")

    return run


@blueprint.get("")
@blueprint.get("/")
def queue() -> Response | str:
    ctx = endpoint_context()
    if not _logged_in(ctx):
        return render_template("engagement_endpoint/admin_login.html")
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        raise Refusal(400, f"Unknown status “{status}”; choose one of {', '.join(STATUSES)}.")
    order = request.args.get("order", "oldest")
    if order not in ("oldest", "newest"):
        raise Refusal(400, "Order by “oldest” or “newest”.")
    query = request.args.get("q", "").strip()[:200]
    page = inputs.query_int("page", 1, low=1, high=LAST_PAGE)
    found, total = ctx.store.search_queue(
        status=status, query=query, newest_first=order == "newest",
        limit=QUEUE_PAGE_SIZE, offset=(page - 1) * QUEUE_PAGE_SIZE,
    )
    pages = max((total + QUEUE_PAGE_SIZE - 1) // QUEUE_PAGE_SIZE, 1)
    return render_template(
        "engagement_endpoint/admin_queue.html",
        status=status,
        statuses=STATUSES,
        counts=ctx.store.status_counts(),
        query=query,
        order=order,
        page=page,
        pages=pages,
        total=total,
        rows=build_rows(ctx, [Entry.from_row(row) for row in found]),
        actions=moderation.ACTIONS,
        csrf=session["csrf"],
    )


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
    """One entry's button (the page without JavaScript, or a keyboard shortcut)."""
    ctx = endpoint_context()
    _require_login(ctx)
    later: list[Callable[[], None]] = []
    try:
        outcome = moderation.moderate(ctx.config, ctx.store, inputs.entry_id(entry_id), action,
                                      actor="admin", defer=later.append)
    except moderation.ModerationError as error:
        raise Refusal(404 if "no entry" in str(error) else 400, str(error)) from None
    return _answer(ctx, outcome.summary(), [entry_id], later)


@blueprint.post("/bulk")
def bulk() -> Response:
    """The selected entries (or all on the page) in ONE request, ONE CSRF check, ONE page update."""
    ctx = endpoint_context()
    _require_login(ctx)
    action = request.form.get("action", "")
    if action not in moderation.ACTIONS:
        raise Refusal(400, f"Choose what to do with the selected entries: {', '.join(moderation.ACTIONS)}.")
    field = "page_ids" if request.form.get("scope") == "page" else "ids"
    try:
        ids = [inputs.entry_id(int(value)) for value in request.form.getlist(field)]
    except ValueError:
        raise Refusal(400, "The selection is not a list of entry numbers.") from None
    if not ids:
        raise Refusal(400, "Select at least one entry first.")
    if len(ids) > BULK_LIMIT:
        raise Refusal(400, f"Select at most {BULK_LIMIT} entries at once.")
    later: list[Callable[[], None]] = []
    outcome = moderation.moderate_many(ctx.config, ctx.store, ids, action, actor="admin", defer=later.append)
    return _answer(ctx, outcome.summary(), [o.entry.id for o in outcome.outcomes], later)


@blueprint.post("/entries/<int:entry_id>/reply")
def reply(entry_id: int) -> Response:
    """"Approve and reply": publish the entry and the site author's answer to it."""
    ctx = endpoint_context()
    _require_login(ctx)
    text = request.form.get(f"reply-{entry_id}", request.form.get("reply", ""))
    if len(text) > ctx.settings.COMMENT_MAX_LENGTH:
        raise Refusal(400, f"The reply is longer than {ctx.settings.COMMENT_MAX_LENGTH:,} characters.")
    try:
        outcome, answer = moderation.reply_as_author(ctx.config, ctx.store, inputs.entry_id(entry_id), text,
                                                     actor="admin")
    except moderation.ModerationError as error:
        raise Refusal(404 if "no entry" in str(error) else 400, str(error).capitalize() + ".") from None
    message = f"Entry {entry_id} approved and your reply published as {answer.author_name}. {outcome.rebuild}"
    return _answer(ctx, message, [entry_id])


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
    limit = inputs.query_int("limit", QUEUE_PAGE_SIZE, low=1, high=500)
    offset = inputs.query_int("offset", 0, low=0, high=inputs.INT64_MAX)
    found = ctx.store.list(status=status, limit=limit, offset=offset)  # oldest first, as the page
    return jsonify({"status": status, "entries": [entry.to_dict(private=True) for entry in found]})


@api.post("/entries/<int:entry_id>/<action>")
def api_act(entry_id: int, action: str) -> Response:
    ctx = endpoint_context()
    try:
        outcome = moderation.moderate(ctx.config, ctx.store, inputs.entry_id(entry_id), action,
                                      actor="admin-api")
    except moderation.ModerationError as error:
        raise Refusal(404 if "no entry" in str(error) else 400, str(error)) from None
    status = None if action == "delete" else outcome.entry.status
    return jsonify({"id": entry_id, "action": action, "status": status,
                    "pages_changed": outcome.pages_changed, "message": outcome.summary()})
