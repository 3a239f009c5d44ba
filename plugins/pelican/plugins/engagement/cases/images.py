"""Intrinsic sizes of the images cards show, so browsers reserve their space before they load.

``width``/``height`` attributes (with CSS ``height: auto``) keep lazily loaded screenshots and
media previews from shifting the text when they arrive. Only the file headers are read.
"""

from __future__ import annotations

from pathlib import Path

import imagesize

_LINK_PREFIXES = ("{static}", "{attach}", "{filename}", "|static|", "|attach|", "|filename|")


def dimensions(path: Path) -> tuple[int, int] | None:
    """(width, height) in pixels, or ``None`` when the file is missing or not an image we read."""
    try:
        width, height = imagesize.get(str(path))
    except (OSError, ValueError):
        return None
    return (int(width), int(height)) if width > 0 and height > 0 else None


def site_image(value: str, content_path: Path, source_path: str) -> Path | None:
    """The content file a screenshot value names (``{static}/images/a.png``, ``/images/a.png`` or
    ``{static}a.png`` beside the article), or ``None`` when it is not a local file."""
    for prefix in _LINK_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix):]
            break
    value = value.split("?", 1)[0].split("#", 1)[0]
    if not value or "://" in value:
        return None
    base = content_path if value.startswith("/") else Path(source_path).parent
    candidate = (base / value.lstrip("/")).resolve()
    return candidate if candidate.is_file() else None
