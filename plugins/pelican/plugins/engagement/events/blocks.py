"""Event blocks: a chat, a webinar or a meet-up announced in an article, written like a case block.

Syntax (a fenced block whose info string is ``event``)::

    ```event
    title: #SMChat with Frank Eliason
    start: 2012-08-08 13:00 America/New_York
    duration: 1 hour
    hashtag: #SMChat
    host: Social Media Chat
    guest: Frank Eliason
    ```

``start`` must say its time zone (an IANA name such as ``Europe/London``, or an offset such as
``+01:00``): an announcement read around the world is useless without one. Field lines, indented
continuations and ``#`` notes work as in case blocks, and a mistake names FILE:LINE and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pelican.plugins.engagement.cases.blocks import CaseError, _join, _split_fields, slugify
from pelican.plugins.engagement.cases.durations import DurationError, parse_duration

#: Every field an event block accepts, with what it holds (shown in errors and the README).
FIELDS: dict[str, str] = {
    "title": "what the event is called (required)",
    "start": "when it starts, with its time zone: 2012-08-08 13:00 America/New_York (required)",
    "duration": "how long it lasts: '1 hour', '90 min', 'PT1H30M'",
    "where": "the place or platform (a venue, 'Twitter', 'Zoom')",
    "hashtag": "the hashtag to follow or post with, e.g. #SMChat",
    "url": "where to join or read more (http or https)",
    "host": "who hosts it (several: separate with commas)",
    "guest": "the guest or speaker (several: separate with commas)",
    "description": "a sentence or two about it",
    "id": "the card's anchor (letters, digits and hyphens); default: made from the title",
}
_START = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{1,2}:\d{2})\s*(?P<zone>\S+)?\s*$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?(?P<sign>[+-])(?P<h>\d{1,2}):?(?P<m>\d{2})?$")
_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HASHTAG = re.compile(r"^#[^\s#]+$")


class EventError(CaseError):
    """A malformed event block; the message names the file, line and field."""

    def __init__(self, source: str, line: int, field_name: str, message: str) -> None:
        super().__init__(source, line, field_name, message)
        where = f"field '{field_name}'" if field_name else "event block"
        self.args = (f"{source}:{line}: {where}: {message}",)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Event:
    """One parsed event. ``start`` is aware, in the event's own zone; ``zone_name`` is how the
    author named that zone (an IANA name or an offset)."""

    source: str
    line: int
    anchor: str
    title: str
    start: datetime
    zone_name: str
    duration: timedelta | None = None
    where: str = ""
    hashtag: str = ""
    url: str = ""
    hosts: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()
    description: str = ""
    field_lines: dict[str, int] = field(default_factory=dict)

    @property
    def end(self) -> datetime | None:
        return self.start + self.duration if self.duration else None

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def ics_name(self) -> str:
        """The calendar file's name, next to the article's page."""
        return f"{self.anchor}.ics"


def _zone(text: str) -> tzinfo | None:
    """An IANA zone or a fixed offset ("+01:00", "UTC-4"); None when neither."""
    if text.upper() in ("UTC", "Z", "GMT"):
        return UTC
    offset = _OFFSET.match(text)
    if offset:
        minutes = int(offset["h"]) * 60 + int(offset["m"] or 0)
        from datetime import timezone

        return timezone(timedelta(minutes=minutes if offset["sign"] == "+" else -minutes))
    if "/" not in text:  # "ET", "EST", "CET": ambiguous abbreviations, not zones
        return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _start(value: str, fail: _Fail) -> tuple[datetime, str]:
    match = _START.match(value)
    if not match:
        fail("start", f"{value!r} is not 'YYYY-MM-DD HH:MM Zone/Name' "
                      "(e.g. 2012-08-08 13:00 America/New_York)")
    assert match is not None
    if not match["zone"]:
        fail("start", "say the time zone after the time, e.g. '13:00 America/New_York' or '13:00 +01:00'")
    zone = _zone(match["zone"])
    if zone is None:
        fail("start", f"unknown time zone {match['zone']!r}: use an IANA name such as America/New_York "
                      "or Europe/London, or an offset such as -04:00")
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{match['time'].zfill(5)}")
    except ValueError:
        fail("start", f"{match['date']} {match['time']} is not a real date and time")
        raise
    return naive.replace(tzinfo=zone), match["zone"]


class _Fail:
    """Raises :class:`EventError` at the line of the field that is wrong."""

    def __init__(self, source: str, field_lines: dict[str, int], block_line: int) -> None:
        self.source, self.field_lines, self.block_line = source, field_lines, block_line

    def __call__(self, name: str, message: str) -> None:
        raise EventError(self.source, self.field_lines.get(name, self.block_line), name, message)


def _names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parse_event(lines: list[str], first_line: int, source: str) -> Event:
    """Parse the lines between the fences; ``first_line`` is the file line of ``lines[0]``."""
    try:
        raw = _split_fields(lines, first_line, source, FIELDS)
    except CaseError as error:
        raise EventError(error.source, error.line, error.field, error.message) from None
    field_lines = {name: line for name, (line, _parts) in raw.items()}
    values = {name: _join(parts) for name, (_line, parts) in raw.items()}
    fail = _Fail(source, field_lines, first_line - 1)
    for required in ("title", "start"):
        if not values.get(required):
            fail(required, f"required: {FIELDS[required]}")
    start, zone_name = _start(values["start"], fail)
    duration = None
    if values.get("duration"):
        try:
            duration = timedelta(seconds=parse_duration(values["duration"]))
        except DurationError as error:
            fail("duration", str(error))
    url = values.get("url", "")
    if url and not url.startswith(("https://", "http://")):
        fail("url", f"{url!r} is not an http(s) URL")
    hashtag = values.get("hashtag", "")
    if hashtag and not _HASHTAG.match(hashtag):
        fail("hashtag", f"{hashtag!r} is not one hashtag (a '#' and a word, no spaces)")
    anchor = values.get("id", "")
    if anchor and not _ANCHOR.match(anchor):
        fail("id", f"{anchor!r} may hold only lower-case letters, digits and hyphens")
    return Event(
        source=source, line=first_line - 1, anchor=anchor or "event-" + slugify(values["title"]),
        title=values["title"], start=start, zone_name=zone_name, duration=duration,
        where=values.get("where", ""), hashtag=hashtag, url=url, hosts=_names(values.get("host", "")),
        guests=_names(values.get("guest", "")), description=values.get("description", ""),
        field_lines=field_lines,
    )
