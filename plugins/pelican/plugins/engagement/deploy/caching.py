"""What a deployed file is served with: its media type and how long caches may keep it.

Pages, feeds and the JSON next to them change whenever a comment is approved, so caches must ask
again every time (``no-cache`` still lets them keep a copy and revalidate it cheaply). Files whose
name carries a content hash never change and may be kept for a year; other static files (the
plugin's CSS and scripts, images) an hour, so a deploy reaches readers soon.
"""

from __future__ import annotations

import mimetypes
import re

REVALIDATE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
STATIC = "public, max-age=3600"

_CHANGING = (".html", ".xml", ".json", ".atom", ".rss", ".txt", ".ics")
#: A content hash in the name (``site.3f2a9c1b.css``, linkback avatars named by their hash).
_HASHED = re.compile(r"(^|[._-])[0-9a-f]{8,}\.\w+$")
_TYPES = {".xml": "application/xml", ".atom": "application/atom+xml", ".ics": "text/calendar",
          ".webp": "image/webp", ".json": "application/json", ".js": "text/javascript"}


def content_type(path: str) -> str:
    """The media type to store with ``path`` (UTF-8 for text)."""
    suffix = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    guessed = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/xml", "application/atom+xml",
                                                   "application/json", "image/svg+xml"):
        return f"{guessed}; charset=utf-8"
    return guessed


def cache_control(path: str) -> str:
    """The ``Cache-Control`` header for ``path`` (a path relative to the output folder)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith(_CHANGING) or "." not in name:
        return REVALIDATE
    if _HASHED.search(name):
        return IMMUTABLE
    return STATIC
