"""Parsing event blocks: fields, the time zone a start must carry, and errors at FILE:LINE: field."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pelican.plugins.engagement.events.blocks import EventError, parse_event

GOOD = """title: #SMChat with Frank Eliason
start: 2012-08-08 13:00 America/New_York
duration: 1 hour
hashtag: #SMChat
host: Social Media Chat
guest: Frank Eliason, Ann Other
description: Five questions
  on understanding.""".splitlines()


def parse(lines: list[str]):  # type: ignore[no-untyped-def]
    return parse_event(lines, 11, "post.md")


def test_a_full_block_is_read_into_an_event() -> None:
    event = parse(GOOD)
    assert event.title == "#SMChat with Frank Eliason"
    assert event.start.tzinfo == ZoneInfo("America/New_York")
    assert event.start_utc.isoformat() == "2012-08-08T17:00:00+00:00"
    assert event.duration == timedelta(hours=1)
    assert event.end.isoformat() == "2012-08-08T14:00:00-04:00"
    assert event.hosts == ("Social Media Chat",)
    assert event.guests == ("Frank Eliason", "Ann Other")
    assert event.description == "Five questions on understanding."
    assert event.anchor == "event-smchat-with-frank-eliason"


@pytest.mark.parametrize(
    ("start", "utc"),
    [("2026-03-12 19:30 +01:00", "18:30"), ("2026-03-12 19:30 UTC-4", "23:30"),
     ("2026-03-12 19:30 UTC", "19:30")],
)
def test_a_start_may_give_an_offset_instead_of_a_zone_name(start: str, utc: str) -> None:
    event = parse(["title: T", f"start: {start}"])
    assert f"{event.start_utc:%H:%M}" == utc


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["title: T", "start: 2012-08-08 13:00"],
         "post.md:12: field 'start': say the time zone after the time"),
        (["title: T", "start: 2012-08-08 13:00 ET"], "post.md:12: field 'start': unknown time zone 'ET'"),
        (["title: T", "start: 2012-08-08 13:00 Mars/Olympus"],
         "post.md:12: field 'start': unknown time zone"),
        (["title: T", "start: 2012-02-30 13:00 UTC"],
         "post.md:12: field 'start': 2012-02-30 13:00 is not a real"),
        (["title: T", "start: next Tuesday"], "post.md:12: field 'start': 'next Tuesday' is not"),
        (["start: 2012-08-08 13:00 UTC"], "post.md:10: field 'title': required"),
        (["title: T"], "post.md:10: field 'start': required"),
        (["title: T", "start: 2012-08-08 13:00 UTC", "duration: a while"], "post.md:13: field 'duration'"),
        (["title: T", "start: 2012-08-08 13:00 UTC", "hashtag: SM Chat"], "post.md:13: field 'hashtag'"),
        (["title: T", "start: 2012-08-08 13:00 UTC", "url: ftp://x.example"], "post.md:13: field 'url'"),
        (["title: T", "start: 2012-08-08 13:00 UTC", "guests: A"],
         "post.md:13: field 'guests': unknown field (did you mean 'guest'?)"),
        (["title: T", "title: U"], "post.md:12: field 'title': given twice"),
    ],
)
def test_mistakes_name_the_file_line_and_field(lines: list[str], expected: str) -> None:
    with pytest.raises(EventError) as raised:
        parse(lines)
    assert str(raised.value).startswith(expected), str(raised.value)
