"""A corpus of hostile reader input. Every script payload sets ``window.__pwned`` or opens a dialog,
and every off-site reference points at ``evil.example``, so a browser test can tell if one worked."""

from __future__ import annotations

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
