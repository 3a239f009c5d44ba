"""TrackBack 1.2 on the wire: the ping form, the XML answer, and RDF autodiscovery.

The answer is exactly the spec's: ``<response><error>0</error></response>`` on success, and
``<error>1</error><message>…</message>`` otherwise, always with HTTP 200 (so old clients that only
read the body see the message). Discovery reads the RDF block that pages embed (usually inside an
HTML comment) and picks the ``rdf:Description`` whose ``dc:identifier`` is the page itself.
"""

from __future__ import annotations

import codecs
import html
import re
from urllib.parse import unquote_to_bytes, urldefrag
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

CONTENT_TYPE = "text/xml; charset=utf-8"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
TRACKBACK = "http://madskills.com/public/xml/rss/module/trackback/"
_RDF_BLOCK = re.compile(r"<rdf:RDF\b.*?</rdf:RDF>", re.DOTALL | re.IGNORECASE)
PING_FIELDS = ("url", "title", "excerpt", "blog_name")


class UndecodablePing(ValueError):
    """A ping whose bytes are not text in the charset it declares (answered with the spec's error)."""


def read_ping(raw: bytes, declared_charset: str | None) -> dict[str, str]:
    """The ping's fields from a form body or query string, decoded in the sender's charset.

    Senders post in their publishing charset: Movable Type says ``charset=iso-8859-1`` in the
    Content-Type, some older clients put a ``charset`` field in the form instead, WordPress says
    UTF-8. Without either, UTF-8. Bytes that are not text in that charset are refused rather
    than stored as replacement characters. Character references are decoded (:func:`as_text`).
    """
    pairs = _split_form(raw)
    charset = (declared_charset or _ascii(pairs.get(b"charset", b"")) or "utf-8").strip()
    try:
        codecs.lookup(charset)
    except LookupError:
        raise UndecodablePing(
            f"The charset {charset!r} is not one this server can read; send the ping in UTF-8."
        ) from None
    fields: dict[str, str] = {}
    for name in PING_FIELDS:
        try:
            text = pairs.get(name.encode(), b"").decode(charset)
        except UnicodeDecodeError:
            raise UndecodablePing(
                f"The {name} field is not valid {charset} text; declare the charset the ping is "
                "written in (Content-Type: application/x-www-form-urlencoded; charset=…)."
            ) from None
        fields[name] = text
    return as_text(fields)


def as_text(fields: dict[str, str]) -> dict[str, str]:
    """Text fields with HTML character references decoded: WordPress sends titles and excerpts
    as HTML text (``&#8220;``, ``&amp;``), and the page escapes them once when it shows them."""
    return {name: value if name == "url" else html.unescape(value) for name, value in fields.items()}


def _split_form(raw: bytes) -> dict[bytes, bytes]:
    """``application/x-www-form-urlencoded`` pairs as undecoded bytes (first value of a name wins),
    so the charset can be applied after percent-decoding, as the form encoding requires."""
    pairs: dict[bytes, bytes] = {}
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _eq, value = part.partition(b"=")
        key = unquote_to_bytes(name.replace(b"+", b" "))
        pairs.setdefault(key, unquote_to_bytes(value.replace(b"+", b" ")))
    return pairs


def _ascii(value: bytes) -> str:
    """A charset name given as a form field (names are ASCII; anything else is no name)."""
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        return ""


def response(error: str | None = None) -> bytes:
    """The spec's XML answer: success when ``error`` is None."""
    if error is None:
        body = "<response>\n<error>0</error>\n</response>\n"
    else:
        body = f"<response>\n<error>1</error>\n<message>{escape(error)}</message>\n</response>\n"
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def parse_response(body: bytes) -> tuple[bool, str]:
    """(ok, message) of another site's answer; extra fields are allowed, as the spec says."""
    try:
        root = fromstring(body.strip(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError):
        return False, "the TrackBack server's answer is not XML"
    error = (root.findtext("error") or "").strip()
    return error == "0", (root.findtext("message") or "").strip()


def discover(html: str, page_url: str) -> str | None:
    """The TrackBack ping URL a page announces for itself (RDF ``trackback:ping``)."""
    candidates: list[tuple[str, str]] = []
    for block in _RDF_BLOCK.findall(html):
        try:
            root = fromstring(block, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except (DefusedXmlException, ParseError, ValueError):
            continue
        for description in root.iter(f"{{{RDF}}}Description"):
            ping = description.get(f"{{{TRACKBACK}}}ping")
            if ping:
                candidates.append((description.get(f"{{{DC}}}identifier") or "", ping.strip()))
    page = urldefrag(page_url)[0]
    for identifier, ping in candidates:
        if urldefrag(identifier)[0] == page:
            return ping
    # A page with one block that names another URL (an old permalink) still means itself.
    return candidates[0][1] if len(candidates) == 1 else None
