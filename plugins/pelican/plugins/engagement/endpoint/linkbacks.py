"""Receiving TrackBack, Pingback and Webmention: the three routes and the webmention status page.

Each route only speaks its protocol's wire format; the decisions (is the target ours and open, rate
limits, duplicates, verification) are :class:`pelican.plugins.engagement.linkbacks.intake.Intake`'s. These
routes set no cookies and read none: another site's server calls them, not a reader's browser.

- ``POST /trackback/<article path>`` (GET tolerated, as TrackBack 1.0 clients used it): the
  spec's XML answer, HTTP 200 even for errors.
- ``POST /pingback``: XML-RPC ``pingback.ping``; the body is capped (MAX_BODY_BYTES, enforced by
  Flask before we read it) and parsed with defusedxml. Any Content-Type is accepted, because real
  clients (``@remy/webmention``) send XML-RPC as a form.
- ``POST /webmention``: ``202 Accepted`` with the status page's URL (built from the configured
  ENDPOINT_URL, never the ``Host`` header) in the body and no
  ``Location`` (the Recommendation reserves ``Location`` for ``201``); verification runs in a
  background thread (and ``engagement worker``).
- ``GET /webmention/status/<uuid>``: JSON saying whether the mention was verified and approved.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy import select

from pelican.plugins.engagement.endpoint.context import endpoint_context
from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.endpoint.security import client_address, hash_ip
from pelican.plugins.engagement.linkbacks import pingback, trackback
from pelican.plugins.engagement.linkbacks.avatars import avatars_dir
from pelican.plugins.engagement.linkbacks.intake import FAULT_GENERIC, Intake, Rejected
from pelican.plugins.engagement.linkbacks.verify import public_reason
from pelican.plugins.engagement.linkbacks.worker import VerificationThread
from pelican.plugins.engagement.moderation.refresh import refresh_changed
from pelican.plugins.engagement.store import Entry
from pelican.plugins.engagement.store.schema import entries

blueprint = Blueprint("linkbacks", __name__)

VERIFIER_KEY = "engagement-verifier"
_verifier_lock = threading.Lock()


def _intake() -> Intake:
    context = endpoint_context()
    return Intake(store=context.store, settings=context.settings, manifest=context.manifest)


def _client() -> tuple[str, str]:
    address = client_address(request)
    return address, hash_ip(endpoint_context().secret, address)


def _sender(address: str) -> dict[str, str]:
    """What Akismet asks about the sending server (kept on the entry only while Akismet is on)."""
    return {"user_ip": address, "user_agent": request.headers.get("User-Agent", "")[:500]}


def verifier(app: Flask) -> VerificationThread:
    """The app's verification thread, started on first use (not at import, so tests that never
    queue anything start no thread)."""
    with _verifier_lock:
        thread = app.extensions.get(VERIFIER_KEY)
        if thread is None or not thread.is_alive():
            context = app.extensions["engagement"]
            thread = VerificationThread(
                context.store, context.settings, context.manifest,
                avatars_dir=avatars_dir(context.config.pelican, context.settings),
                refresh=partial(refresh_changed, context.config, store=context.store),
            )
            app.extensions[VERIFIER_KEY] = thread
            thread.start()
        return thread


@blueprint.record_once
def _resume_queue(setup_state: Any) -> None:
    """Entries left queued by an earlier run (a restart, a crash) are verified without waiting for
    the next linkback to start the thread; an app with nothing queued starts no thread."""
    app = setup_state.app
    if app.extensions["engagement"].store.list(verification="queued", limit=1):
        verifier(app).wake()


# --- TrackBack -------------------------------------------------------------------------------------


@blueprint.route("/trackback/<path:thread>", methods=["GET", "POST"])
def trackback_ping(thread: str) -> Response:
    address, ip_hash = _client()
    try:
        _intake().trackback(thread, **_ping_fields(), ip_hash=ip_hash, client=_sender(address))
    except trackback.UndecodablePing as error:
        return Response(trackback.response(str(error)), content_type=trackback.CONTENT_TYPE)
    except Rejected as rejected:
        status = 404 if rejected.status == 404 else 200
        return Response(trackback.response(rejected.message), status=status,
                        content_type=trackback.CONTENT_TYPE)
    verifier(current_app._get_current_object()).wake()  # type: ignore[attr-defined]
    return Response(trackback.response(None), content_type=trackback.CONTENT_TYPE)


def _ping_fields() -> dict[str, str]:
    """The ping's fields in the sender's charset (see :func:`trackback.read_ping`); a multipart
    form is Werkzeug's to parse (its parts carry their own charset)."""
    if request.method != "POST":
        return trackback.read_ping(request.query_string, None)
    if request.mimetype == "multipart/form-data":
        return trackback.as_text({name: request.form.get(name, "") for name in trackback.PING_FIELDS})
    return trackback.read_ping(request.get_data(cache=False), request.mimetype_params.get("charset"))


# --- Pingback --------------------------------------------------------------------------------------


@blueprint.route("/pingback", methods=["POST"])
def pingback_call() -> Response:
    try:
        method, params = pingback.parse_call(request.get_data(cache=False))
    except pingback.MalformedCall as error:
        return _xmlrpc(pingback.fault(FAULT_GENERIC, str(error)))
    if method != pingback.METHOD:
        return _xmlrpc(pingback.fault(-32601, f"server error: requested method {method} does not exist"))
    if len(params) != 2 or not all(isinstance(p, str) for p in params):
        return _xmlrpc(pingback.fault(FAULT_GENERIC, "pingback.ping takes two strings: source, target"))
    address, ip_hash = _client()
    try:
        entry = _intake().pingback(params[0], params[1], ip_hash=ip_hash, client_ip=address,
                                   client=_sender(address))
    except Rejected as rejected:
        return _xmlrpc(pingback.fault(rejected.fault, rejected.message))
    return _xmlrpc(pingback.success(
        f"Pingback from {entry.source_url} registered; it will appear after moderation."))


def _xmlrpc(body: bytes) -> Response:
    # XML-RPC answers faults with HTTP 200 too; the fault is in the body.
    return Response(body, content_type=pingback.CONTENT_TYPE)


# --- Webmention ------------------------------------------------------------------------------------


@blueprint.route("/webmention", methods=["POST"])
def webmention_receive() -> Response:
    source = request.form.get("source", "")
    target = request.form.get("target", "")
    address, ip_hash = _client()
    try:
        entry = _intake().webmention(source, target, ip_hash=ip_hash, client=_sender(address))
    except Rejected as rejected:
        # Senders are programs (and their logs): a short plain-text reason, not a reader's page.
        headers = {"Retry-After": str(rejected.retry_after)} if rejected.retry_after else {}
        return Response(rejected.message + "\n", status=rejected.status, headers=headers,
                        mimetype="text/plain")
    verifier(current_app._get_current_object()).wake()  # type: ignore[attr-defined]
    status_url = endpoint_context().public_url(f"/webmention/status/{entry.uuid}")
    body = (f"Webmention accepted. Its source will be verified shortly.\n"
            f"Status: {status_url}\n")
    return Response(body, status=202, mimetype="text/plain")


@blueprint.route("/webmention", methods=["GET"])
def webmention_about() -> Response:
    return Response("This is a Webmention endpoint (https://www.w3.org/TR/webmention/): "
                    "POST source and target as a form.\n", mimetype="text/plain")


@blueprint.route("/webmention/status/<uuid>", methods=["GET"])
def webmention_status(uuid: str) -> Response:
    entry = _entry_by_uuid(uuid)
    if entry is None or entry.kind not in ("webmention", "trackback", "pingback"):
        raise Refusal(404, "There is no webmention with this status address.")
    return jsonify({
        "source": entry.source_url,
        "target": endpoint_context().thread_url(entry.thread),
        "verification": entry.verification,
        "verification_error": public_reason(entry.verify_error),
        "status": entry.status,
        "type": entry.mention_type,
        "received": entry.created_at.isoformat(),
        "updated": entry.updated_at.isoformat(),
    })


def _entry_by_uuid(uuid: str) -> Entry | None:
    with endpoint_context().store.read() as conn:
        row = conn.execute(select(entries).where(entries.c.uuid == uuid)).first()
    return Entry.from_row(row) if row else None
