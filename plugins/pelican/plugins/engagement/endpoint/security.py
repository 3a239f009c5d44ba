"""The endpoint's guards: client identity as a keyed hash, CORS for our own origins, token checks,
and rate limits.

Client addresses are personal data, so the store only ever sees ``HMAC(secret, address)``: enough to
count one client's requests, useless to anyone who reads the database without the key. Rate limits
are counted in the store (``Store.admit``) so they hold across worker processes and instances.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Request, Response

from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.settings import EngagementSettings
from pelican.plugins.engagement.store import RateLimit, RateLimited, Store

#: How long a browser may cache a preflight answer, in seconds.
PREFLIGHT_MAX_AGE = 600


def hash_ip(secret: str, address: str) -> str:
    """The keyed hash stored instead of a client address (hex SHA-256 HMAC)."""
    return hmac.new(secret.encode("utf-8"), address.encode("utf-8"), hashlib.sha256).hexdigest()


def client_address(req: Request) -> str:
    """The client's address as Werkzeug sees it (``ProxyFix`` has already applied trusted proxies)."""
    return req.remote_addr or "unknown"


def tokens_equal(given: str | None, expected: str) -> bool:
    """Compare secrets in constant time; an empty expected token never matches."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# --- CORS ------------------------------------------------------------------------------------------


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, lower-cased, or None when it has no scheme and host."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def allowed_origins(site_url: str, extra: Iterable[str]) -> frozenset[str]:
    """SITEURL's origin plus ``ENGAGEMENT_ALLOWED_ORIGINS``: the only pages that may call the API."""
    origins = {origin_of(url) for url in [site_url, *extra]}
    return frozenset(origin for origin in origins if origin)


def add_cors_headers(response: Response, origin: str, *, preflight: bool) -> None:
    """Let ``origin`` (already checked) read this response; never ``*``."""
    response.headers["Access-Control-Allow-Origin"] = origin
    response.vary.add("Origin")
    # The script tells the reader how long to wait after a 429.
    response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    if preflight:
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        # Idempotency-Key: the script sends one per comment, so a retry cannot store it twice.
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Idempotency-Key"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)


def check_origin(req: Request, allowed: frozenset[str]) -> str | None:
    """The request's ``Origin`` if it is allowed, None if it sent none; refuse a foreign one.

    Browsers send ``Origin`` on every cross-origin API call, so a foreign one means a page on
    another site is calling us: refused, so that nobody can build a comment form for our threads
    elsewhere. Non-browser clients send none and are rate-limited like everyone else.
    """
    origin = req.headers.get("Origin")
    if origin is None:
        return None
    if origin.lower() in allowed:
        return origin
    raise Refusal(403, f"Pages on {origin} may not post comments here.")


# --- rate limits -----------------------------------------------------------------------------------

CLIENT_SCOPE = "comment-client:"
THREAD_SCOPE = "comment-thread:"
#: THREAD_RATE_LIMIT counts per hour.
THREAD_WINDOW = 3600


def comment_limits(settings: EngagementSettings, ip_hash: str, thread: str) -> tuple[RateLimit, RateLimit]:
    """The two limits a comment is counted against, checked in this order with its insert.

    RATE_LIMIT comments per RATE_LIMIT_WINDOW seconds from one client, and THREAD_RATE_LIMIT per
    hour on one article from everyone together. ``Store.add_admitted`` applies both and inserts the
    comment in one write transaction (one lock, one durable commit).
    """
    return (
        RateLimit(f"{CLIENT_SCOPE}{ip_hash}", settings.RATE_LIMIT, settings.RATE_LIMIT_WINDOW),
        RateLimit(f"{THREAD_SCOPE}{thread}", settings.THREAD_RATE_LIMIT, THREAD_WINDOW),
    )


def rate_refusal(refused: RateLimited, back_url: str | None) -> Refusal:
    """The 429 a reader sees for a used-up comment limit, with when to try again."""
    window = int(refused.limit.window_seconds)
    if refused.limit.scope.startswith(THREAD_SCOPE):
        return Refusal(
            429,
            "This article is receiving too many comments right now. Please try again in an hour.",
            back_url=back_url,
            headers={"Retry-After": str(window)},
        )
    return Refusal(
        429,
        f"You are posting too quickly. Please wait {_duration(window)} and try again.",
        headers={"Retry-After": str(window)},
    )


def limit_attempts(store: Store, scope: str, limit: int, window: int, message: str) -> None:
    """A generic limit (admin log-ins, confirmation mails) with the same 429 answer."""
    if not store.admit(scope, limit, window):
        raise Refusal(429, message, headers={"Retry-After": str(window)})


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


# --- response headers ------------------------------------------------------------------------------

#: The endpoint's own pages (refusals, notices, admin) load only their own stylesheet and the
#: moderation page's script: no inline code, no frames, no third parties.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def form_policy(site_url: str) -> str:
    """The policy of a page whose form the endpoint answers with a 303 to the article (the "check
    and send" page): Chromium applies ``form-action`` to the redirect too, so the site's origin
    must be allowed or the reader is left on the page with the comment stored."""
    origin = origin_of(site_url)
    if not origin:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


# --- housekeeping ----------------------------------------------------------------------------------

#: Rate-limit events older than this are never counted again (the longest window in use is the
#: daily cap on confirmation messages).
RATE_EVENTS_KEPT = 86400


class StorePruner:
    """Deletes old rate-limit events, expired idempotency keys and page jobs finished a week ago now
    and then, so those tables stay as small as their windows need.

    One per application; the first request after each interval does the work (no timer thread, so
    it behaves the same under the development server and gunicorn, and needs no ``engagement
    worker``, which not every deployment runs). Nothing depends on the timing: expired keys and
    events are ignored by every lookup whether or not they have been deleted yet.
    """

    def __init__(self, every_seconds: float = 3600) -> None:
        self.every = every_seconds
        self._due = 0.0
        self._lock = threading.Lock()

    def maybe_prune(self, store: Store, keep_seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            if now < self._due:
                return
            self._due = now + self.every
        store.prune_rate_events(keep_seconds)
        store.prune_idempotency_keys()
        store.prune_page_jobs()
