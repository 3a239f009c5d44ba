"""JSON calls through the guarded fetch: the server's pause, back-off and the address guard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pelican.plugins.engagement import net
from pelican.plugins.engagement.social.api import ApiClient, ApiError, retry_delay

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_retry_after_in_seconds() -> None:
    assert retry_delay({"Retry-After": "30"}, NOW) == 30


def test_retry_after_as_a_date() -> None:
    assert retry_delay({"Retry-After": "Mon, 30 Nov 2026 12:01:00 GMT"}, NOW) == 60


def test_mastodons_rate_limit_reset() -> None:
    assert retry_delay({"X-RateLimit-Reset": "2026-11-30T12:00:10.000Z"}, NOW) == 10


def test_no_usable_pause() -> None:
    assert retry_delay({"Retry-After": "soon"}, NOW) is None


def test_a_loopback_api_is_refused_unless_allowed(standin) -> None:
    client = ApiClient(net.FetchPolicy(), backoff=0.01)
    with client, pytest.raises(ApiError, match=r"port \d+ is not fetched"):
        client.call("GET", f"{standin.base}/api/v1/statuses/1/context")
    assert standin.calls() == 0


def test_a_pause_longer_than_the_cap_fails_the_call(standin, api) -> None:
    standin.fail_once("/context", 429, **{"Retry-After": "3600"})
    with pytest.raises(ApiError, match="429"):
        api.call("GET", f"{standin.base}/api/v1/statuses/1/context")


def test_persistent_5xx_gives_up_after_the_attempts(standin, api) -> None:
    for _ in range(4):
        standin.fail_once("/context", 502)
    with pytest.raises(ApiError, match="502"):
        api.call("GET", f"{standin.base}/api/v1/statuses/1/context")
    assert standin.calls("/context") == 4
