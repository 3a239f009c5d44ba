"""Bluesky: post through our PDS, read threads, likes and reposts from the public AppView (XRPC).

Calls (https://docs.bsky.app/docs/category/http-reference):

- ``com.atproto.server.createSession`` (handle + app password) on the PDS, then, with its access
  token, ``com.atproto.repo.uploadBlob`` (the card's thumbnail) and ``com.atproto.repo.createRecord``
  of an ``app.bsky.feed.post`` carrying link and tag facets (byte offsets into the UTF-8 text) and an
  ``app.bsky.embed.external`` card. The record key is derived from the article, so a post retried
  after a lost answer is found again (``com.atproto.repo.getRecord``) instead of posted twice;
- ``app.bsky.feed.getPostThread`` (nested replies), ``app.bsky.feed.getLikes`` and
  ``app.bsky.feed.getRepostedBy`` (cursor pagination) on the AppView, without credentials;
- ``com.atproto.repo.listRecords`` of our own ``app.bsky.graph.block`` records (blocks are public
  on Bluesky; mutes are private and not visible to the backfeed).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from pelican.plugins.engagement.markup import sanitize_html
from pelican.plugins.engagement.social.api import ApiClient, ApiError
from pelican.plugins.engagement.social.items import Author, Conversation, Reaction, Reply, parse_time

WEB = "https://bsky.app"
POST = "app.bsky.feed.post"
PAGE_SIZE = 100
MAX_PAGES = 50
THREAD_DEPTH = 100
#: An author label asking not to be shown to logged-out viewers: a static page is one.
NO_UNAUTHENTICATED = "!no-unauthenticated"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Session:
    did: str
    handle: str
    access_jwt: str


@dataclass(frozen=True)
class PostRef:
    uri: str
    cid: str


class BlueskyClient:
    """XRPC calls: writes to ``pds`` (our account's server), reads from ``appview``."""

    def __init__(self, api: ApiClient, *, pds: str, appview: str) -> None:
        self.api = api
        self.pds = pds.rstrip("/")
        self.appview = appview.rstrip("/")

    # --- posting -------------------------------------------------------------------------------

    def create_session(self, identifier: str, password: str) -> Session:
        if not identifier or not password:
            raise ApiError("no Bluesky account: set ENGAGEMENT_BLUESKY_HANDLE and "
                           "ENGAGEMENT_BLUESKY_APP_PASSWORD (in the environment)")
        data = self.api.call("POST", f"{self.pds}/xrpc/com.atproto.server.createSession",
                             json_body={"identifier": identifier, "password": password}).data
        if not isinstance(data, dict) or not data.get("accessJwt") or not data.get("did"):
            raise ApiError("createSession answered without a session")
        return Session(str(data["did"]), str(data.get("handle") or identifier), str(data["accessJwt"]))

    def upload_blob(self, session: Session, content: bytes, mime_type: str) -> dict[str, Any]:
        data = self.api.call("POST", f"{self.pds}/xrpc/com.atproto.repo.uploadBlob", body=content,
                             headers={**_bearer(session), "Content-Type": mime_type}).data
        if not isinstance(data, dict) or not isinstance(data.get("blob"), dict):
            raise ApiError("uploadBlob answered without a blob")
        return data["blob"]

    def create_post(self, session: Session, record: dict[str, Any], rkey: str) -> PostRef:
        """Create the post under ``rkey``; when that record already exists (an earlier try whose
        answer was lost), return it instead of posting again."""
        try:
            data = self.api.call("POST", f"{self.pds}/xrpc/com.atproto.repo.createRecord",
                                 json_body={"repo": session.did, "collection": POST, "rkey": rkey,
                                            "record": record},
                                 headers=_bearer(session)).data
        except ApiError as error:
            if error.status != 400:
                raise
            existing = self.get_record(session.did, rkey)
            if existing is None:
                raise
            return existing
        if not isinstance(data, dict) or not data.get("uri"):
            raise ApiError("createRecord answered without a URI")
        return PostRef(str(data["uri"]), str(data.get("cid") or ""))

    def get_record(self, did: str, rkey: str) -> PostRef | None:
        try:
            data = self.api.call("GET", f"{self.pds}/xrpc/com.atproto.repo.getRecord",
                                 params={"repo": did, "collection": POST, "rkey": rkey}).data
        except ApiError as error:
            if error.gone or error.status == 400:
                return None
            raise
        if not isinstance(data, dict) or not data.get("uri"):
            return None
        return PostRef(str(data["uri"]), str(data.get("cid") or ""))

    # --- reading -------------------------------------------------------------------------------

    def conversation(self, uri: str, *, blocked: frozenset[str] = frozenset()) -> Conversation:
        data = self.api.call("GET", f"{self.appview}/xrpc/app.bsky.feed.getPostThread",
                             params={"uri": uri, "depth": THREAD_DEPTH, "parentHeight": 0}).data
        thread = data.get("thread") if isinstance(data, dict) else None
        if not isinstance(thread, dict) or not _is_post_view(thread):
            raise ApiError("the post is not available", status=404, error="NotFound")
        replies: list[Reply] = []
        _walk(thread, uri, blocked, replies)
        reactions = [Reaction("like", _author(item.get("actor")))
                     for item in self._pages("app.bsky.feed.getLikes", uri, "likes")
                     if isinstance(item, dict)]
        reactions += [Reaction("repost", _author(actor))
                      for actor in self._pages("app.bsky.feed.getRepostedBy", uri, "repostedBy")]
        reactions = [r for r in reactions if r.author.remote_id not in blocked
                     and r.author.remote_id]
        return Conversation(replies, reactions)

    def blocked_accounts(self, did: str) -> frozenset[str]:
        """DIDs our account blocks (its public ``app.bsky.graph.block`` records)."""
        found: set[str] = set()
        cursor: str | None = None
        for _page in range(MAX_PAGES):
            data = self.api.call("GET", f"{self.pds}/xrpc/com.atproto.repo.listRecords",
                                 params={"repo": did, "collection": "app.bsky.graph.block",
                                         "limit": PAGE_SIZE, "cursor": cursor}).data
            records = data.get("records") if isinstance(data, dict) else None
            for record in records or []:
                value = record.get("value") if isinstance(record, dict) else None
                if isinstance(value, dict) and isinstance(value.get("subject"), str):
                    found.add(value["subject"])
            cursor = data.get("cursor") if isinstance(data, dict) else None
            if not records or not cursor:
                break
        return frozenset(found)

    def _pages(self, method: str, uri: str, key: str) -> list[Any]:
        items: list[Any] = []
        cursor: str | None = None
        for _page in range(MAX_PAGES):
            data = self.api.call("GET", f"{self.appview}/xrpc/{method}",
                                 params={"uri": uri, "limit": PAGE_SIZE, "cursor": cursor}).data
            batch = data.get(key) if isinstance(data, dict) else None
            items += batch or []
            cursor = data.get("cursor") if isinstance(data, dict) else None
            if not batch or not cursor:
                break
        return items


def _bearer(session: Session) -> dict[str, str]:
    return {"Authorization": f"Bearer {session.access_jwt}"}


def _is_post_view(node: dict[str, Any]) -> bool:
    kind = node.get("$type", "app.bsky.feed.defs#threadViewPost")
    return kind == "app.bsky.feed.defs#threadViewPost" and isinstance(node.get("post"), dict)


def _walk(node: dict[str, Any], parent_uri: str, blocked: frozenset[str], out: list[Reply]) -> None:
    """Depth-first over a thread's replies (parents before children); blocked, missing and
    hidden branches are skipped whole, since their replies answer something we do not show."""
    for child in node.get("replies") or []:
        if not isinstance(child, dict) or not _is_post_view(child):
            continue
        reply = _reply(child["post"], parent_uri)
        if reply is None or reply.author.remote_id in blocked:
            continue
        out.append(reply)
        _walk(child, reply.remote_id, blocked, out)


def _reply(post: dict[str, Any], parent_uri: str) -> Reply | None:
    author_data = post.get("author") if isinstance(post.get("author"), dict) else {}
    labels = {str(label.get("val")) for label in author_data.get("labels") or [] if isinstance(label, dict)}
    if NO_UNAUTHENTICATED in labels or not post.get("uri"):
        return None
    record = post.get("record") if isinstance(post.get("record"), dict) else {}
    text = str(record.get("text") or "")
    author = _author(author_data)
    return Reply(
        remote_id=str(post["uri"]),
        parent_id=parent_uri,
        url=web_url(str(post["uri"]), author.handle.lstrip("@")),
        author=author,
        html=richtext_html(text, record.get("facets")),
        text=text,
        created_at=parse_time(record.get("createdAt") or post.get("indexedAt")),
    )


def _author(actor: Any) -> Author:
    actor = actor if isinstance(actor, dict) else {}
    handle = str(actor.get("handle") or actor.get("did") or "")
    avatar = str(actor.get("avatar") or "")
    return Author(
        name=str(actor.get("displayName") or handle or "Someone"),
        handle=f"@{handle}" if handle else "",
        url=f"{WEB}/profile/{quote(handle, safe=':.')}" if handle else "",
        avatar_url=avatar if avatar.startswith(("https://", "http://")) else "",
        remote_id=str(actor.get("did") or ""),
    )


def web_url(uri: str, handle: str = "") -> str:
    """The bsky.app address of a post's ``at://did/app.bsky.feed.post/rkey`` URI."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        return ""
    return f"{WEB}/profile/{quote(handle or parts[0], safe=':.')}/post/{quote(parts[2])}"


def uri_from_url(url: str) -> tuple[str, str] | None:
    """(actor, rkey) of a ``https://bsky.app/profile/ACTOR/post/RKEY`` URL; None otherwise."""
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme in ("http", "https") and len(segments) == 4 and segments[0] == "profile" \
            and segments[2] == "post":
        return segments[1], segments[3]
    return None


def resolve_handle(client: BlueskyClient, handle: str) -> str:
    """A handle's DID (``com.atproto.identity.resolveHandle`` on the AppView)."""
    if handle.startswith("did:"):
        return handle
    data = client.api.call("GET", f"{client.appview}/xrpc/com.atproto.identity.resolveHandle",
                           params={"handle": handle}).data
    if not isinstance(data, dict) or not str(data.get("did", "")).startswith("did:"):
        raise ApiError(f"could not resolve the handle {handle}")
    return str(data["did"])


# --- rich text -------------------------------------------------------------------------------------


def richtext_html(text: str, facets: Any) -> str:
    """A post's text and facets (byte ranges into the UTF-8 text) as sanitized HTML.

    Links, mentions and hashtags become links (to the target, the profile, the tag page); a facet
    whose range does not fall on character boundaries is ignored rather than trusted.
    """
    raw = text.encode("utf-8")
    spans: list[tuple[int, int, str]] = []
    for facet in facets if isinstance(facets, list) else []:
        index = facet.get("index") if isinstance(facet, dict) else None
        href = _facet_href(facet.get("features")) if isinstance(facet, dict) else ""
        if not isinstance(index, dict) or not href:
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw):
            spans.append((start, end, href))
    spans.sort()
    out: list[str] = []
    position = 0
    for start, end, href in spans:
        if start < position:
            continue  # overlapping facets: keep the first
        try:
            before, inside = raw[position:start].decode("utf-8"), raw[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append(html.escape(before, quote=False))
        out.append(f'<a href="{html.escape(href)}">{html.escape(inside, quote=False)}</a>')
        position = end
    out.append(html.escape(raw[position:].decode("utf-8", errors="replace"), quote=False))
    body = "".join(out).replace("\r\n", "\n").strip()
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n+", body) if p.strip()]
    return sanitize_html("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


def _facet_href(features: Any) -> str:
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict):
            continue
        kind = feature.get("$type")
        if kind == "app.bsky.richtext.facet#link" and isinstance(feature.get("uri"), str):
            return feature["uri"]
        if kind == "app.bsky.richtext.facet#mention" and isinstance(feature.get("did"), str):
            return f"{WEB}/profile/{quote(feature['did'], safe=':')}"
        if kind == "app.bsky.richtext.facet#tag" and isinstance(feature.get("tag"), str):
            return f"{WEB}/hashtag/{quote(feature['tag'])}"
    return ""


def record_key(seed: str, moment: datetime) -> str:
    """A TID (the record-key format posts use) fixed by the article: its date in microseconds and a
    clock id from ``seed``, so a retried post reuses the same key."""
    micros = int(moment.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock = int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16) & 0x3FF
    value = (micros << 10) | clock
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
