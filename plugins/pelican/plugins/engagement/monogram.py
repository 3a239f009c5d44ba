"""Monogram avatars: a person's or brand's initials on a colour derived from the name.

Drawn locally (a ``<span>`` styled by the plugin's CSS), so a page never asks Gravatar or any
other site for a picture, and the same name always gets the same colour on every page and build.
The hues are a fixed palette whose colours (``hsl(hue 55% 32%)``) all keep white initials above
a 4.5:1 contrast, so no name can land on an unreadable colour.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

#: Hues (degrees) that stay dark enough at 32 % lightness for white text (yellows are left out).
HUES = (0, 20, 150, 170, 190, 205, 220, 240, 260, 280, 300, 330)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class Monogram(NamedTuple):
    """Initials (one or two letters) and a hue from :data:`HUES`."""

    initials: str
    hue: int


def initials(name: str) -> str:
    """"Domino's Pizza" → "DP", "@ryan" → "R", "jetblue" → "J"; "" for a name with no letters."""
    words = _WORD.findall(name.replace("'", "").replace("’", ""))
    return "".join(word[0] for word in words[:2]).upper()


def monogram(name: str) -> Monogram:
    """The monogram of ``name``; the colour depends on the name only (stable across builds)."""
    key = " ".join(name.lower().split()).lstrip("@")
    digest = hashlib.blake2s(key.encode("utf-8"), digest_size=2).digest()
    return Monogram(initials(name) or "?", HUES[int.from_bytes(digest, "big") % len(HUES)])
