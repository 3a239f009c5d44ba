"""Response times: parse what an author writes, and show it to a reader and to a machine.

A case's response time is the heart of the beauty/beast judgement, so it is kept as a number of
seconds (sortable across the gallery) and shown twice: as words for people ("2 hours 5 minutes")
and as an ISO 8601 duration in ``<time datetime="PT2H5M">`` for machines.
"""

from __future__ import annotations

import re
from datetime import datetime

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}
_ISO = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)
_HUMAN_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")


class DurationError(ValueError):
    """The text is neither an ISO 8601 duration nor "<number> <unit>" parts."""


def parse_duration(text: str) -> int:
    """Seconds in ``PT2H5M``, ``2 hours 5 minutes``, ``90 min`` or ``1d 2h``."""
    cleaned = text.strip()
    iso = _ISO.match(cleaned.upper())
    if iso and cleaned.upper() not in {"P", "PT"}:
        parts = {key: int(value or 0) for key, value in iso.groupdict().items()}
        return (parts["w"] * 604800 + parts["d"] * 86400 + parts["h"] * 3600
                + parts["m"] * 60 + parts["s"])
    lowered = cleaned.lower().replace(",", " ").replace(" and ", " ")
    total = 0.0
    consumed = ""
    for number, unit in _HUMAN_PART.findall(lowered):
        if unit not in _UNITS:
            raise DurationError(f"unknown unit {unit!r} in {text!r}")
        total += float(number) * _UNITS[unit]
        consumed += number + unit
    if not consumed or consumed != lowered.replace(" ", ""):
        raise DurationError(
            f"{text!r} is not a duration; write e.g. '2 hours 5 minutes', '45 min' or 'PT2H5M'"
        )
    return round(total)


def iso_duration(seconds: int) -> str:
    """``PT2H5M`` style (days as ``P1DT…``), the form ``<time datetime>`` accepts."""
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time_part = "".join(f"{v}{u}" for v, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if v)
    date_part = f"{days}D" if days else ""
    if not time_part and not date_part:
        return "PT0S"
    return "P" + date_part + ("T" + time_part if time_part else "")


def human_duration(seconds: int) -> str:
    """The two largest units in words: "3 days 4 hours", "2 hours 5 minutes", "40 seconds"."""
    seconds = max(seconds, 0)
    words = []
    for name, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60),
                       ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            words.append(f"{count} {name}{'' if count == 1 else 's'}")
    return " ".join(words[:2]) or "0 seconds"


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time as an author writes it (``2016-02-14 21:05``, offsets allowed)."""
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date-time; write it as YYYY-MM-DD HH:MM (optionally +01:00)"
        ) from None


def seconds_between(start: datetime, end: datetime) -> int:
    """Seconds from ``start`` to ``end``; naive and aware values are compared as written."""
    if (start.tzinfo is None) != (end.tzinfo is None):
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    return round((end - start).total_seconds())
