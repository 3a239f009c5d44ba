"""Stand-in social platforms for the embed tests: an oEmbed provider and a Mastodon instance.

A real WSGI app served on 127.0.0.1 by ``tests.support.servers.serve_wsgi`` (never a mock of
``requests``). Posts are chosen by path, so one server covers the good and the bad cases.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from werkzeug.wrappers import Request, Response

#: A valid 1×1 PNG, served as the thumbnail and the avatar.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
SLOW_SECONDS = 3.0


def _tweet_like(base: str, url: str) -> dict[str, Any]:
    return {
        "version": "1.0", "type": "rich", "provider_name": "Stand-in", "author_name": "Sam Customer",
        "author_url": f"{base}/sam", "width": 550, "height": None,
        "thumbnail_url": f"{base}/img/thumb.png", "thumbnail_width": 1, "thumbnail_height": 1,
        "html": (
            '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">My power is out and my pizza '
            'is getting cold. <a href="https://example.com/pic">pic</a></p>&mdash; Sam Customer (@sam) '
            f'<a href="{url}">February 14, 2016</a></blockquote>'
            '<script async src="https://platform.example/widgets.js" charset="utf-8"></script>'
        ),
    }


def _bluesky_like(base: str, url: str) -> dict[str, Any]:
    return {
        "version": "1.0", "type": "rich", "author_name": "Bee",
        "author_url": f"{base}/profile/bee.example", "width": 550,
        "html": (
            '<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:x/app.bsky.feed.post/3k" '
            'data-bluesky-cid="bafy"><p lang="en">Still waiting on that refund.<br><br>'
            f'<a href="{url}?ref_src=embed">[image or embed]</a></p>&mdash; Bee '
            f'(<a href="{base}/profile/bee.example?ref_src=embed">@bee.example</a>) '
            f'<a href="{url}?ref_src=embed">November 18, 2024 at 12:34 PM</a></blockquote>'
            '<script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>'
        ),
    }


def _evil(base: str, url: str) -> dict[str, Any]:
    return {
        "version": "1.0", "type": "rich", "author_name": "<b>Mallory</b>",
        "author_url": "javascript:alert(1)",
        "html": (
            '<blockquote><p onclick="steal()">Hello <img src="x" onerror="alert(1)">'
            '<a href="javascript:alert(2)">click me</a><script>alert(3)</script>'
            '<iframe src="https://evil.example/frame"></iframe></p>'
            f'&mdash; Mallory (@mallory) <a href="{url}">March 1, 2020</a></blockquote>'
            '<script src="https://evil.example/x.js"></script>'
            '<iframe src="https://evil.example/player"></iframe>'
        ),
    }


def _status(base: str, number: str) -> dict[str, Any]:
    return {
        "id": number, "created_at": "2024-03-01T10:15:00.000Z",
        "url": f"{base}/@alice/{number}",
        "content": '<p>Thanks for the quick fix, <a href="https://example.com/tag">#support</a>!</p>',
        "account": {"acct": "alice", "display_name": "Alice A.", "url": f"{base}/@alice",
                    "avatar": f"{base}/img/thumb.png"},
        "media_attachments": [],
    }


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def _oembed(request: Request, base: str) -> Response:
    url = request.args.get("url", "")
    path = urlsplit(url).path
    if path.endswith("/gone"):
        return Response("gone", status=410)
    if path.endswith("/slow"):
        time.sleep(SLOW_SECONDS)
        return _json(_tweet_like(base, url))
    if path.endswith("/broken"):
        return Response("{not json", mimetype="application/json")
    if path.endswith("/evil"):
        return _json(_evil(base, url))
    if path.startswith("/profile/"):
        return _json(_bluesky_like(base, url))
    if path.startswith("/@bob/"):
        return _json({"version": "1.0", "type": "rich", "author_name": "Bob",
                      "author_url": f"{base}/@bob", "html": f'<iframe src="{base}/@bob/110/embed"></iframe>'})
    return _json(_tweet_like(base, url))


class StandIn:
    """The WSGI app; ``hits`` lists the paths requested, so a test can tell whether we fetched."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.queries: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.hits.append(request.path)
        self.queries.append(request.query_string.decode())
        return self.respond(request)(environ, start_response)

    def respond(self, request: Request) -> Response:
        base = request.host_url.rstrip("/")
        path = request.path
        if path in ("/oembed", "/api/oembed"):
            return _oembed(request, base)
        if path == "/img/thumb.png":
            return Response(PNG, mimetype="image/png")
        if path == "/api/v1/statuses/109":
            return _json(_status(base, "109"))
        if path == "/api/v1/statuses/404":
            return _json({"error": "Record not found"}, status=404)
        if path == "/api/v1/statuses/110":
            return Response("internal error", status=500)
        if path.startswith("/@carol/"):
            # A page that points discovery at an address only this machine can reach.
            local = base.replace("127.0.0.1", "localhost")
            discovery = f"{local}/api/oembed?" + urlencode({"url": base + path})
            return Response(
                '<!doctype html><html><head><link rel="alternate" type="application/json+oembed" '
                f'href="{discovery}"></head><body>status</body></html>', mimetype="text/html")
        if path.startswith("/@"):
            discovery = f"{base}/api/oembed?" + urlencode({"url": base + path})
            return Response(
                '<!doctype html><html><head><link rel="alternate" type="application/json+oembed" '
                f'href="{discovery}"></head><body>status</body></html>', mimetype="text/html")
        return Response("not found", status=404)
