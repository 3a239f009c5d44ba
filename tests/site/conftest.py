"""Site builds beyond the session's ``seed_site``: the seed content with small pages and period archives."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sites import build_site


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles, two per page (the index and the lists paginate), with year and month archives."""
    return build_site(
        tmp_path_factory.mktemp("paged-site"),
        DEFAULT_PAGINATION=2,
        YEAR_ARCHIVE_SAVE_AS="{date:%Y}/index.html",
        YEAR_ARCHIVE_URL="{date:%Y}/",
        MONTH_ARCHIVE_SAVE_AS="{date:%Y}/{date:%m}/index.html",
        MONTH_ARCHIVE_URL="{date:%Y}/{date:%m}/",
    )
