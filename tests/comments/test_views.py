"""The comments' view helpers: the date forms the pages and the JSON-LD write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pelican.plugins.engagement.comments.views import html_datetime, jsonld_datetime


def test_jsonld_dates_keep_their_seconds_and_write_utc_as_z() -> None:
    # schema.org's DateTime is CCYY-MM-DDThh:mm:ss and a zone: the seconds stay even when zero.
    assert jsonld_datetime(datetime(2024, 5, 1, 12, 1, tzinfo=UTC)) == "2024-05-01T12:01:00Z"


def test_jsonld_dates_keep_other_offsets() -> None:
    summer = timezone(timedelta(hours=1))
    assert jsonld_datetime(datetime(2024, 5, 1, 12, 1, 30, tzinfo=summer)) == "2024-05-01T12:01:30+01:00"


def test_html_dates_drop_zero_seconds() -> None:
    assert html_datetime(datetime(2024, 5, 1, 12, 1, tzinfo=UTC)) == "2024-05-01T12:01Z"
