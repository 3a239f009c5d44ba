"""Stand-ins for a Mastodon instance and for Bluesky (PDS + AppView) on 127.0.0.1.

They speak the documented request and response shapes (the JSON fixtures in ``fixtures/`` hold
the data) and check what a real server checks: the bearer token, the ``Idempotency-Key``, the
300-grapheme limit, facet byte ranges, existing record keys. They page long lists (two items a
page: ``Link`` headers on Mastodon, cursors on Bluesky) and let a test change the conversation
(add, edit, delete posts) and inject failures (a 429 with ``Retry-After``, a 503) on any route.
Every request is recorded, so a test can count the API calls a run made.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import grapheme
from werkzeug.wrappers import Request, Response

from tests.support.servers import serve_wsgi

FIXTURES = Path(__file__).with_name("fixtures")
PAGE = 2
TOKEN = "mastodon-token-123"
HANDLE = "site.bsky.social"
DID = "did:plc:site"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
#: A 1x1 PNG for the avatar routes.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def fixture(name: str, **values: str) -> Any:
    """A fixture file with ``{base}``/``{root}`` filled in (in every string, at any depth)."""
    text = (FIXTURES / name).read_text("utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return json.loads(text)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, headers=headers or {}, mimetype="application/json")


@dataclass
class Fault:
    path: str  # a substring of the request path
    status: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StandIn:
    """Both platforms on one server (their paths do not overlap: /api/v1/… and /xrpc/…)."""

    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    faults: list[Fault] = field(default_factory=list)
    # Mastodon
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)  # our posted statuses
    descendants: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    favourited_by: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reblogged_by: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    idempotency: dict[str, str] = field(default_factory=dict)
    #: What the site's token may do (the README's set-up: posting, plus reading blocks and mutes).
    scopes: set[str] = field(default_factory=lambda: {"write:statuses", "read:blocks", "read:mutes"})
    # Bluesky
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # at:// URI -> record
    blobs: dict[str, bytes] = field(default_factory=dict)
    threads: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # root URI -> replies
    likes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reposted_by: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    bsky_blocks: list[dict[str, Any]] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)

    # --- what tests call ------------------------------------------------------------------------

    def fail_once(self, path: str, status: int, **headers: str) -> None:
        self.faults.append(Fault(path, status, headers))

    def calls(self, path: str = "") -> int:
        return sum(1 for _m, p in self.requests if path in p)

    def add_mastodon_conversation(self, status_id: str) -> None:
        """Replies, favourites, boosts and blocks from the fixtures, under one of our statuses."""
        self.descendants[status_id] = fixture("mastodon_descendants.json", base=self.base,
                                              root=status_id)["descendants"]
        accounts = fixture("mastodon_accounts.json", base=self.base)
        self.favourited_by[status_id] = accounts["favourited_by"]
        self.reblogged_by[status_id] = accounts["reblogged_by"]
        self.blocks = accounts["blocks"]

    def edit_status(self, status_id: str, content: str) -> None:
        for status in self.descendants_of_all():
            if status["id"] == status_id:
                status["content"] = content
                status["edited_at"] = "2026-11-30T13:00:00.000Z"

    def delete_status(self, status_id: str) -> None:
        for root, replies in self.descendants.items():
            self.descendants[root] = [s for s in replies if s["id"] != status_id]
        self.statuses.pop(status_id, None)

    def descendants_of_all(self) -> Iterator[dict[str, Any]]:
        for replies in self.descendants.values():
            yield from replies

    def add_bluesky_conversation(self, uri: str) -> None:
        self.threads[uri] = fixture("bluesky_thread.json", base=self.base, root=uri)["replies"]
        reactions = fixture("bluesky_reactions.json", base=self.base)
        self.likes[uri] = reactions["likes"]
        self.reposted_by[uri] = reactions["repostedBy"]
        self.bsky_blocks = reactions["blocks"]

    def delete_bluesky_post(self, uri: str) -> None:
        def prune(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
            kept = []
            for node in nodes:
                if node.get("post", {}).get("uri") == uri:
                    continue
                node["replies"] = prune(node.get("replies", []))
                kept.append(node)
            return kept

        for root in list(self.threads):
            self.threads[root] = prune(self.threads[root])
        self.records.pop(uri, None)
        self.threads.pop(uri, None)

    # --- the WSGI app ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self.lock:
            self.requests.append((request.method, request.full_path))
            response = self._fault(request) or self._route(request)
        return response(environ, start_response)

    def _fault(self, request: Request) -> Response | None:
        for fault in self.faults:
            if fault.path in request.path:
                self.faults.remove(fault)
                body = {"error": "Too many requests"} if fault.status == 429 else {"error": "Unavailable"}
                return _json(body, fault.status, fault.headers)
        return None

    def _route(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/avatars/"):
            if "not-an-image" in path:
                return Response("<html>nope</html>", mimetype="text/html")
            return Response(PNG, mimetype="image/png")
        if path.startswith("/images/"):
            return Response(PNG, mimetype="image/png")
        if path.startswith("/api/v1/"):
            return self._mastodon(request, path[len("/api/v1/"):].split("/"))
        if path.startswith("/xrpc/"):
            return self._xrpc(request, path[len("/xrpc/"):])
        return _json({"error": "Not found"}, 404)

    # --- Mastodon ---------------------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    def _scope_refusal(self, request: Request, scope: str) -> Response | None:
        """As Mastodon's doorkeeper answers: 401 for a bad token, 403 for a missing scope; a
        request without a token is a logged-out reader (public data only)."""
        if "Authorization" not in request.headers:
            return None
        if not self._authorised(request):
            return _json({"error": "The access token is invalid"}, 401)
        if scope not in self.scopes:
            return _json({"error": "This action is outside the authorized scopes"}, 403)
        return None

    def _mastodon(self, request: Request, parts: list[str]) -> Response:
        if parts == ["statuses"] and request.method == "POST":
            return self._post_status(request)
        if parts in (["blocks"], ["mutes"]):
            if "Authorization" not in request.headers:
                return _json({"error": "The access token is invalid"}, 401)
            refusal = self._scope_refusal(request, f"read:{parts[0]}")
            return refusal or self._page(request, self.blocks if parts == ["blocks"] else [])
        if len(parts) == 3 and parts[0] == "statuses":
            status_id, what = parts[1], parts[2]
            known = status_id in self.statuses or status_id in {s["id"] for s in self.descendants_of_all()}
            if not known:
                return _json({"error": "Record not found"}, 404)
            refusal = self._scope_refusal(request, "read:statuses")
            if refusal is not None:
                return refusal
            if what == "context":
                return _json({"ancestors": [], "descendants": self.descendants.get(status_id, [])})
            if what == "favourited_by":
                return self._page(request, self.favourited_by.get(status_id, []))
            if what == "reblogged_by":
                return self._page(request, self.reblogged_by.get(status_id, []))
        return _json({"error": "Record not found"}, 404)

    def _post_status(self, request: Request) -> Response:
        if not self._authorised(request):
            return _json({"error": "The access token is invalid"}, 401)
        key = request.headers.get("Idempotency-Key", "")
        if key and key in self.idempotency:
            return _json(self.statuses[self.idempotency[key]])
        body = request.get_json(silent=True) or {}
        text = str(body.get("status", ""))
        if not text or len(text) > 600:
            return _json({"error": "Validation failed: Text character limit of 500 exceeded"}, 422)
        status_id = str(100000 + len(self.statuses) + 1)
        status = {"id": status_id, "uri": f"{self.base}/users/site/statuses/{status_id}",
                  "url": f"{self.base}/@site/{status_id}", "content": f"<p>{text}</p>",
                  "visibility": body.get("visibility", "public"), "language": body.get("language"),
                  "created_at": "2026-11-30T09:00:00.000Z", "in_reply_to_id": None,
                  "account": {"id": "1", "username": "site", "acct": "site", "display_name": "CXperience",
                              "url": f"{self.base}/@site"}, "_text": text}
        self.statuses[status_id] = status
        if key:
            self.idempotency[key] = status_id
        return _json(status)

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        """Two per page, newest first; ``max_id`` continues where the last page ended."""
        start = int(request.args.get("max_id", "0") or 0)
        page = items[start:start + PAGE]
        headers = {}
        if start + PAGE < len(items):
            query = urlencode({"max_id": start + PAGE, "limit": request.args.get("limit", "40")})
            headers["Link"] = f'<{self.base}{request.path}?{query}>; rel="next"'
        return _json(page, headers=headers)

    # --- Bluesky ---------------------------------------------------------------------------------

    def _session_ok(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.sessions

    def _xrpc(self, request: Request, method: str) -> Response:
        handlers = {
            "com.atproto.server.createSession": self._create_session,
            "com.atproto.repo.uploadBlob": self._upload_blob,
            "com.atproto.repo.createRecord": self._create_record,
            "com.atproto.repo.getRecord": self._get_record,
            "com.atproto.repo.listRecords": self._list_records,
            "com.atproto.identity.resolveHandle": self._resolve_handle,
            "app.bsky.feed.getPostThread": self._get_thread,
            "app.bsky.feed.getLikes": lambda r: self._cursor_page(r, self.likes, "likes"),
            "app.bsky.feed.getRepostedBy": lambda r: self._cursor_page(r, self.reposted_by, "repostedBy"),
        }
        handler = handlers.get(method)
        if handler is None:
            return _json({"error": "MethodNotImplemented", "message": f"{method} is not here"}, 501)
        return handler(request)

    def _create_session(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("identifier") not in (HANDLE, DID) or body.get("password") != APP_PASSWORD:
            return _json({"error": "AuthenticationRequired",
                          "message": "Invalid identifier or password"}, 401)
        token = f"jwt-{len(self.sessions) + 1}"
        self.sessions.add(token)
        return _json({"did": DID, "handle": HANDLE, "accessJwt": token, "refreshJwt": token + "-r"})

    def _upload_blob(self, request: Request) -> Response:
        if not self._session_ok(request):
            return _json({"error": "AuthenticationRequired", "message": "Authentication Required"}, 401)
        data = request.get_data()
        cid = "bafkrei" + hashlib.sha256(data).hexdigest()[:40]
        self.blobs[cid] = data
        return _json({"blob": {"$type": "blob", "ref": {"$link": cid},
                               "mimeType": request.headers.get("Content-Type", ""), "size": len(data)}})

    def _create_record(self, request: Request) -> Response:
        if not self._session_ok(request):
            return _json({"error": "AuthenticationRequired", "message": "Authentication Required"}, 401)
        body = request.get_json(silent=True) or {}
        record, rkey = body.get("record") or {}, str(body.get("rkey") or "")
        problem = _post_problem(record, self.blobs)
        if problem or body.get("repo") != DID or body.get("collection") != "app.bsky.feed.post":
            return _json({"error": "InvalidRequest", "message": problem or "bad repo or collection"}, 400)
        uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
        if uri in self.records:
            return _json({"error": "InvalidRequest", "message": "Record already exists"}, 400)
        self.records[uri] = record
        return _json({"uri": uri, "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:40]})

    def _get_record(self, request: Request) -> Response:
        uri = f"at://{request.args.get('repo')}/{request.args.get('collection')}/{request.args.get('rkey')}"
        if uri not in self.records:
            return _json({"error": "RecordNotFound", "message": "Could not locate record"}, 400)
        return _json({"uri": uri, "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:40],
                      "value": self.records[uri]})

    def _list_records(self, request: Request) -> Response:
        if request.args.get("collection") != "app.bsky.graph.block" or request.args.get("repo") != DID:
            return _json({"records": []})
        start = int(request.args.get("cursor", "0") or 0)
        page = self.bsky_blocks[start:start + PAGE]
        more = start + PAGE < len(self.bsky_blocks)
        return _json({"records": page, **({"cursor": str(start + PAGE)} if more else {})})

    def _resolve_handle(self, request: Request) -> Response:
        handle = request.args.get("handle", "")
        if handle == HANDLE:
            return _json({"did": DID})
        return _json({"error": "InvalidRequest", "message": "Unable to resolve handle"}, 400)

    def _get_thread(self, request: Request) -> Response:
        uri = request.args.get("uri", "")
        if uri not in self.records and uri not in self.threads:
            return _json({"error": "NotFound", "message": f"Post not found: {uri}"}, 400)
        record = self.records.get(uri, {"text": "", "createdAt": "2026-11-30T09:00:00.000Z"})
        author = {"did": DID, "handle": HANDLE, "displayName": "CXperience"}
        post = {"uri": uri, "cid": "bafyroot", "author": author,
                "record": record, "indexedAt": "2026-11-30T09:00:01.000Z"}
        return _json({"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": post,
                                 "replies": self.threads.get(uri, [])}})

    def _cursor_page(self, request: Request, source: dict[str, list[Any]], key: str) -> Response:
        uri = request.args.get("uri", "")
        items = source.get(uri, [])
        start = int(request.args.get("cursor", "0") or 0)
        page = items[start:start + PAGE]
        more = start + PAGE < len(items)
        return _json({"uri": uri, key: page, **({"cursor": str(start + PAGE)} if more else {})})


def _post_problem(record: dict[str, Any], blobs: dict[str, bytes]) -> str:
    """What a PDS would refuse in an app.bsky.feed.post record ('' when it is fine)."""
    text = record.get("text")
    if record.get("$type") != "app.bsky.feed.post" or not isinstance(text, str) \
            or not record.get("createdAt"):
        return "Invalid app.bsky.feed.post record"
    if grapheme.length(text) > 300:
        return "Record/text must not be longer than 300 graphemes"
    size = len(text.encode("utf-8"))
    for facet in record.get("facets") or []:
        index = facet.get("index", {})
        if not 0 <= index.get("byteStart", -1) < index.get("byteEnd", -1) <= size:
            return "Invalid facet byte range"
    embed = record.get("embed")
    if embed is not None:
        external = embed.get("external") or {}
        if embed.get("$type") != "app.bsky.embed.external" or not external.get("uri") \
                or "title" not in external:
            return "Invalid app.bsky.embed.external"
        thumb = external.get("thumb")
        if thumb is not None and thumb.get("ref", {}).get("$link") not in blobs:
            return "Could not find blob"
    return ""


@contextmanager
def running() -> Iterator[StandIn]:
    """A stand-in serving on a free port of 127.0.0.1."""
    standin = StandIn()
    with serve_wsgi(standin) as base:
        standin.base = base
        yield standin
