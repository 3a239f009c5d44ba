"""Event blocks in a real build: the card (event zone and UTC), h-event, Event JSON-LD, and the
.ics file written next to the page, read back with the icalendar package."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import mf2py
import pytest
from bs4 import BeautifulSoup

from tests.support.sites import build_site, write_article

SITEURL = "http://127.0.0.1:8000"
BLOCK = """Before.

```event
title: Ask us anything
start: 2024-07-04 21:30 America/Los_Angeles
duration: 90 min
where: Main hall
hashtag: #AskUs
host: The Editors
guest: Ann Guest, Bob Guest
description: Questions, answers.
```

After.
"""
PAGE = "2024/01/post"


def _site(tmp_path: Path, body: str = BLOCK) -> Path:
    content = tmp_path / "content"
    write_article(content / "articles", "post", body)
    write_article(content / "articles", "other", "No event here.")
    return content


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("events")
    return build_site(root, _site(root))


def _card(output: Path) -> BeautifulSoup:
    page = BeautifulSoup((output / PAGE / "index.html").read_text("utf-8"), "html.parser")
    return page.find(class_="event-card")


def test_the_card_shows_the_time_in_the_events_zone_and_in_utc(output: Path) -> None:
    when = _card(output).find(class_="event-when").get_text(" ", strip=True)
    assert "Thursday, July 4, 2024" in when
    assert "21:30 – 23:00 PDT" in when
    # 04:30 UTC is already the next day there: the UTC line names its day.
    assert "Friday, July 5, 2024, 04:30 – 06:00 UTC" in when
    assert "1 hour 30 minutes" in when


def _items(items: list[dict]) -> list[dict]:
    """Every microformat item, nested ones too (the card sits inside the article's h-entry)."""
    found = []
    for item in items:
        found += [item, *_items(item.get("children", []))]
    return found


def test_the_card_is_an_h_event(output: Path) -> None:
    html = (output / PAGE / "index.html").read_text("utf-8")
    (event,) = [item for item in _items(mf2py.parse(doc=html)["items"]) if "h-event" in item["type"]]
    props = event["properties"]
    assert props["name"] == ["Ask us anything"]
    assert datetime.fromisoformat(props["start"][0]) == datetime(2024, 7, 5, 4, 30, tzinfo=UTC)
    assert datetime.fromisoformat(props["end"][0]) == datetime(2024, 7, 5, 6, 0, tzinfo=UTC)
    assert props["location"] == ["Main hall, #AskUs"]
    assert [a["properties"]["name"] for a in props["attendee"]] == [["Ann Guest"], ["Bob Guest"]]


def test_the_card_carries_schema_org_event_json_ld(output: Path) -> None:
    data = json.loads(_card(output).find("script", type="application/ld+json").string)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2024-07-04T21:30:00-07:00"
    assert data["endDate"] == "2024-07-04T23:00:00-07:00"
    assert data["url"] == f"{SITEURL}/{PAGE}/#event-ask-us-anything"
    assert data["location"] == [{"@type": "Place", "name": "Main hall"},
                                {"@type": "VirtualLocation", "name": "#AskUs"}]
    assert data["performer"] == [{"@type": "Person", "name": "Ann Guest"},
                                 {"@type": "Person", "name": "Bob Guest"}]


def test_the_ics_file_is_a_valid_calendar_of_the_event(output: Path) -> None:
    link = _card(output).find("a", class_="event-ics")
    assert link["href"] == f"{SITEURL}/{PAGE}/event-ask-us-anything.ics"
    calendar = icalendar.Calendar.from_ical((output / PAGE / "event-ask-us-anything.ics").read_bytes())
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ask us anything"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2024, 7, 5, 4, 30, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2024, 7, 5, 6, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Main hall, #AskUs"
    assert "Guests: Ann Guest, Bob Guest" in str(event["DESCRIPTION"])
    assert str(event["UID"]).endswith("@127.0.0.1")
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Los_Angeles"


def test_the_ics_file_is_the_same_on_every_build(output: Path, tmp_path: Path) -> None:
    again = build_site(tmp_path, _site(tmp_path))
    name = f"{PAGE}/event-ask-us-anything.ics"
    assert (again / name).read_bytes() == (output / name).read_bytes()


def test_only_pages_with_an_event_load_its_stylesheet(output: Path) -> None:
    assert "/engagement/events.css" in (output / PAGE / "index.html").read_text("utf-8")
    assert "/engagement/events.css" not in (output / "2024/01/other/index.html").read_text("utf-8")
    assert (output / "engagement" / "events.css").is_file()


def test_a_malformed_event_fails_the_build_naming_file_line_and_field(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = _site(tmp_path, BLOCK.replace("America/Los_Angeles", "PT"))
    with pytest.raises(RuntimeError):
        build_site(tmp_path, content)
    source = content / "articles" / "post.md"
    expected = f"{source}:11: field 'start': unknown time zone 'PT'"
    assert any(expected in message for message in caplog.messages)


def test_an_unclosed_event_block_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    content = _site(tmp_path, "Text.\n\n```event\ntitle: T\n")
    with pytest.raises(RuntimeError):
        build_site(tmp_path, content)
    assert any("post.md:9: event block: this event block is never closed" in m for m in caplog.messages)


def test_the_smchat_seed_article_announces_its_chat(seed_output: Path) -> None:
    folder = seed_output / "2012/08/understanding-is-underused-in-customer-service"
    html = (folder / "index.html").read_text("utf-8")
    card = BeautifulSoup(html, "html.parser").find(class_="event-card")
    when = card.find(class_="event-when").get_text(" ", strip=True)
    assert "Wednesday, August 8, 2012" in when and "13:00 EDT" in when and "17:00 UTC" in when
    assert "Frank Eliason" in card.find(class_="event-guest").get_text()
    calendar = icalendar.Calendar.from_ical((folder / "event-smchat-frank-eliason.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2012, 8, 8, 17, 0, tzinfo=UTC)
    assert "DTEND" not in event and "DURATION" not in event  # the post gives no length


@pytest.fixture(scope="module")
def seed_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("seed"))
