"""The plugin in a site that is not ours: Pelican's own "simple" theme and default settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.sites import write_article

CASE = "```case\nbrand: Tesco\nverdict: beauty\nresponse_time: 10 minutes\n```\n"


def _build(root: Path, **overrides: object) -> Path:
    import pelican
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    write_article(root / "content", "hello", "Hi.\n\n" + CASE)
    settings = read_settings(None, override={
        "PATH": str(root / "content"), "OUTPUT_PATH": str(root / "output"),
        "THEME": str(Path(pelican.__file__).parent / "themes" / "simple"),
        "PLUGINS": ["engagement"], "SITEURL": "https://other.example", "TIMEZONE": "UTC",
        "RELATIVE_URLS": False,
        "ENGAGEMENT_DATABASE_URL": f"sqlite:///{root / 'engagement.sqlite3'}",
        "ENGAGEMENT_EMBEDS_FETCH": False, **overrides,
    })
    init_logging(fatal="warnings")
    Pelican(settings).run()
    return root / "output"


def test_simple_theme_site_gets_cards_and_a_gallery(tmp_path: Path) -> None:
    output = _build(tmp_path)
    article = BeautifulSoup((output / "hello.html").read_text("utf-8"), "html.parser")
    card = article.find("figure", id="case-tesco")
    assert card.select_one(".case-timing time")["datetime"] == "PT10M"
    gallery = BeautifulSoup((output / "cases" / "index.html").read_text("utf-8"), "html.parser")
    assert gallery.find("li", class_="gallery-item")["data-brand"] == "Tesco"
    assert (output / "engagement" / "cases.css").is_file()


def test_unknown_engagement_setting_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="unknown setting ENGAGEMENT_GALERY_PATH"):
        _build(tmp_path, ENGAGEMENT_GALERY_PATH="x")
