"""Case blocks: one customer-service exchange, written by hand in an article's Markdown.

Syntax (a fenced block whose info string is ``case``)::

    ```case
    brand: Domino's
    platform: Twitter
    customer_said: My power is out and I can't see my pizza.
      A continuation line is indented; a blank line starts a new paragraph.
    verdict: beauty
    ```

Each field is ``name: value`` at the start of a line; indented lines continue the value. The block
is parsed into a :class:`Case` with the file line of every field, so an error names FILE:LINE and
the FIELD, and later steps (a post URL that cannot be fetched) can point at the same line.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pelican.plugins.engagement.cases.durations import (
    DurationError,
    human_duration,
    iso_duration,
    parse_duration,
    parse_moment,
    seconds_between,
)

VERDICTS = ("beauty", "beast")

#: Every field a case block accepts, with what it holds (shown in errors and the README).
FIELDS: dict[str, str] = {
    "brand": "the company that answered (required)",
    "platform": "where it happened: Twitter, Facebook, Mastodon, …",
    "customer": "the customer's display name",
    "customer_handle": "the customer's handle, e.g. @someone",
    "customer_said": "the customer's post",
    "customer_at": "when the customer posted (YYYY-MM-DD HH:MM)",
    "reply_by": "who answered for the brand (an agent or the brand account)",
    "brand_handle": "the brand account's handle",
    "brand_said": "the brand's reply",
    "replied_at": "when the brand replied (YYYY-MM-DD HH:MM)",
    "response_time": "how long the reply took (e.g. '2 hours', 'PT45M'); computed from the times if omitted",
    "verdict": "beauty or beast",
    "rating": "a score from 1 (beast) to 5 (beauty)",
    "lesson": "the short lesson of the case",
    "screenshot": "an image on this site ({static}/images/… or /images/…)",
    "alt": "alternative text of the screenshot (required with a screenshot)",
    "link": "URL of the original conversation",
    "post": "URL of a social post whose snapshot fills in the customer's fields",
    "id": "the card's anchor (letters, digits and hyphens); default: made from the brand",
}
URL_FIELDS = ("link", "post")
_FIELD_LINE = re.compile(r"^(?P<name>[A-Za-z][\w-]*)\s*:(?P<value>.*)$")
_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CaseError(ValueError):
    """A malformed case block; the message names the file, line and field."""

    def __init__(self, source: str, line: int, field_name: str, message: str) -> None:
        self.source, self.line, self.field, self.message = source, line, field_name, message
        where = f"field '{field_name}'" if field_name else "case block"
        super().__init__(f"{source}:{line}: {where}: {message}")


@dataclass(frozen=True)
class Case:
    """One parsed case; text fields are plain text (paragraphs separated by blank lines)."""

    source: str
    line: int
    anchor: str
    brand: str
    platform: str = ""
    customer: str = ""
    customer_handle: str = ""
    customer_said: str = ""
    customer_at: datetime | None = None
    reply_by: str = ""
    brand_handle: str = ""
    brand_said: str = ""
    replied_at: datetime | None = None
    response_seconds: int | None = None
    verdict: str = ""
    rating: int | None = None
    lesson: str = ""
    screenshot: str = ""
    alt: str = ""
    link: str = ""
    post: str = ""
    field_lines: dict[str, int] = field(default_factory=dict)
    #: The customer's avatar, a file in the embeds media folder (from the ``post`` snapshot).
    customer_avatar: str = ""

    @property
    def response_iso(self) -> str:
        return iso_duration(self.response_seconds) if self.response_seconds is not None else ""

    @property
    def response_text(self) -> str:
        return human_duration(self.response_seconds) if self.response_seconds is not None else ""

    @property
    def verdict_label(self) -> str:
        if self.verdict:
            return "Beauty" if self.verdict == "beauty" else "Beast"
        return f"Rated {self.rating} of 5" if self.rating is not None else ""

    @property
    def has_exchange(self) -> bool:
        """Whether the card can show posts (either side's words), not only a summary."""
        return bool(self.customer_said or self.brand_said)

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)

    def with_post(self, post: dict[str, Any]) -> Case:
        """Fill the fields the author left empty from a social post's card (never overwrite)."""
        filled: dict[str, Any] = {}
        for mine, theirs in (("customer", "author_name"), ("customer_handle", "author_handle"),
                             ("customer_said", "text"), ("platform", "platform"), ("link", "url")):
            if not getattr(self, mine) and post.get(theirs):
                filled[mine] = post[theirs]
        if not self.customer_avatar and post.get("avatar"):
            filled["customer_avatar"] = post["avatar"]
        if self.customer_at is None and post.get("published"):
            with contextlib.suppress(ValueError):  # an unparsable date is simply not shown
                filled["customer_at"] = parse_moment(post["published"])
        return replace(self, **filled) if filled else self


def slugify(text: str) -> str:
    """ASCII anchor text: "Domino's Pizza" → "dominos-pizza"."""
    cleaned = re.sub(r"['’]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", cleaned).strip("-") or "case"


def _split_fields(lines: list[str], first_line: int, source: str,
                  known: dict[str, str] = FIELDS) -> dict[str, tuple[int, list[str]]]:
    """``name → (line, raw value lines)``, checking names (against ``known``: event blocks share
    this syntax with their own fields), duplicates and stray text."""
    found: dict[str, tuple[int, list[str]]] = {}
    current: list[str] | None = None
    for offset, text in enumerate(lines):
        number = first_line + offset
        if text.startswith("#"):
            continue  # a comment for the author
        if not text.strip():
            if current is not None:
                current.append("")
            continue
        if text[:1] in (" ", "\t"):
            if current is None:
                raise CaseError(source, number, "", "an indented line must continue a field")
            current.append(text.strip())
            continue
        match = _FIELD_LINE.match(text)
        if not match:
            raise CaseError(source, number, "", f"expected 'field: value', found {text.strip()!r}")
        name = match["name"].lower().replace("-", "_")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known fields: {', '.join(known)}"
            raise CaseError(source, number, name, f"unknown field{hint}")
        if name in found:
            raise CaseError(source, number, name, f"given twice (first on line {found[name][0]})")
        current = [match["value"].strip()]
        found[name] = (number, current)
    return found


def _join(parts: list[str]) -> str:
    """Continuation lines join with spaces; an empty line between them starts a new paragraph."""
    paragraphs, words = [], []
    for part in parts:
        if part:
            words.append(part)
        elif words:
            paragraphs.append(" ".join(words))
            words = []
    if words:
        paragraphs.append(" ".join(words))
    return "\n\n".join(paragraphs)


def _check_url(value: str, name: str, fail: Any) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        fail(name, f"{value!r} is not an http(s) URL")


def _check_screenshot(value: str, fail: Any) -> None:
    if value.startswith(("http://", "https://", "//")):
        fail("screenshot", "must be an image on this site ({static}/images/… or /images/…), not a "
                           "remote URL: readers' browsers should not contact other sites")


def _moment(values: dict[str, str], name: str, fail: Any) -> datetime | None:
    if not values.get(name):
        return None
    try:
        return parse_moment(values[name])
    except ValueError as error:
        fail(name, str(error))
    return None


def _response_seconds(values: dict[str, str], asked: datetime | None, answered: datetime | None,
                      fail: Any) -> int | None:
    computed = seconds_between(asked, answered) if asked and answered else None
    if computed is not None and computed < 0:
        fail("replied_at", "the reply is dated before the customer's post")
    given = None
    if values.get("response_time"):
        try:
            given = parse_duration(values["response_time"])
        except DurationError as error:
            fail("response_time", str(error))
    if given is not None and computed is not None and abs(given - computed) > 60:
        fail("response_time", f"says {human_duration(given)} but customer_at → replied_at is "
                              f"{human_duration(computed)}; give one or make them agree")
    return given if given is not None else computed


def _rating(values: dict[str, str], fail: Any) -> int | None:
    if not values.get("rating"):
        return None
    text = values["rating"].split("/")[0].strip()
    if not text.isdigit() or not 1 <= int(text) <= 5:
        fail("rating", f"{values['rating']!r} is not a whole number from 1 to 5")
    return int(text)


def parse_case(lines: list[str], first_line: int, source: str) -> Case:
    """Parse the lines between the fences; ``first_line`` is the file line of ``lines[0]``."""
    raw = _split_fields(lines, first_line, source)
    field_lines = {name: line for name, (line, _parts) in raw.items()}
    values = {name: _join(parts) for name, (_line, parts) in raw.items()}

    def fail(name: str, message: str, near: str = "") -> None:
        line = field_lines.get(name) or field_lines.get(near) or first_line - 1
        raise CaseError(source, line, name, message)

    if not values.get("brand"):
        fail("brand", "required: name the company that answered")
    verdict = values.get("verdict", "").lower()
    if verdict and verdict not in VERDICTS:
        fail("verdict", f"{values['verdict']!r} is not one of: {', '.join(VERDICTS)}")
    rating = _rating(values, fail)
    if not verdict and rating is None:
        fail("verdict", "required: give verdict (beauty or beast) or a rating from 1 to 5")
    if values.get("screenshot"):
        _check_screenshot(values["screenshot"], fail)
        if not values.get("alt"):
            fail("alt", "a screenshot needs alternative text describing what it shows", "screenshot")
    for name in URL_FIELDS:
        if values.get(name):
            _check_url(values[name], name, fail)
    anchor = values.get("id", "")
    if anchor and not _ANCHOR.match(anchor):
        fail("id", f"{anchor!r} may hold only lower-case letters, digits and hyphens")
    asked, answered = _moment(values, "customer_at", fail), _moment(values, "replied_at", fail)
    return Case(
        source=source,
        line=first_line - 1,
        anchor=anchor or "case-" + slugify(values["brand"]),
        brand=values["brand"],
        platform=values.get("platform", ""),
        customer=values.get("customer", ""),
        customer_handle=values.get("customer_handle", ""),
        customer_said=values.get("customer_said", ""),
        customer_at=asked,
        reply_by=values.get("reply_by", ""),
        brand_handle=values.get("brand_handle", ""),
        brand_said=values.get("brand_said", ""),
        replied_at=answered,
        response_seconds=_response_seconds(values, asked, answered, fail),
        verdict=verdict,
        rating=rating,
        lesson=values.get("lesson", ""),
        screenshot=values.get("screenshot", ""),
        alt=values.get("alt", ""),
        link=values.get("link", ""),
        post=values.get("post", ""),
        field_lines=field_lines,
    )


def unique_anchors(cases: list[Case]) -> list[Case]:
    """Number repeated anchors within one article (``case-tesco``, ``case-tesco-2``)."""
    seen: dict[str, int] = {}
    result = []
    for case in cases:
        count = seen.get(case.anchor, 0) + 1
        seen[case.anchor] = count
        result.append(case if count == 1 else replace(case, anchor=f"{case.anchor}-{count}"))
    return result
