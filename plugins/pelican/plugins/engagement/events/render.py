"""Event cards into pages, and their calendar files into the output.

Runs at ``article_generator_finalized`` / ``page_generator_finalized`` like the case cards: the
Markdown preprocessor left one placeholder element per ```` ```event ```` block, replaced here by
``engagement/event.html`` (the theme may override it). Each card links a ``.ics`` file that is
written next to the page when the build finishes (``finalized``), from the same parsed event.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pelican.plugins.engagement.build import state
from pelican.plugins.engagement.cases.durations import human_duration, iso_duration
from pelican.plugins.engagement.cases.markdown_ext import EVENT_SLOT, EVENTS_KEY, slot_html
from pelican.plugins.engagement.events.blocks import Event
from pelican.plugins.engagement.events.calendar import ics_bytes

FILES_KEY = "event_files"
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                 "hidden_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


@dataclass(frozen=True)
class EventView:
    """What ``engagement/event.html`` shows: the event and its times already worked out."""

    event: Event
    page_url: str
    ics_url: str
    day_text: str
    start_text: str
    end_text: str
    zone_text: str
    utc_text: str
    duration_text: str
    duration_iso: str
    jsonld: dict[str, Any]

    @property
    def url(self) -> str:
        """The card's own address (the page and its anchor)."""
        return f"{self.page_url}#{self.event.anchor}"


def _day(moment: datetime, date_format: str) -> str:
    from pelican.utils import strftime

    day = strftime(moment, date_format)
    return day if "%A" in date_format or "%a" in date_format else f"{moment:%A}, {day}"


def _zone_label(moment: datetime) -> str:
    """"EDT", or "UTC-04:00" for a fixed offset (what the reader compares with their clock)."""
    name = moment.tzname() or ""
    return name if name and not name.startswith("UTC") else moment.strftime("UTC%:z")


def _span(start: datetime, end: datetime | None, date_format: str) -> str:
    """"13:00" or "13:00 – 14:00"; the end's day is named when it is another day."""
    if end is None:
        return f"{start:%H:%M}"
    if end.date() == start.date():
        return f"{start:%H:%M} – {end:%H:%M}"
    return f"{start:%H:%M} – {_day(end, date_format)}, {end:%H:%M}"


def describe(event: Event, page_url: str, ics_url: str, date_format: str) -> EventView:
    """The card's texts: the day, the time in the event's zone, and the same moment in UTC (with
    its day when that is another one)."""
    start, end = event.start, event.end
    utc_start, utc_end = event.start_utc, end.astimezone(UTC) if end else None
    utc_text = _span(utc_start, utc_end, date_format) + " UTC"
    if utc_start.date() != start.date():
        utc_text = f"{_day(utc_start, date_format)}, {utc_text}"
    end_text = ""
    if end is not None:
        end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{_day(end, date_format)}, {end:%H:%M}"
    seconds = int(event.duration.total_seconds()) if event.duration else None
    return EventView(
        event=event, page_url=page_url, ics_url=ics_url, day_text=_day(start, date_format),
        start_text=f"{start:%H:%M}", end_text=end_text, zone_text=_zone_label(start), utc_text=utc_text,
        duration_text=human_duration(seconds) if seconds else "",
        duration_iso=iso_duration(seconds) if seconds else "",
        jsonld=jsonld(event, f"{page_url}#{event.anchor}"),
    )


def jsonld(event: Event, url: str) -> dict[str, Any]:
    """schema.org ``Event``: hosts as organizers, guests as performers, the hashtag or URL as a
    virtual location and ``where`` as a place."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Event", "name": event.title,
                            "startDate": event.start.isoformat(), "url": url}
    if event.end is not None:
        data["endDate"] = event.end.isoformat()
    if event.description:
        data["description"] = event.description
    locations: list[dict[str, str]] = []
    if event.where:
        locations.append({"@type": "Place", "name": event.where})
    if event.url or event.hashtag:
        virtual = {"@type": "VirtualLocation", "name": event.hashtag or event.url}
        if event.url:
            virtual["url"] = event.url
        locations.append(virtual)
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if event.hosts:
        data["organizer"] = [{"@type": "Organization", "name": name} for name in event.hosts]
    if event.guests:
        data["performer"] = [{"@type": "Person", "name": name} for name in event.guests]
    return data


def _page_dir(content: Any) -> str:
    """The output folder of a page ("2012/08/slug" for ".../slug/index.html")."""
    return posixpath.dirname(content.save_as)


def _stamp(content: Any) -> datetime:
    moment = getattr(content, "modified", None) or getattr(content, "date", None) or datetime(1970, 1, 1)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def render_content(content: Any, template: Any, context: dict[str, Any], files: dict[str, bytes]) -> None:
    """Fill one page's event placeholders; the page's calendar files go into ``files``."""
    events: list[Event] = list(getattr(content, EVENTS_KEY, None) or [])
    if not events:
        return
    site_url = str(context.get("SITEURL", "")).rstrip("/")
    folder = _page_dir(content)
    page_url = f"{site_url}/{content.url}"
    host = urlsplit(site_url).hostname or "localhost"
    date_format = str(context.get("DEFAULT_DATE_FORMAT", "%B %-d, %Y"))
    html = content._content
    for number, event in enumerate(events):
        ics_path = posixpath.join(folder, event.ics_name)
        view = describe(event, page_url, f"{site_url}/{ics_path}", date_format)
        card = template.render({**context, "article": content, "event": view})
        html = html.replace(slot_html(EVENT_SLOT, number), card)
        uid = f"{folder.replace('/', '-')}-{event.anchor}@{host}"
        files[ics_path] = ics_bytes(event, page_url=view.url, uid=uid, stamp=_stamp(content))
    content._content = html


def render_generator(generator: Any) -> None:
    """``article_generator_finalized`` / ``page_generator_finalized`` handler."""
    files = state(generator.settings).extras.setdefault(FILES_KEY, {})
    template = None
    seen: set[int] = set()
    for name in CONTENT_LISTS:
        for content in getattr(generator, name, None) or []:
            if id(content) in seen or not getattr(content, EVENTS_KEY, None):
                continue
            seen.add(id(content))
            template = template or generator.env.get_template("engagement/event.html")
            render_content(content, template, generator.context, files)


def write_calendars(pelican: Any) -> None:
    """``finalized``: write every event's ``.ics`` next to its page."""
    output = Path(pelican.settings["OUTPUT_PATH"])
    for relative, data in state(pelican.settings).extras.get(FILES_KEY, {}).items():
        target = output / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
