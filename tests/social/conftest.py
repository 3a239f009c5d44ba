"""Fixtures for the social tests: the Mastodon/Bluesky stand-in and a guarded API client for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pelican.plugins.engagement import net
from pelican.plugins.engagement.social.api import ApiClient

from tests.social import standin as standin_module


@pytest.fixture
def standin() -> Iterator[standin_module.StandIn]:
    with standin_module.running() as server:
        yield server


@pytest.fixture
def api() -> Iterator[ApiClient]:
    """A client that may reach 127.0.0.1 (the stand-in) and waits 10 ms between retries."""
    policy = net.FetchPolicy(allowed_private_hosts=frozenset({"127.0.0.1"}), max_bytes=8 * 1024 * 1024)
    with ApiClient(policy, backoff=0.01) as client:
        yield client
