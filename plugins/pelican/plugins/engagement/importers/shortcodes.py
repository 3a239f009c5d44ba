"""WordPress shortcodes in exported posts: embeds become a URL alone on its line, the rest is reported.

A WXR export holds the post as the author typed it, shortcodes included; WordPress expanded them
only when it showed the page. The embeds an old customer-service blog is full of —
``[embed]URL[/embed]``, Jetpack's ``[youtube …]`` and ``[tweet …]`` — become the URL alone on its
own line, which is exactly what the site's embed cards take (and what WordPress's own auto-embed
took). ``[caption]`` is Pelican's ``decode_wp_content``'s to convert. Any other shortcode is kept as
written and named in the import summary, so the editor decides instead of a reader finding
``[gallery ids="3,4"]`` on the page. ``[[name]]`` is WordPress's way to write a shortcode as text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Shortcodes Pelican's ``decode_wp_content`` converts itself.
HANDLED_ELSEWHERE = frozenset({"caption", "wp_caption"})
#: Names of shortcodes WordPress and its common plugins register: reported even without attributes.
KNOWN = frozenset({
    "audio", "video", "playlist", "gallery", "embed", "archives", "sitemap", "contact-form",
    "contact-form-7", "soundcloud", "vimeo", "gist", "instagram", "googlemaps", "slideshare",
    "polldaddy", "wpvideo", "dailymotion", "scribd", "spotify", "facebook", "twitter-timeline",
    "recipe", "code", "sourcecode", "php", "youtube", "tweet",
})
#: Jetpack's display parameters appended to a ``[youtube=…]`` URL (``&w=640&h=360``): not YouTube's.
_JETPACK_VIDEO_PARAMS = frozenset({"w", "h", "hd", "fmt", "fs", "rel", "showsearch", "showinfo",
                                   "autohide", "iv_load_policy", "theme", "color", "wmode"})

_EMBED = re.compile(r"\[embed\b[^\]]*\](?P<url>.*?)\[/embed\]", re.I | re.S)
_ESCAPED = re.compile(r"\[(\[[A-Za-z][\w-]*[^\]]*\])\]")
_SHORTCODE = re.compile(
    r"\[(?P<closing>/?)(?P<name>[A-Za-z][\w-]*)(?![\w-])"
    r"(?P<attrs>(?:[^\]\"'\[]|\"[^\"]*\"|'[^']*')*)\]"
)
_ATTRIBUTE = re.compile(r"""(?P<key>[\w-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))"""
                        r"""|"(?P<pdq>[^"]*)"|'(?P<psq>[^']*)'|(?P<pbare>[^\s"'=]+)""")
_TWEET_ID = re.compile(r"^\d{1,25}$")
_VIDEO_ID = re.compile(r"^[\w-]{6,20}$")


@dataclass
class Expansion:
    """A post's content with the embeds expanded, and the names of the shortcodes left in it."""

    content: str
    unknown: list[str] = field(default_factory=list)


def expand(content: str) -> Expansion:
    """Expand the embed shortcodes of ``content`` and list the unknown ones (see module docstring)."""
    escaped: list[str] = []

    def keep_escaped(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\x00{len(escaped) - 1}\x00"

    text = _ESCAPED.sub(keep_escaped, content)
    text = _EMBED.sub(lambda m: _alone(_plain_url(m.group("url"))) or m.group(0), text)
    unknown: list[str] = []
    closings = {m.group("name").lower() for m in _SHORTCODE.finditer(text) if m.group("closing")}

    def replace(match: re.Match[str]) -> str:
        name = match.group("name").lower()
        if match.group("closing"):
            return match.group(0)
        if name in ("youtube", "tweet"):
            url = _embed_url(name, match.group("attrs"))
            if url:
                return _alone(url)
        attrs = match.group("attrs")
        looks_like_one = name in KNOWN or name in closings or "=" in attrs or attrs.rstrip().endswith("/")
        if looks_like_one and name not in HANDLED_ELSEWHERE and name not in unknown:
            unknown.append(name)
        return match.group(0)

    text = _SHORTCODE.sub(replace, text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: escaped[int(m.group(1))], text)
    return Expansion(text, unknown)


def _alone(url: str | None) -> str:
    """The URL as its own paragraph (blank lines around it), as the embed cards expect it."""
    return f"\n\n{url}\n\n" if url else ""


def _plain_url(text: str) -> str | None:
    """An http(s) URL written in post HTML (``&amp;`` decoded), or None."""
    url = html.unescape(text.strip())
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", url):
        return None
    return url


def _arguments(attrs: str) -> tuple[list[str], dict[str, str]]:
    """Positional values and named attributes of a shortcode (``[name=value]`` is positional)."""
    attrs = attrs.strip()
    if attrs.startswith("="):  # [youtube=URL]: the whole rest is the value
        return [attrs[1:].strip().strip("\"'")], {}
    positional: list[str] = []
    named: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(attrs):
        if match.group("key"):
            named[match.group("key").lower()] = next(
                v for v in (match.group("dq"), match.group("sq"), match.group("bare")) if v is not None)
        else:
            positional.append(next(
                v for v in (match.group("pdq"), match.group("psq"), match.group("pbare")) if v is not None))
    return positional, named


def _embed_url(name: str, attrs: str) -> str | None:
    """The URL a Jetpack ``[youtube …]`` or ``[tweet …]`` shows, or None when it names none."""
    positional, named = _arguments(attrs)
    value = html.unescape(named.get(name) or named.get("url") or named.get("id") or
                          (positional[0] if positional else "")).strip()
    if name == "tweet":
        if _TWEET_ID.match(value):
            return f"https://twitter.com/i/status/{value}"
        return _plain_url(value)
    if _VIDEO_ID.match(value) and not value.startswith("http"):
        return f"https://www.youtube.com/watch?v={value}"
    url = _plain_url(value)
    if url is None:
        return None
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k not in _JETPACK_VIDEO_PARAMS]
    if len(kept) == len(pairs):
        return url  # as written, byte for byte
    return urlunsplit(parts._replace(query=urlencode(kept, safe=":/")))
