"""The thread API's most common answer — an unchanged thread already serialised — sent before Flask.

Every page view asks ``GET /api/threads/<thread>/comments``; measured in-process, Flask and Werkzeug
spent 0.26 ms of CPU on such a read of which our own work (the manifest, the version query, the
ETag) was 0.04 ms (docs/benchmarks.md). This WSGI layer answers exactly that case itself: a plain
GET, no cookie, no ``If-None-Match``, an allowed or no ``Origin``, a thread the manifest knows,
and its JSON in the process's :class:`~.comments.ThreadCache` under the thread's current ETag. The
answer is the one Flask would send, byte for byte and header for header (the same ETag, caching,
CORS and security headers: ``tests/endpoint/test_fast_read.py`` compares them); anything else —
a miss, a 304, a 404, a foreign origin, HEAD — goes to the Flask app unchanged.

If the application's request hooks are not the ones this layer reproduces (a new
``before_request`` or ``after_request`` was added), it steps aside for every request, so a new
hook can never be skipped by accident. The hooks are read once, at the first request: Flask
refuses to register one after that, so they cannot change later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from pelican.plugins.engagement.endpoint import comments, security
from pelican.plugins.engagement.endpoint.context import EXTENSION, EndpointContext
from pelican.plugins.engagement.endpoint.submission import normalise_thread_key

PREFIX, SUFFIX = "/api/threads/", "/comments"
#: The hooks that run for the thread API (the app's own and the "api" blueprint's), by name, whose
#: effect :func:`answer` and :func:`_headers` reproduce.
KNOWN_HOOKS = {
    "before": {None: ["refuse_nul_in_address"], "api": ["_check_origin"]},
    "after": {None: ["add_security_headers"], "api": ["_cors"]},
}
#: The scopes whose hooks run for ``/api/threads/…``.
SCOPES = (None, "api")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class FastThreadReads:
    """WSGI middleware: answers a cached thread read itself, passes everything else on."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner
        self._hooks_known: bool | None = None  # read at the first request (see the module)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self._hooks_known is None:
            self._hooks_known = hooks_are_known(self.app)
        answer = self.answer(environ) if self._hooks_known else None
        if answer is None:
            return self.inner(environ, start_response)
        headers, body = answer
        start_response("200 OK", headers)
        return [body]

    def answer(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and body Flask would send, or None when Flask must answer."""
        thread = _thread_in_path(environ)
        if thread is None or environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_COOKIE"):
            return None
        ctx: EndpointContext = self.app.extensions[EXTENSION]
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin.lower() not in ctx.origins:
            return None  # refused with a sentence by the API's origin check
        key = normalise_thread_key(thread, ctx.config.site_url)
        known = ctx.manifest.get(key) or ctx.manifest.get(key + "/")
        if known is None:
            return None
        open_ = known.accepts_comments()[0]
        etag = comments.thread_etag(known.key, known.url, open_, ctx.store.thread_version(known.key))
        cache = self.app.extensions.get(comments.THREAD_CACHE_EXTENSION)
        body = cache.peek(etag) if cache is not None else None
        if body is None:
            return None  # serialised once by the Flask view, which fills the cache
        return _headers(body, etag, origin), body


def _thread_in_path(environ: dict[str, Any]) -> str | None:
    """The ``<thread>`` of a plain ``GET /api/threads/<thread>/comments``, or None.

    Only paths the Flask route takes as they are: ASCII, no NUL, no empty segment (Werkzeug would
    redirect ``//``), no trailing slash after ``comments``.
    """
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    path = environ.get("PATH_INFO", "")
    if not (path.startswith(PREFIX) and path.endswith(SUFFIX)) or not path.isascii():
        return None
    thread = path[len(PREFIX):-len(SUFFIX)]
    if not thread or "\x00" in path or "//" in path or thread.startswith("/"):
        return None
    return thread


def _headers(body: bytes, etag: str, origin: str | None) -> list[tuple[str, str]]:
    """The view's headers, then the API's CORS headers, then the app's security headers."""
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
               ("ETag", f'"{etag}"'), ("Cache-Control", "no-cache")]
    if origin is not None:
        headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
                    ("Access-Control-Expose-Headers", "Retry-After")]
    headers += [("Content-Security-Policy", security.CONTENT_SECURITY_POLICY),
                ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")]
    return headers


def hooks_are_known(app: Flask) -> bool:
    """True while the app's request hooks are exactly the ones :func:`_headers` accounts for."""
    found = {"before": _names(app.before_request_funcs), "after": _names(app.after_request_funcs)}
    others = (app.url_value_preprocessors, app.url_default_functions, app.teardown_request_funcs)
    return found == KNOWN_HOOKS and not any(_names(hooks) for hooks in others)


def _names(hooks: Any) -> dict[str | None, list[str]]:
    """The names of the hooks that run for the thread API, per scope that has any."""
    return {scope: [hook.__name__ for hook in hooks[scope]] for scope in SCOPES if hooks.get(scope)}

