"""Section 4 — page weight: what a reader's browser downloads for the showcase article.

The showcase article (six cases, a social embed, 50 approved comments) is built with a SITEURL
pointing at a static server on loopback and our endpoint running beside it, then loaded in headless
Chromium (Debian's, via Playwright) and scrolled to the end so lazy content loads too. Every request
is recorded: bytes of HTML, CSS and JS as the browser received them (uncompressed: the local server
does not gzip, so this is an upper bound), and every request that left the site's origin.
"""

from __future__ import annotations

import functools
import gzip
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from bench.pelican_runs import Checkout, build_once
from bench.sitegen import Site, article_specs
from bench.stats import Figure, Row, value_at_most

SECTION = "4 page weight"
WEIGHT_LIMIT_KB = 60.0
COUNTED_TYPES = {"document": "HTML", "stylesheet": "CSS", "script": "JS"}


@dataclass
class PageLoad:
    """What the browser fetched for one page."""

    bytes_by_kind: dict[str, int] = field(default_factory=dict)
    #: The same bodies gzip-compressed (level 6), as a host that compresses would send them.
    gzip_bytes: int = 0
    other_bytes: int = 0
    requests: list[str] = field(default_factory=list)

    def kilobytes(self) -> float:
        return sum(self.bytes_by_kind.values()) / 1024

    def off_origin(self, *allowed: str) -> list[str]:
        keep = {_origin(url) for url in allowed}
        return [url for url in self.requests if _origin(url) not in keep and not url.startswith("data:")]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticSite:
    """A static file server on a free loopback port; its folder can change between pages."""

    def __init__(self) -> None:
        self.folder = Path(".")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self, *args: Any, **kwargs: Any) -> SimpleHTTPRequestHandler:
        return functools.partial(_Quiet, directory=str(self.folder))(*args, **kwargs)

    @contextmanager
    def running(self) -> Iterator[StaticSite]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)


class LateApp:
    """A WSGI app whose real application is set after the server has a port (the build needs it)."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.app(environ, start_response)


def measure(site: Site, progress: Callable[[str], None]) -> list[Row]:
    """Build the showcase site (ours and bare) for a loopback server and load its article."""
    static = StaticSite()
    late = LateApp()
    endpoint = make_server("127.0.0.1", 0, late, threaded=True)
    endpoint_url = f"http://127.0.0.1:{endpoint.server_port}"
    article = f"{static.url}/{article_specs(site.articles)[0].thread}"
    ours = Checkout(site, "ours")
    settings = build_once(ours, site_url=static.url, endpoint_url=endpoint_url)
    late.app = _endpoint_app(settings, progress)
    serving = threading.Thread(target=endpoint.serve_forever, daemon=True)
    serving.start()
    try:
        with static.running():
            static.folder = ours.output
            ours_load = load(article)
            bare = Checkout(site, "bare")
            build_once(bare, site_url=static.url)
            static.folder = bare.output
            bare_load = load(article)
    finally:
        endpoint.shutdown()
        serving.join(timeout=5)
    progress(f"page weight: ours {ours_load.kilobytes():.1f} KB, bare {bare_load.kilobytes():.1f} KB")
    return rows(ours_load, bare_load, site_url=static.url, endpoint_url=endpoint_url)


def _endpoint_app(settings: Path, progress: Callable[[str], None]) -> Callable[..., Any] | None:
    """Our endpoint for the page's own calls, when it exists yet (the page must not need it)."""
    try:
        from pelican.plugins.engagement.endpoint.app import create_app
        from pelican.plugins.engagement.settings import load_site
    except ImportError as error:
        progress(f"page weight without the endpoint: {error}")
        return None
    return create_app(load_site(settings))


def load(page_url: str) -> PageLoad:
    """Open ``page_url`` in headless Chromium, scroll to the end, and record every request."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import ARGS, CHROMIUM

    result = PageLoad()
    responses: list[Any] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: result.requests.append(request.url))
            page.on("response", lambda response: responses.append(response))
            page.goto(page_url, wait_until="networkidle")
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
            for response in responses:
                _count(result, response)
        finally:
            browser.close()
    return result


def _count(result: PageLoad, response: Any) -> None:
    try:
        body = response.body()
    except Exception:  # redirects and aborted requests have no body
        return
    kind = COUNTED_TYPES.get(response.request.resource_type)
    if kind is None:
        result.other_bytes += len(body)
    else:
        result.bytes_by_kind[kind] = result.bytes_by_kind.get(kind, 0) + len(body)
        result.gzip_bytes += len(gzip.compress(body, compresslevel=6))


def rows(ours: PageLoad, bare: PageLoad | None, *, site_url: str, endpoint_url: str) -> list[Row]:
    weight = Row(SECTION, "HTML+CSS+JS of the article with 6 cases and 50 comments",
                 Figure.of([ours.kilobytes()], "KB"),
                 Figure.of([bare.kilobytes()], "KB") if bare else None,
                 baseline_label="bare Pelican, simple theme (no comments, cases as code)",
                 target=value_at_most(WEIGHT_LIMIT_KB, f"ours < {WEIGHT_LIMIT_KB:g} KB"))
    parts = ", ".join(f"{kind} {size / 1024:.1f} KB" for kind, size in sorted(ours.bytes_by_kind.items()))
    weight.notes.append(f"ours: {parts} (gzip-compressed {ours.gzip_bytes / 1024:.1f} KB); other "
                        f"(images, fonts, JSON) {ours.other_bytes / 1024:.1f} KB; "
                        f"{len(ours.requests)} requests in all")
    third_party = ours.off_origin(site_url, endpoint_url)
    to_endpoint = [url for url in ours.off_origin(site_url) if url not in third_party]
    requests = Row(SECTION, "requests to third-party origins", Figure.of([len(third_party)], "requests"),
                   Figure.of([len(bare.off_origin(site_url))], "requests") if bare else None,
                   baseline_label="bare Pelican, simple theme",
                   target=value_at_most(0, "ours = 0"))
    requests.notes.append(f"ours: {len(to_endpoint)} requests to the site's own endpoint origin; "
                          f"third-party: {third_party[:5] or 'none'}")
    return [weight, requests]
