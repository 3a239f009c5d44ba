"""TrackBack 1.2 on the wire: the ping form, the XML answer, and RDF autodiscovery.

The answer is exactly the spec's: ``<response><error>0</error></response>`` on success, and
``<error>1</error><message>…</message>`` otherwise, always with HTTP 200 (so old clients that only
read the body see the message). Discovery reads the RDF block that pages embed (usually inside an
HTML comment) and picks the ``rdf:Description`` whose ``dc:identifier`` is the page itself.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

CONTENT_TYPE = "text/xml; charset=utf-8"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
TRACKBACK = "http://madskills.com/public/xml/rss/module/trackback/"
_RDF_BLOCK = re.compile(r"<rdf:RDF\b.*?</rdf:RDF>", re.DOTALL | re.IGNORECASE)


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
