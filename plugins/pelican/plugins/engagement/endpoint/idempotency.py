"""Retries must not duplicate comments: the ``Idempotency-Key`` header and the form's one-time token.

Following draft-ietf-httpapi-idempotency-key-header: the JSON API reads ``Idempotency-Key`` (a
structured-field string, ``"…"``; a bare value is accepted too), remembers the first answer for a day
per client, and answers a retry with exactly that answer (status and body). The same key with a
different comment is ``422``; a malformed key is ``400``. A retry racing its original waits for it
inside the store and gets the original's answer (see :mod:`pelican.plugins.engagement.store.idempotency`).

The plain HTML form cannot send a header, and the static page cannot carry a value unique to one
submission (it is the same file for every reader). What is unique per rendering is the form token
(:mod:`pelican.plugins.engagement.moderation.form_token`): issued for every "check and send" page
and every script-driven form, and already good for one comment only. So the form's key is the
token: the browser re-sending the same POST after a lost answer gets the first ``303`` again
instead of a second entry (which the token's once-only rule used to store as spam). A token reused
with *another* comment is still the robot the once-only rule catches, so there the key steps aside.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from flask import Request, Response, current_app, redirect, url_for

from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.moderation import form_token
from pelican.plugins.engagement.store import IdempotencyKey, StoredAnswer

HEADER = "Idempotency-Key"
#: What a key may be: 16 to 255 of these characters (a UUID, as comments.js sends, is 36).
KEY_MIN_LENGTH, KEY_MAX_LENGTH = 16, 255
_KEY = re.compile(r"[A-Za-z0-9._~:+/=-]+")
#: The fields that make a comment what it is; the fingerprint covers exactly these (not the token,
#: which a client may renew between tries of one comment).
FINGERPRINT_FIELDS = ("thread", "parent", "name", "email", "website", "body", "notify", "homepage")
_KEY_SENTENCE = (f"The {HEADER} header must be {KEY_MIN_LENGTH} to {KEY_MAX_LENGTH} letters, digits or "
                 "- _ . ~ : + / =, in double quotes (a random UUID is best).")


def header_key(req: Request) -> str | None:
    """The request's ``Idempotency-Key`` (None when absent), or a 400 with the rule in a sentence."""
    values = req.headers.getlist(HEADER)
    if not values:
        return None
    # Servers join repeated fields with commas (RFC 9110 5.3); no key contains one.
    count = sum(len(value.split(",")) for value in values)
    if count > 1:
        raise _refusal(400, f"Send one {HEADER} header, not {count}.")
    value = values[0].strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':  # RFC 8941 sf-string, as the draft defines it
        value = value[1:-1]
    if not KEY_MIN_LENGTH <= len(value) <= KEY_MAX_LENGTH or not _KEY.fullmatch(value):
        raise _refusal(400, _KEY_SENTENCE)
    return value


def fingerprint(data: Mapping[str, Any]) -> str:
    """SHA-256 of the comment's own fields, so a key reused for another comment is told apart."""
    fields = {name: _text(data.get(name)) for name in FINGERPRINT_FIELDS}
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def api_key(req: Request, data: Mapping[str, Any], client: str) -> IdempotencyKey | None:
    """The JSON API's key: the header's value, for this client."""
    value = header_key(req)
    return IdempotencyKey(client, "api:" + value, fingerprint(data)) if value else None


def form_key(data: Mapping[str, Any], client: str) -> IdempotencyKey | None:
    """The plain form's key: its one-time form token (hashed: the token itself is never stored)."""
    token = _text(data.get(form_token.FIELD)).strip()
    if not token:
        return None
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
    return IdempotencyKey(client, "form:" + digest, fingerprint(data))


def check_reuse(key: IdempotencyKey, stored: StoredAnswer) -> None:
    """A key that earned an answer for another comment: 422, as the draft says."""
    if stored.fingerprint != key.fingerprint:
        raise _refusal(422, f"This {HEADER} was already used for a different comment. "
                            "Send a new comment with a new key.")


def replay_json(key: IdempotencyKey, stored: StoredAnswer) -> Response:
    """The JSON API's first answer again, byte for byte (or 422 for another comment)."""
    check_reuse(key, stored)
    return current_app.response_class(stored.answer, status=stored.status_code, mimetype="application/json")


def replay_form(stored: StoredAnswer) -> Response:
    """The plain form's first answer again: the same redirect to the article."""
    return redirect(stored.answer, code=stored.status_code)


def json_answer(body: Mapping[str, Any]) -> str:
    """A JSON body as ``jsonify`` writes it, kept as text so a replay is the same bytes."""
    return current_app.json.dumps(body) + "\n"


def _refusal(status: int, message: str) -> Refusal:
    """A refusal whose ``Link`` points at the API description, where the key's rules are (the
    draft asks for a link to the documentation with each of its errors)."""
    return Refusal(status, message, headers={"Link": f'<{url_for("openapi.openapi")}>; rel="describedby"'})


def _text(value: object) -> str:
    """A field as text the way the submission reads it (a JSON true is "1", absent is "")."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
