"""Monogram avatars: a commenter's initials on a colour derived from their name.

Drawn by the page itself (CSS, no image), so showing a face for every comment costs no request, and
no e-mail hash ever leaves the site (Gravatar and friends would learn who reads and who comments).
The same name always gets the same initials and colour, on every page and in every build, and
``static/engagement/comment-post.js`` computes exactly the same for a reader's own pending comment
(the two are kept in step by ``tests/comments/test_monogram.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

#: How many background colours ``comments.css`` defines (``.eg-hue-0`` … ``.eg-hue-7``); each one
#: carries white initials at better than 6:1 contrast.
HUES = 8


@dataclass(frozen=True)
class Monogram:
    initials: str
    hue: int


def _first_sign(word: str) -> str:
    return next((char for char in word if char.isalnum()), "")


def initials(name: str) -> str:
    """First letter of the first and of the last word: "Dana Whitfield" → "DW", "sam" → "S"."""
    words = [w for w in name.split() if _first_sign(w)]
    if not words:
        return "?"
    letters = _first_sign(words[0]) + (_first_sign(words[-1]) if len(words) > 1 else "")
    return letters.upper()


def hue(name: str) -> int:
    """A colour index from the whole name (31-polynomial over code points, as the script does)."""
    value = 0
    for char in name.strip():
        value = (value * 31 + ord(char)) % 2**32
    return value % HUES


def monogram(name: str) -> Monogram:
    """The Jinja filter ``monogram``: initials and colour index of one author name."""
    return Monogram(initials(name), hue(name))
