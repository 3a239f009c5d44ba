"""Site builds beyond the session's ``seed_site``: the seed content with small pages, for pagination."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sites import build_site


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles, two per page: the index and the lists paginate."""
    return build_site(tmp_path_factory.mktemp("paged-site"), DEFAULT_PAGINATION=2)
