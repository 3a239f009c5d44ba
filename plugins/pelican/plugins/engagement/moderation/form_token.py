"""The signed, timestamped form token: proof that a person had the comment form open for a while.

The static page cannot carry a per-view token, so the endpoint issues it (itsdangerous'
``TimestampSigner``, keyed with the store's secret, bound to the article):

- with JavaScript, ``comments.js`` asks ``GET /api/form-token?thread=…`` when the reader first
  touches the form and sends the token with the comment;
- without JavaScript, the first post of the form carries no token: with ``FORM_TOKEN = "require"``
  the endpoint answers with a "check and send" page holding the comment and a fresh token, and the
  reader's second press sends it (nothing is stored before). With ``"check"`` (the default) such a
  comment goes on through the other rules, as before tokens existed.

A token younger than ``FORM_TOKEN_MIN_SECONDS`` (a robot filling the form at once), forged or used
before marks the comment as spam; one older than ``FORM_TOKEN_MAX_AGE`` is refused with the text
echoed, so the reader can send it again. No cookie is involved.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, BadTimeSignature, TimestampSigner

from pelican.plugins.engagement.moderation.rules import Verdict
from pelican.plugins.engagement.settings import EngagementSettings

SALT = "engagement-form-token"
#: The form field (and JSON key) that carries the token.
FIELD = "form_token"
RULE = "form-token"


class TokenExpired(Exception):
    """The token is genuine but too old: the reader should send the comment again."""


class TokenMissing(Exception):
    """No token, and the site requires one (``FORM_TOKEN = "require"``)."""


@dataclass(frozen=True)
class TokenCheck:
    """What a token says: a verdict (None: fine) and a key that makes each token count once."""

    verdict: Verdict | None
    use_key: str | None = None


class _Signer(TimestampSigner):
    """itsdangerous' signer with an injectable clock (tests issue tokens "a minute ago")."""

    def __init__(self, secret: str, now: float | None = None) -> None:
        super().__init__(secret, salt=SALT)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now if self._now is not None else time.time())


def _subject(thread: str) -> str:
    return hashlib.sha256(thread.encode("utf-8")).hexdigest()[:16]


def issue(secret: str, thread: str, *, now: float | None = None) -> str:
    """A token for the form of ``thread``, stamped with the current time.

    A random part makes every token unique: two readers of one article in the same second must not
    share a token, since a token counts once.
    """
    value = f"{_subject(thread)}-{secrets.token_urlsafe(9)}"
    return _Signer(secret, now).sign(value).decode("ascii")


def check(secret: str, settings: EngagementSettings, token: str, thread: str, *,
          now: float | None = None) -> TokenCheck:
    """Judge the token sent with a comment on ``thread`` (see the module's docstring)."""
    mode = settings.FORM_TOKEN
    if mode == "off":
        return TokenCheck(None)
    token = token.strip()
    if not token:
        if mode == "require":
            raise TokenMissing()
        return TokenCheck(None)  # "check": older pages, scripts and tests post without one
    signer = _Signer(secret)
    try:
        value, stamped = signer.unsign(token, return_timestamp=True)
    except (BadTimeSignature, BadSignature):
        return TokenCheck(Verdict("spam", RULE, "the form token is forged or damaged"))
    if value.decode("ascii", "replace").split("-", 1)[0] != _subject(thread):
        return TokenCheck(Verdict("spam", RULE, "the form token belongs to another article"))
    age = (now if now is not None else time.time()) - stamped.timestamp()
    if age > settings.FORM_TOKEN_MAX_AGE:
        raise TokenExpired()
    if age < settings.FORM_TOKEN_MIN_SECONDS:
        return TokenCheck(Verdict("spam", RULE, f"sent {max(age, 0):.0f} s after the form was opened"))
    return TokenCheck(None, "form-token:" + hashlib.sha256(token.encode()).hexdigest()[:32])
