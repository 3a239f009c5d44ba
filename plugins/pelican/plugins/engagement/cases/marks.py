"""Platform marks: each platform's line icon drawn once per page, referenced by every post that shows it.

A page of cards shows the same few marks again and again (two posts a case, twelve on an article
with six cases). Each card therefore refers to its mark (``<svg><use href="#eg-mark-x"/></svg>``,
the template filter ``mark_id``) and the page carries each mark it
uses once, as a ``<symbol>`` in a sprite :func:`sprite` builds from the page's own HTML: before the
first card of an article (so a summary that keeps the card keeps the sprite), after the grid of a
gallery page. The drawings are 16×16 strokes styled by ``cases.css`` (``.post-head > svg``), shipped with
the plugin: no third-party image.
"""

from __future__ import annotations

import re

from markupsafe import Markup

#: Stroke paths on a 16×16 grid, by platform key; "post" is any other site.
PATHS = {
    "x": "M3 2.5h3l7 11h-3zM13 2.5 9.3 6.8M3 13.5l3.7-4.3",
    "mastodon": "M3 4.5a2 2 0 0 1 2-2h6a2 2 0 0 1 2 2v4a2 2 0 0 1-2 2H7.5C6 10.5 5 11 5 13c-1.2-.8-2-2-2-4z"
                "M5.5 8V6a1.25 1.25 0 0 1 2.5 0v2m0-2a1.25 1.25 0 0 1 2.5 0v2",
    "bluesky": "M8 7.5C6.5 4.5 4 2.5 2.5 2.5S1.8 6.5 3 7.5c.8.6 2 .8 3 .5-1.5.5-2.6 1.5-2 3 .8 1.5 2.6.8 4-2 "
               "1.4 2.8 3.2 3.5 4 2 .6-1.5-.5-2.5-2-3 1 .3 2.2.1 3-.5 1.2-1 1-5-.5-5S9.5 4.5 8 7.5z",
    "facebook": "M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5zM10 5.2H9.2A1.4 1.4 0 0 0 7.8 6.6V14.2"
                "M6.2 8.4h3.6",
    "instagram": "M4.5 2h7A2.5 2.5 0 0 1 14 4.5v7a2.5 2.5 0 0 1-2.5 2.5h-7A2.5 2.5 0 0 1 2 11.5v-7"
                 "A2.5 2.5 0 0 1 4.5 2zM8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zm3.4-1v.1",
    "threads": "M10.5 8a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0zm0 0v1a1.75 1.75 0 0 0 3.5 0V8A6 6 0 1 0 11 13.2",
    "linkedin": "M3 2h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM5 7v4.5m0-6.7v.1"
                "m2.8 6.6V7m0 2a1.8 1.8 0 0 1 3.6 0v2.5",
    "youtube": "M2 5.5C2 4 3 3.2 4.5 3.1c1.5-.1 5.5-.1 7 0C13 3.2 14 4 14 5.5v5c0 1.5-1 2.3-2.5 2.4"
               "-1.5.1-5.5.1-7 0C3 12.8 2 12 2 10.5zM6.8 6v4l3.4-2z",
    "vimeo": "M2 5.6l1 .7 1-.8c.6 0 1.5 6.5 3 7.5 1.8 1 6-4.5 7-8.5.5-2-2-2.5-3.5-.5",
    "tiktok": "M9 2v8.5a2.5 2.5 0 1 1-2.5-2.5M9 2c.3 1.8 1.6 3 3.5 3.2",
    "post": "M2.5 3.5h11V11H7l-3 2.5V11H2.5z",
}
_X_NAMES = {"twitter", "x", "x(twitter)", "twitter/x"}
PREFIX = "eg-mark-"
_REFERENCE = re.compile(r'href="#' + PREFIX + r'([a-z]+)"')


def mark_id(platform: str) -> str:
    """The template filter ``mark_id``: the id of a platform's symbol ("Twitter" → ``eg-mark-x``)."""
    key = platform.lower().replace(" ", "")
    key = "x" if key in _X_NAMES else key
    return PREFIX + (key if key in PATHS else "post")


def used(html: str) -> list[str]:
    """The marks ``html`` refers to, in the order they first appear."""
    return list(dict.fromkeys(key for key in _REFERENCE.findall(html) if key in PATHS))


def sprite(html: str) -> Markup:
    """The template filter ``mark_sprite``: one hidden ``<svg>`` holding a ``<symbol>`` for every
    mark ``html`` refers to, or "" when it refers to none."""
    keys = used(str(html))
    if not keys:
        return Markup("")
    symbols = "".join(f'<symbol id="{PREFIX}{key}" viewBox="0 0 16 16"><path d="{PATHS[key]}"/></symbol>'
                      for key in keys)
    return Markup(f'<svg class="eg-marks" width="0" height="0" aria-hidden="true">{symbols}</svg>')


def with_sprite(html: str, pieces: list[str]) -> str:
    """``html`` with the sprite of its marks inserted before the first card (of ``pieces``, the
    rendered cards) that refers to one."""
    marks = str(sprite("".join(pieces)))
    places = [html.find(piece) for piece in pieces if _REFERENCE.search(piece)]
    places = [place for place in places if place >= 0]
    if not marks or not places:
        return html
    at = min(places)
    return html[:at] + marks + html[at:]
