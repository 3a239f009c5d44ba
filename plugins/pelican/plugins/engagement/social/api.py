"""JSON over the guarded fetch, with the retries a platform API asks for.

Both platforms answer ``429 Too Many Requests`` with a ``Retry-After`` (Mastodon also sends
``X-RateLimit-Reset``) and have bad minutes (502/503 from a proxy, a timeout). A backfeed run over a
thousand posts must neither give up on the first hiccup nor hammer a server that asked for a pause,
so :class:`ApiClient` waits what the server asked for (capped), backs off 1, 2, 4 … seconds on 5xx
and timeouts, and then raises :class:`ApiError` for the caller to record and move on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from pelican.plugins.engagement import net

#: Largest API answer read (a long Mastodon context is a few hundred KB).
API_MAX_BYTES = 8 * 1024 * 1024


class ApiError(Exception):
    """A call that failed for good; ``status`` is the HTTP status (0: no answer at all)."""

    def __init__(self, message: str, *, status: int = 0, url: str = "", error: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.url = url
        self.error = error  # the platform's own error name (XRPC "error"), when it gave one

    @property
    def gone(self) -> bool:
        """The resource was deleted (404/410, or Bluesky's NotFound)."""
        return self.status in (404, 410) or self.error in {"NotFound", "RecordNotFound"}


@dataclass(frozen=True)
class Answer:
    """A successful call: the decoded JSON and the response's links (``Link`` header)."""

    data: Any
    links: Mapping[str, Mapping[str, str]]
    headers: Mapping[str, str]


def retry_delay(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait: ``Retry-After`` (seconds or a date), else Mastodon's
    ``X-RateLimit-Reset`` (a date); None when it said nothing usable."""
    now = now or datetime.now(UTC)
    value = (headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return float(value)
    for candidate in (value, (headers.get("X-RateLimit-Reset") or "").strip()):
        if not candidate:
            continue
        moment = _parse_moment(candidate)
        if moment is not None:
            return max(0.0, (moment - now).total_seconds())
    return None


def _parse_moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ApiClient:
    """JSON calls to one platform through one guarded session (connections kept alive).

    ``attempts`` tries per call; waits start at ``backoff`` seconds and double; a server's own
    ``Retry-After`` is honoured up to ``max_wait`` seconds (one rate-limit window of Mastodon's; a
    longer pause fails the call, and the next run picks it up). ``calls`` counts requests sent, for
    the run's report.
    """

    def __init__(self, policy: net.FetchPolicy, *, attempts: int = 4, backoff: float = 1.0,
                 max_wait: float = 300.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.fetcher = net.Fetcher(policy)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.calls = 0

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> ApiClient:
        policy = net.FetchPolicy.from_settings(settings, max_bytes=max(settings.FETCH_MAX_BYTES,
                                                                       API_MAX_BYTES))
        return cls(policy, **options)

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def call(self, method: str, url: str, *, params: Mapping[str, Any] | None = None,
             json_body: Any = None, body: bytes | None = None,
             headers: Mapping[str, str] | None = None) -> Answer:
        """One API call, retried on 429, 5xx and network failures; raises :class:`ApiError`."""
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(_flat(params), doseq=True)}"
        sent_headers = {"Accept": "application/json", **(headers or {})}
        data: bytes | None = body
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            sent_headers["Content-Type"] = "application/json"
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            self.calls += 1
            try:
                result = self.fetcher.request(method, url, data=data, headers=sent_headers,
                                              follow_redirects=method == "GET")
            except net.BlockedAddress as error:
                raise ApiError(error.reason, url=url) from None
            except net.FetchError as error:
                if last:
                    raise ApiError(f"no answer: {error.reason}", url=url) from None
                self.sleep(delay)
                delay *= 2
                continue
            if result.ok:
                return Answer(_decode(result, url), result.links, result.headers)
            if result.status == 429 or result.status >= 500:
                asked = retry_delay(result.headers) if result.status == 429 else None
                wait = delay if asked is None else asked
                if last or wait > self.max_wait:
                    raise _error(result, url)
                self.sleep(wait)
                delay *= 2
                continue
            raise _error(result, url)
        raise ApiError("no attempts made", url=url)  # pragma: no cover - attempts >= 1


def _flat(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}


def _decode(result: net.FetchResult, url: str) -> Any:
    if not result.content:
        return None
    try:
        return json.loads(result.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(f"the answer is not JSON ({result.content_type or 'no type'})",
                       status=result.status, url=url) from None


def _error(result: net.FetchResult, url: str) -> ApiError:
    """An :class:`ApiError` carrying the platform's own message (Mastodon ``error``, XRPC
    ``error``/``message``), cut short: it is shown in the run's report."""
    name = message = ""
    try:
        document = json.loads(result.content or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        document = None
    if isinstance(document, dict):
        name = str(document.get("error") or "")[:100]
        message = str(document.get("message") or document.get("error_description") or name)[:300]
    text = f"HTTP {result.status}" + (f": {message}" if message else "")
    return ApiError(text, status=result.status, url=url, error=name)
