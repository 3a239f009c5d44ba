"""An event as an iCalendar file (RFC 5545), written next to the article at build time.

Made with the ``icalendar`` package, not by string templates: line folding, escaping of commas and
semicolons, and the VTIMEZONE a calendar needs to place "13:00 America/New_York" are its job.
The file is the same on every build of the same content (DTSTAMP is the article's own date, not
the build's clock), so a rebuild does not make calendars think the event changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pelican.plugins.engagement.events.blocks import Event

PRODID = "-//pelican-engagement//events//EN"


def _moment(value: datetime) -> datetime:
    """A time as the calendar stores it: in its IANA zone (with a VTIMEZONE), else in UTC."""
    return value if isinstance(value.tzinfo, ZoneInfo) else value.astimezone(UTC)


def description(event: Event, page_url: str) -> str:
    """The plain-text body calendars show: who, the hashtag, and where the announcement is."""
    lines = [event.description] if event.description else []
    if event.hosts:
        lines.append("Host: " + ", ".join(event.hosts))
    if event.guests:
        lines.append(("Guests: " if len(event.guests) > 1 else "Guest: ") + ", ".join(event.guests))
    if event.hashtag:
        lines.append(f"Hashtag: {event.hashtag}")
    lines.append(f"Announcement: {page_url}")
    return "\n".join(lines)


def ics_bytes(event: Event, *, page_url: str, uid: str, stamp: datetime) -> bytes:
    """One VCALENDAR holding the event; ``stamp`` is DTSTAMP (when the announcement was written)."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    item = VEvent()
    item.add("uid", uid)
    item.add("dtstamp", stamp.astimezone(UTC))
    item.add("dtstart", _moment(event.start))
    if event.end is not None:
        item.add("dtend", _moment(event.end))
    item.add("summary", event.title)
    item.add("description", description(event, page_url))
    location = ", ".join(part for part in (event.where, event.hashtag) if part)
    if location:
        item.add("location", location)
    item.add("url", event.url or page_url)
    calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
