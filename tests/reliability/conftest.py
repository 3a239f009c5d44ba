"""Fixtures: the built test site, the endpoint on loopback, and gunicorn on each store backend."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import backend_store_url
from tests.reliability.gunicorn import Gunicorn, gunicorn, write_settings
from tests.support.endpoint import BuiltSite, built_site, endpoint, start_endpoint

__all__ = ["built_site", "endpoint", "served", "start_endpoint"]

#: Per-client limit on the shared server; each load client posts exactly this many: 16 x 125 = 2,000
#: posts, 10-25 s per backend on two idle cores (every comment is three fsync'd transactions: two
#: rate-limit counts and the insert). ENGAGEMENT_TEST_LOAD_POSTS changes it (a soak, or a busy CI).
CLIENT_LIMIT = int(os.environ.get("ENGAGEMENT_TEST_LOAD_POSTS", "125"))


@dataclass(frozen=True)
class Served:
    server: Gunicorn
    store_url: str
    settings_file: object


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, built_site: BuiltSite, tmp_path_factory) -> Iterator[Served]:
    """gunicorn (4 workers) behind a trusted proxy, so each load client is a reader of its own
    (X-Forwarded-For), with RATE_LIMIT=CLIENT_LIMIT per client and the thread limit out of the way.
    Started once per module and backend: booting workers is the slow part."""
    folder = tmp_path_factory.mktemp(f"served-{request.param}")
    for store_url in backend_store_url(request.param, folder):
        settings = write_settings(
            folder, built_site, store_url, TRUSTED_PROXIES=1, RATE_LIMIT=CLIENT_LIMIT,
            RATE_LIMIT_WINDOW=3600, THREAD_RATE_LIMIT=10**6,
        )
        with gunicorn(settings) as server:
            yield Served(server, store_url, settings)
