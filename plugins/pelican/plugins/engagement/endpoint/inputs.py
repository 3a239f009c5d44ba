"""Reading numbers, JSON and addresses from a request so that no malformed value reaches the store.

Each rule here answers an input that once made the endpoint fail with a 500:

- JSON nested thousands of levels deep overflows the recursive parser (``RecursionError``);
- ``"\\ud800"``, a lone surrogate escape, is valid JSON to Python but half of a UTF-16 pair, not a
  character: no database stores it as text, and nothing a person types produces it;
- a number beyond the id column (PostgreSQL's INTEGER stops at 2^31-1) or beyond 64 bits (SQLite's
  integers, SQL's OFFSET) makes the database driver raise instead of finding nothing;
- a NUL character, which PostgreSQL refuses in text, in the address (a token or id looked up).

Each becomes a :class:`Refusal` with a sentence: 400, or 404 for an address no resource can have.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Request, request

from pelican.plugins.engagement.endpoint.errors import Refusal
from pelican.plugins.engagement.store.schema import MAX_ID

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_object(req: Request) -> dict[str, Any]:
    """The request's JSON body, which must be one object of text fields."""
    try:
        data = req.get_json(silent=True)
    except RecursionError:
        raise Refusal(400, "The JSON is nested too deeply; send one flat object of comment fields.") \
            from None
    if not isinstance(data, dict):
        raise Refusal(400, "The request body is not a JSON object.")
    if has_lone_surrogate(data):
        raise Refusal(400, "The text contains a lone surrogate escape (such as \\ud800): half of a "
                           "UTF-16 pair is not a character. Send the text as UTF-8.")
    return data


def has_lone_surrogate(value: Any) -> bool:
    """True when a string anywhere in ``value`` (keys too) holds an unpaired surrogate code point.

    Paired escapes (``"\\ud83d\\ude00"``) are joined into one character by the JSON reader, so any
    surrogate left is a lone one. Walked without recursion: the document may be deep.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def entry_id(value: int) -> int:
    """An entry id from the address, refused when no entry can have it (beyond the id column)."""
    if not 0 <= value <= MAX_ID:
        raise Refusal(400, f"There is no entry {value}: entry ids go up to {MAX_ID}.")
    return value


def query_int(name: str, default: int, *, low: int, high: int) -> int:
    """An integer query parameter kept within [low, high]; text that is no number means ``default``
    (as before), a number beyond 64 bits is refused, since no page or offset can be that far."""
    raw = request.args.get(name, "")
    try:
        value = int(raw)
    except ValueError:
        return default
    if not INT64_MIN <= value <= INT64_MAX:
        raise Refusal(400, f"The “{name}” parameter must be a whole number from {low} to {high}.")
    return min(max(value, low), high)


def refuse_nul_in_address() -> None:
    """``before_request``: no address of ours has a NUL character in its path, so none is looked
    up (query parameters are checked by the routes that read them)."""
    if "\x00" in request.path:
        raise Refusal(404, "There is nothing at this address: no address here contains a NUL "
                           "character (%00).")
