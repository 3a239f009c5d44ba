"""Settings are read once, validated, and explained when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.plugins.engagement.settings import SettingsError, database_url, from_pelican, load_site

REPO = Path(__file__).resolve().parents[2]


def test_defaults_apply_when_nothing_is_set() -> None:
    settings = from_pelican({}, environ={})
    assert settings.DATABASE_URL == "sqlite:///engagement.sqlite3"
    assert settings.ALLOWED_PRIVATE_HOSTS == []


def test_unknown_setting_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(SettingsError, match=r"unknown setting ENGAGEMENT_RATE_LIMT.*RATE_LIMIT"):
        from_pelican({"ENGAGEMENT_RATE_LIMT": 3}, environ={})


def test_wrong_type_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="ENGAGEMENT_RATE_LIMIT must be a whole number"):
        from_pelican({"ENGAGEMENT_RATE_LIMIT": "5"}, environ={})


def test_out_of_range_value_is_refused() -> None:
    with pytest.raises(SettingsError, match="COMMENT_MAX_DEPTH must be greater than 0"):
        from_pelican({"ENGAGEMENT_COMMENT_MAX_DEPTH": 0}, environ={})


def test_environment_wins_over_the_file() -> None:
    settings = from_pelican(
        {"ENGAGEMENT_DATABASE_URL": "sqlite:///a.db"},
        environ={"ENGAGEMENT_DATABASE_URL": "postgresql://db/x"},
    )
    assert settings.DATABASE_URL == "postgresql://db/x"


def test_list_from_environment_is_comma_separated() -> None:
    settings = from_pelican({}, environ={"ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": "127.0.0.1, localhost"})
    assert settings.ALLOWED_PRIVATE_HOSTS == ["127.0.0.1", "localhost"]


def test_bad_boolean_in_environment_is_explained() -> None:
    with pytest.raises(SettingsError, match="use true or false"):
        from_pelican({}, environ={"ENGAGEMENT_SMTP_STARTTLS": "maybe"})


def test_relative_sqlite_path_is_relative_to_the_settings_folder(tmp_path: Path) -> None:
    settings = from_pelican({"ENGAGEMENT_DATABASE_URL": "sqlite:///var/x.db"}, environ={})
    assert database_url(settings, tmp_path) == f"sqlite:///{tmp_path / 'var' / 'x.db'}"


def test_repository_settings_load_and_validate() -> None:
    config = load_site(REPO / "pelicanconf.py")
    assert config.site_url == "http://127.0.0.1:8000"
    assert config.threads_manifest == REPO / "output" / "engagement" / "threads.json"
