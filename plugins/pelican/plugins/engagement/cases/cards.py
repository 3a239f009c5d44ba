"""Turn a snapshot entry (raw oEmbed or Mastodon JSON) into the fields a static card shows.

The oEmbed ``html`` is remote, untrusted markup that usually loads the platform's script, so it is
never inlined: BeautifulSoup pulls the post's text, author and date out of it, and nh3 reduces the
text to paragraphs, line breaks and links. Images are referred to by their downloaded local names.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import nh3

TEXT_TAGS = {"p", "br", "a"}
LINK_REL = "nofollow noreferrer ugc"  # noreferrer implies noopener
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>")
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_HANDLE = re.compile(r"\(\s*(@?[^()\s]+)\s*\)")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d, %Y at %I:%M %p", "%Y-%m-%dT%H:%M:%S.%fZ",
                 "%Y-%m-%dT%H:%M:%SZ")


def safe_url(value: Any) -> str:
    """A remote-supplied URL, kept only when it is http(s) (no ``javascript:`` in our pages)."""
    text = str(value or "").strip()
    return text if urlsplit(text).scheme in ("http", "https") else ""


def clean_html(fragment: str) -> str:
    """Remote text as safe HTML: only paragraphs, breaks and http(s) links survive."""
    return nh3.clean(fragment, tags=TEXT_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https"}, link_rel=LINK_REL).strip()


def _plain(clean: str) -> str:
    """The text of :func:`clean_html`'s output: paragraphs apart, ``<br>`` as a line break.

    Its input is nh3's own serialisation (only ``<p>``, ``<br>`` and ``<a …>`` tags, every ``<`` in
    text escaped), so tags can be told from text without parsing the HTML again.
    """
    paragraphs = _PARAGRAPH.findall(clean) or [clean]
    texts = (html.unescape(_TAG.sub("", _BREAK.sub("\n", text))).strip() for text in paragraphs)
    return "\n\n".join(text for text in texts if text)


def _date(text: str) -> str:
    cleaned = " ".join(text.split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).isoformat()
        except ValueError:
            continue
    return ""


def _date_text(iso: str) -> str:
    """"2026-02-28T16:05:00.000Z" as a reader reads it ("28 Feb 2026"), or "" if unparsable."""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%-d %b %Y")
    except ValueError:
        return ""


def _from_oembed_html(markup: str) -> dict[str, str]:
    """Text, handle and date from a blockquote-style embed (X/Twitter, Bluesky and the like)."""
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(markup, "html.parser")
    for unwanted in soup.find_all(["script", "style", "iframe", "noscript"]):
        unwanted.decompose()
    quote = soup.find("blockquote") or soup
    paragraphs = quote.find_all("p") if isinstance(quote, Tag) else []
    text_html = clean_html("".join(str(p) for p in paragraphs))
    for p in paragraphs:
        p.extract()
    links = quote.find_all("a", href=True) if isinstance(quote, Tag) else []
    tail = " ".join(quote.get_text(" ").split())
    handle = _HANDLE.search(tail)
    date_text = links[-1].get_text(" ").strip() if links else ""
    return {"text_html": text_html, "text": _plain(text_html),
            "author_handle": handle.group(1) if handle else "",
            "published": _date(date_text), "published_text": date_text if links else ""}


def _youtube_id(url: str) -> str:
    parts = urlsplit(url)
    if parts.hostname == "youtu.be":
        return parts.path.strip("/")
    if parts.path.startswith(("/shorts/", "/live/")):
        return parts.path.split("/")[2]
    return parse_qs(parts.query).get("v", [""])[0]


def _player_url(url: str, platform: str, payload: dict[str, Any]) -> str:
    """The privacy-friendly player for click-to-play (interactive mode), or "" when unknown."""
    if platform == "YouTube" and _youtube_id(url):
        return f"https://www.youtube-nocookie.com/embed/{_youtube_id(url)}"
    if platform == "Vimeo" and str(payload.get("video_id", "")).isdigit():
        return f"https://player.vimeo.com/video/{payload['video_id']}?dnt=1"
    return ""


def _oembed_card(url: str, entry: dict[str, Any]) -> dict[str, Any]:
    payload = entry["payload"]
    media = entry.get("media", {})
    card: dict[str, Any] = {
        "kind": "video" if payload.get("type") == "video" else
                "photo" if payload.get("type") == "photo" else "post",
        "author_name": str(payload.get("author_name") or ""),
        "author_url": safe_url(payload.get("author_url")),
        "title": str(payload.get("title") or ""),
        "provider_name": str(payload.get("provider_name") or entry.get("platform", "")),
    }
    if payload.get("html") and card["kind"] == "post":
        card.update(_from_oembed_html(str(payload["html"])))
    image = payload.get("url") if card["kind"] == "photo" else payload.get("thumbnail_url")
    if isinstance(image, str) and media.get(image):  # remote JSON: a list or object here is not a URL
        card["media"] = [{"file": media[image], "alt": card["title"] or "Preview image"}]
    if card["kind"] == "video":
        card["video_embed"] = _player_url(url, entry.get("platform", ""), payload)
    if not card.get("author_handle") and card["author_url"]:
        last = urlsplit(card["author_url"]).path.rstrip("/").rsplit("/", 1)[-1]
        card["author_handle"] = ("@" + last.lstrip("@")) if last else ""
    return card


def _list(value: Any) -> list[Any]:
    """A remote JSON field that should be a list (anything else counts as empty)."""
    return value if isinstance(value, list) else []


def _mastodon_card(entry: dict[str, Any]) -> dict[str, Any]:
    status = entry["payload"]
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    media = entry.get("media", {})
    host = urlsplit(str(account.get("url") or "")).hostname or ""
    acct = str(account.get("acct") or "")
    handle = "@" + acct + ("" if "@" in acct or not host else "@" + host)
    text_html = clean_html(str(status.get("content") or ""))
    attachments = [
        {"file": media[item["preview_url"]], "alt": str(item.get("description") or "Attached image")}
        for item in _list(status.get("media_attachments"))
        if isinstance(item, dict) and isinstance(item.get("preview_url"), str)
        and item["preview_url"] in media
    ]
    return {
        "kind": "post",
        "author_name": str(account.get("display_name") or acct),
        "author_handle": handle if acct else "",
        "author_url": safe_url(account.get("url")),
        "avatar": media.get(str(account.get("avatar") or ""), ""),
        "text_html": text_html,
        "text": _plain(text_html),
        "published": str(status.get("created_at") or ""),
        "media": attachments,
        "provider_name": "Mastodon",
    }


def card_from_entry(url: str, entry: dict[str, Any]) -> dict[str, Any]:
    """The card fields for one snapshot entry (all plain strings, lists and dicts)."""
    card = _mastodon_card(entry) if entry.get("source") == "mastodon" else _oembed_card(url, entry)
    card.setdefault("media", [])
    card.setdefault("avatar", "")
    card.setdefault("text", "")
    card.setdefault("text_html", "")
    card.setdefault("published", "")
    card.setdefault("published_text", "")
    card.update(url=url, platform=entry.get("platform", ""), fetched_at=entry.get("fetched_at", ""),
                archived=True)
    if card["published"] and not card["published_text"]:
        card["published_text"] = _date_text(card["published"])
    return card


def link_card(url: str, platform: str = "") -> dict[str, Any]:
    """The card for a post we have no data for: just a link to it."""
    return {"kind": "link", "url": url, "platform": platform, "archived": False, "media": [],
            "avatar": "", "text": "", "text_html": "", "author_name": "", "author_handle": "",
            "author_url": "", "published": "", "published_text": "", "title": "",
            "provider_name": platform, "fetched_at": ""}


def image_urls(entry: dict[str, Any]) -> list[str]:
    """The remote images a card for this entry would show, to download into the media folder."""
    payload = entry.get("payload") or {}
    if entry.get("source") == "mastodon":
        account = payload.get("account") if isinstance(payload.get("account"), dict) else {}
        urls = [str(account.get("avatar") or "")]
        urls += [str(item.get("preview_url") or "") for item in _list(payload.get("media_attachments"))
                 if isinstance(item, dict) and item.get("type") in ("image", "gifv", "video")]
    else:
        urls = [str(payload.get("url") if payload.get("type") == "photo" else
                    payload.get("thumbnail_url") or "")]
    return [url for url in urls if url.startswith(("http://", "https://"))]
