"""Fixtures for the linkback tests: our endpoint and a second site ("the peer") on 127.0.0.1.

The peer is a real HTTP server whose pages each test sets (``peer.page(path, html)``) and which
records every request it gets, so a test can tell whether we fetched something at all.
"""

from __future__ import annotations

import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pelican.plugins.engagement.comments.threads import Thread, save_manifest
from pelican.plugins.engagement.settings import load_site
from pelican.plugins.engagement.store import Entry, Store
from werkzeug.wrappers import Request, Response

from tests.support.servers import serve_wsgi

OPEN_KEY = "2024/01/open-post/"
CLOSED_KEY = "2024/01/closed-post/"


@dataclass
class Peer:
    """Another website: pages by path, each a Response factory; every request is recorded."""

    url: str = ""
    routes: dict[str, Callable[[Request], Any]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, path: str, html: str | bytes, status: int = 200, headers: dict[str, str] | None = None,
             content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = lambda _request: Response(html, status=status, headers=headers or {},
                                                      content_type=content_type)
        return self.url + path

    def route(self, path: str, handler: Callable[[Request], Any]) -> str:
        self.routes[path] = handler
        return self.url + path

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.path == path)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        request.get_data()  # read the body now, while the connection is open
        with self.lock:
            self.requests.append(request)
        handler = self.routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)


@pytest.fixture
def peer() -> Iterator[Peer]:
    site = Peer()
    with serve_wsgi(site) as url:
        site.url = url
        yield site


def linking_page(target: str, *, title: str = "A post that links", body: str = "") -> str:
    """A plain HTML page (no microformats) with one paragraph linking to ``target``."""
    return textwrap.dedent(f"""\
        <!doctype html><html><head><title>{title}</title>
        <meta property="og:site_name" content="Peer Blog"></head>
        <body><p>Before the link. I read <a href="{target}">this article</a> today and liked it.</p>
        {body}</body></html>""")


def reply_page(target: str, *, text: str = "Great article, thanks!", kind: str = "in-reply-to",
               author: str = "Ada Peer", photo: str = "") -> str:
    """An h-entry (reply, like, repost …) with an author h-card, as IndieWeb sites publish."""
    photo_html = f'<img class="u-photo" src="{photo}" alt="">' if photo else ""
    return textwrap.dedent(f"""\
        <!doctype html><html><head><title>Peer page</title></head><body>
        <article class="h-entry">
          <a class="u-{kind}" href="{target}">the article</a>
          <p class="p-author h-card">{photo_html}<a class="p-name u-url" href="/">{author}</a></p>
          <div class="e-content">{text}</div>
        </article></body></html>""")


@dataclass
class Endpoint:
    """Our endpoint, and our site (served too, so a sender can discover the endpoint on it)."""

    url: str
    app: Any
    store: Store
    config: Any
    base_dir: Path
    site_url: str

    @property
    def open_url(self) -> str:
        return f"{self.site_url}/{OPEN_KEY}"

    @property
    def closed_url(self) -> str:
        return f"{self.site_url}/{CLOSED_KEY}"

    def wait_settled(self, entry_id: int, timeout: float = 15.0) -> Entry:
        """The entry once the verifier has dealt with it (no longer queued, or retried)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            entry = self.store.require(entry_id)
            if entry.verification != "queued" or entry.verify_error:
                return entry
            time.sleep(0.05)
        raise AssertionError(f"entry {entry_id} still queued after {timeout} s")


def write_site(base: Path, site_url: str, **settings: Any) -> Path:
    """A settings file and a threads manifest (one open and one closed article)."""
    (base / "content").mkdir(parents=True, exist_ok=True)
    values = {
        "SITEURL": site_url,
        "SITENAME": "Test Blog",
        "TIMEZONE": "UTC",
        "PATH": "content",
        "OUTPUT_PATH": "output",
        "ENGAGEMENT_DATABASE_URL": "sqlite:///engagement.sqlite3",
        "ENGAGEMENT_ENDPOINT_URL": site_url,  # one server is both our site and the endpoint
        "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"],
        "ENGAGEMENT_FETCH_TIMEOUT": 2.0,
    }
    values.update({f"ENGAGEMENT_{k}": v for k, v in settings.items()})
    path = base / "pelicanconf.py"
    path.write_text("".join(f"{name} = {value!r}\n" for name, value in values.items()), "utf-8")
    threads = [
        Thread(OPEN_KEY, f"{site_url}/{OPEN_KEY}", "Open post", "2024-01-02T10:00:00+00:00"),
        Thread(CLOSED_KEY, f"{site_url}/{CLOSED_KEY}", "Closed post", "2024-01-03T10:00:00+00:00",
               closed=True, closed_reason="Comments are closed."),
    ]
    save_manifest(threads, base / "output" / "engagement" / "threads.json")
    return path


@contextmanager
def running_endpoint(base: Path, store: Store, **settings: Any) -> Iterator[Endpoint]:
    from pelican.plugins.engagement.endpoint.app import create_app
    from pelican.plugins.engagement.endpoint.linkbacks import VERIFIER_KEY

    holder: dict[str, Any] = {}

    def our_site_and_endpoint(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # One server for both (fewer servers to shut down per test): article paths are our
        # static site, with the endpoint announced in the page; everything else is the endpoint.
        if environ.get("PATH_INFO", "").startswith(("/2024/", "/no/")):
            page = (f'<!doctype html><html><head><title>Article</title><link rel="webmention" '
                    f'href="{holder["url"]}/webmention"></head><body><p>Text</p></body></html>')
            return Response(page, content_type="text/html")(environ, start_response)
        return holder["app"](environ, start_response)

    with serve_wsgi(our_site_and_endpoint) as url:
        holder["url"] = url
        config = load_site(write_site(base, url, **settings))
        app = holder["app"] = create_app(config, store=store)
        try:
            yield Endpoint(url, app, store, config, base, url)
        finally:
            verifier = app.extensions.get(VERIFIER_KEY)
            if verifier is not None:
                verifier.stop()
                verifier.join(timeout=5)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """Most linkback behaviour does not depend on the database; the tests that do use ``store``
    (SQLite and PostgreSQL) through ``make_endpoint_on``."""
    opened = Store.open(f"sqlite:///{tmp_path / 'linkbacks.sqlite3'}")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def make_endpoint(tmp_path: Path, sqlite_store: Store) -> Callable[..., Any]:
    """``with make_endpoint(SETTING=value) as endpoint:`` — our endpoint with those settings."""
    return lambda **settings: running_endpoint(tmp_path, sqlite_store, **settings)


@pytest.fixture
def make_endpoint_on(tmp_path: Path, store: Store) -> Callable[..., Any]:
    """Like ``make_endpoint``, on each store backend (the ``store`` fixture)."""
    return lambda **settings: running_endpoint(tmp_path, store, **settings)


@pytest.fixture
def endpoint(make_endpoint: Callable[..., Any]) -> Iterator[Endpoint]:
    with make_endpoint() as running:
        yield running
