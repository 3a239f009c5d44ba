"""`make screenshots`: the README's pictures, regenerated from an invented example site.

Builds the small site in ``docs/screenshots/example/`` (an invented brand, Glimmerbrew Coffee Co.:
a full case card, a summary card, an embedded post, an event, a comment thread with replies) into a
temporary folder, serves it and the real endpoint on 127.0.0.1, and photographs the key pages in
headless Chromium at 375 and 1280 px wide, light and dark, as WebP files in ``docs/screenshots/``.
A reader's comment is posted through the page's own form (with JavaScript), so the thread shows it
pending exactly as its author sees it, and the moderation page is the endpoint's own, logged in.

Never edit the pictures by hand: change the example or the code and run this again (well under a
minute). Nothing is fetched from anywhere but 127.0.0.1.

Usage: ``.venv/bin/python docs/screenshots/make_screenshots.py [--only NAME ...] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import base64
import logging
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLE = HERE / "example"
ADMIN_TOKEN = "example-admin-token-for-screenshots-only"
ARTICLE = "2026/03/glimmerbrew-cold-latte/"
WIDTHS = (375, 1280)
SCHEMES = ("light", "dark")
CHROMIUM = "/usr/bin/chromium"
#: Longest picture, in CSS pixels: a page taller than this is cut (the README shows the top).
MAX_HEIGHT = 2400
WEBP_QUALITY = 72


@dataclass(frozen=True)
class Shot:
    """One picture: which page, which part of it (a CSS selector, or the whole page), and what to
    do first (post a comment, log in)."""

    name: str
    path: str
    selector: str = ""
    endpoint: bool = False
    prepare: Callable[[Any], None] | None = None
    max_height: int = MAX_HEIGHT


# --- the example site -----------------------------------------------------------------------------


def write_settings(root: Path, site_url: str, endpoint_url: str) -> Path:
    """The repository's pelicanconf.py pointed at the example content and loopback addresses."""
    path = root / "screenshots_settings.py"
    path.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(REPO / 'pelicanconf.py')!r}).items()"
        " if k.isupper()})\n"
        f"PATH = {str(root / 'content')!r}\n"
        f"OUTPUT_PATH = {str(root / 'output')!r}\n"
        f"CACHE_PATH = {str(root / 'cache')!r}\n"
        f"THEME = {str(REPO / 'theme')!r}\n"
        f"SITEURL = {site_url!r}\n"
        "FEED_DOMAIN = SITEURL\n"
        "ARTICLE_PATHS = ['articles']\n"
        "PAGE_PATHS = ['pages']\n"
        f"ENGAGEMENT_ENDPOINT_URL = {endpoint_url!r}\n"
        f"ENGAGEMENT_DATABASE_URL = {'sqlite:///' + str(root / 'engagement.sqlite3')!r}\n"
        f"ENGAGEMENT_ADMIN_TOKEN = {ADMIN_TOKEN!r}\n"
        "ENGAGEMENT_ARCHIVE_PATH = ''\n"
        "ENGAGEMENT_EMBEDS_FETCH = False\n"
        "ENGAGEMENT_REBUILD_ON_APPROVE = False\n"
        "LOAD_CONTENT_CACHE = False\n",
        "utf-8",
    )
    return path


#: The approved thread: (key, parent key, author, website, minutes after the first, Markdown).
COMMENTS = [
    ("a", None, "Dana Whitfield", "", 0,
     "Twelve minutes on a Friday morning is quick. What I like more is that Sam *named* the branch."),
    ("b", "a", "Sam at Glimmerbrew", "https://glimmerbrew.example", 45,
     "Thank you, Dana. Naming the branch was the point: the team there read the reply too."),
    ("c", "b", "Dana Whitfield", "", 70, "That is the part most brands skip."),
    ("d", None, "Oluwaseun Adeyemi-Hartmann", "https://seun.example", 190,
     "Free lattes fix the week, but the thermometer fixes the next one. The follow-up post is the "
     "real beauty here:\n\n> if your latte is below 70 °C we make it again"),
]


#: Likes and reposts from other sites (webmentions) and a pingback: (kind, type, author, source).
MENTIONS = [
    ("webmention", "like", "Ana Lima", "https://ana.example/likes/1"),
    ("webmention", "like", "Kenji Watanabe", "https://kenji.example/likes/7"),
    ("webmention", "like", "Fatou Diop", "https://fatou.example/l/3"),
    ("webmention", "repost", "The Service Desk Digest", "https://digest.example/2026/03/"),
    ("pingback", None, "Coffee & Care", "https://coffee-care.example/2026/03/thermometers/"),
]

#: Waiting in the moderation queue: (author, website, e-mail, Markdown).
PENDING = [
    ("Morgan Lee", "", "morgan@mail.example", "Does the thermometer rule apply to the **oat** lattes too?"),
    ("Quentin Spamworth", "https://cheap-beans.example", "",
     "Great post!!! Buy [discount beans](https://cheap-beans.example) today."),
]


def seed_comments(database_url: str) -> set[int]:
    """The approved comments the build renders and a moderation queue (fixed past dates, so the
    pictures are stable). Returns their ids."""
    from pelican.plugins.engagement.markup import render_comment
    from pelican.plugins.engagement.store import NewEntry, Store

    store = Store.open(database_url)
    try:
        start = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
        ids: dict[str, int] = {}
        for key, parent, name, website, minutes, text in COMMENTS:
            entry = store.add(NewEntry(
                thread=ARTICLE, author_name=name, author_url=website or None, body_source=text,
                body_html=render_comment(text), status="approved",
                parent_id=ids.get(parent) if parent else None,
                created_at=start + timedelta(minutes=minutes),
            ))
            ids[key] = entry.id
        for minutes, (kind, mention, name, source) in enumerate(MENTIONS, start=200):
            store.add(NewEntry(
                thread=ARTICLE, kind=kind, mention_type=mention, author_name=name, source_url=source,
                title="Thermometers at the counter" if kind == "pingback" else None,
                blog_name=name if kind == "pingback" else None, status="approved", verification="verified",
                created_at=start + timedelta(minutes=minutes),
            ))
        for minutes, (name, website, email, text) in enumerate(PENDING, start=300):
            ids[name] = store.add(NewEntry(
                thread=ARTICLE, author_name=name, author_url=website or None, author_email=email or None,
                body_source=text, body_html=render_comment(text),
                created_at=start + timedelta(minutes=minutes),
            )).id
    finally:
        store.close()
    return set(ids.values())


def build(settings_file: Path) -> Path:
    """Build the example site in-process, warnings fatal (as CI builds)."""
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    init_logging(fatal="warnings")
    settings = read_settings(str(settings_file))
    Pelican(settings).run()
    return Path(settings["OUTPUT_PATH"])


# --- servers on 127.0.0.1 -------------------------------------------------------------------------


class Later:
    """A WSGI app set after its server is listening (the site must know the port to be built)."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None, "served before it was ready"
        return self.app(environ, start_response)


@contextmanager
def serve(app: Callable[..., Any]) -> Iterator[tuple[str, Any]]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server
    finally:
        server.shutdown()
        thread.join(timeout=5)


def static_app(folder: Path) -> Callable[..., Any]:
    """``folder`` as a static host serves it (``index.html`` for folders)."""
    from werkzeug.middleware.shared_data import SharedDataMiddleware
    from werkzeug.wrappers import Response

    def not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        index = folder / environ.get("PATH_INFO", "/").lstrip("/") / "index.html"
        if index.is_file():
            return Response(index.read_bytes(), mimetype="text/html")(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    return SharedDataMiddleware(not_found, {"/": str(folder)})


# --- what to photograph ---------------------------------------------------------------------------


def post_pending_comment(page: Any) -> None:
    """A reader replies through the form (JavaScript on): the thread then shows it pending.

    ``photograph`` removes it from the store after the picture, so the queue stays as seeded."""
    page.locator("#comments .eg-reply").first.click()
    page.fill("#cf-name", "Priya Example")
    page.fill("#cf-website", "priya.example")
    page.fill("#cf-body", "Sam, the lattes were hot this morning. Thank you for *actually* listening.")
    page.click("#comment-form .eg-submit button")  # a minified page has no type=submit
    page.wait_for_selector(".eg-pending-comment")


def search_results(page: Any) -> None:
    """The search page has loaded Pagefind's UI and answered the query in its address."""
    page.wait_for_selector(".pagefind-ui__result", timeout=10_000)
    page.wait_for_timeout(300)  # the excerpts and filter counts arrive just after the first result


def log_in(page: Any) -> None:
    """The moderation page is behind the admin token's log-in form."""
    page.fill("input[name=token]", ADMIN_TOKEN)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()


SHOTS = [
    Shot("case-full", ARTICLE, "#case-glimmerbrew-latte"),
    Shot("case-summary", ARTICLE, "#case-glimmerbrew-beans"),
    Shot("embed", ARTICLE, "figure.embed-card"),
    Shot("article", ARTICLE),
    Shot("mentions", ARTICLE, "#mentions"),
    Shot("thread", ARTICLE, "#comments", prepare=post_pending_comment),
    Shot("event", "2026/03/glimmerbrew-chat/", "#event-ask-glimmerbrew"),
    Shot("gallery", "cases/"),
    Shot("search", "search/?q=latte", "main", prepare=search_results),
    Shot("moderation", "admin/", endpoint=True, prepare=log_in),
]


def capture(page: Any, out: Path, selector: str, max_height: int) -> None:
    """One picture of ``selector`` (or the page), WebP (or PNG, by ``out``'s suffix) encoded by
    Chromium itself: no image library needed."""
    box = page.evaluate(
        """(sel) => {
            const el = sel ? document.querySelector(sel) : document.documentElement;
            if (!el) return null;
            const r = el.getBoundingClientRect();
            const pad = sel ? 12 : 0;
            return {x: Math.max(0, r.left + scrollX - pad), y: Math.max(0, r.top + scrollY - pad),
                    width: Math.min(r.width + 2 * pad, document.documentElement.clientWidth),
                    height: (sel ? r.height : document.documentElement.scrollHeight) + 2 * pad};
        }""",
        selector,
    )
    if box is None:
        raise SystemExit(f"{page.url}: nothing matches {selector!r}")
    box["height"] = min(box["height"], max_height)
    session = page.context.new_cdp_session(page)
    shot = session.send("Page.captureScreenshot", {
        "format": out.suffix.lstrip("."), "quality": WEBP_QUALITY, "captureBeyondViewport": True,
        "clip": {**box, "scale": 1},
    })
    session.detach()
    out.write_bytes(base64.b64decode(shot["data"]))


def forget_posted(database_url: str, seeded: set[int]) -> None:
    """Delete what the browser posted: the next picture shows the thread and queue as seeded."""
    from pelican.plugins.engagement.store import Store

    store = Store.open(database_url, run_migrations=False)
    try:
        for entry in store.list(status="pending"):
            if entry.id not in seeded:
                store.delete(entry.id, actor="screenshots")
    finally:
        store.close()


def photograph(site_url: str, endpoint_url: str, database: tuple[str, set[int]], shots: list[Shot],
               target: Path, suffix: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    database_url, seeded = database
    written = []
    with sync_playwright() as playwright:
        # Every host but 127.0.0.1 resolves to nothing: a page that asks for another site (a bug)
        # cannot reach it, and is reported below.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        try:
            for scheme in SCHEMES:
                for width in WIDTHS:
                    context = browser.new_context(viewport={"width": width, "height": 900},
                                                  color_scheme=scheme, device_scale_factor=1)
                    context.on("request", _report_off_loopback)
                    page = context.new_page()
                    for shot in shots:
                        base = endpoint_url if shot.endpoint else site_url
                        page.goto(f"{base}/{shot.path}", wait_until="load")
                        if shot.prepare:
                            shot.prepare(page)
                        out = target / f"{shot.name}-{width}-{scheme}.{suffix}"
                        capture(page, out, shot.selector, shot.max_height)
                        written.append(out)
                        if shot.prepare is post_pending_comment:
                            forget_posted(database_url, seeded)
                    context.close()
        finally:
            browser.close()
    return written


def _report_off_loopback(request: Any) -> None:
    """A page asking for anything but 127.0.0.1 is a bug (the browser cannot reach it anyway)."""
    if not request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
        print(f"a page asked for a third-party address: {request.url}", file=sys.stderr)


# --- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="photograph only these shots (names as in SHOTS)")
    parser.add_argument("--keep", type=Path, help="build the example site here and keep it")
    parser.add_argument("--out", type=Path, default=HERE, help="where the pictures go")
    parser.add_argument("--png", action="store_true", help="PNG instead of WebP (to review elsewhere)")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    started = time.monotonic()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise here
    with ExitStack() as stack:
        root = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="screenshots-")))
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(EXAMPLE, root / "content")
        site, endpoint = Later(), Later()
        site_url, _ = stack.enter_context(serve(site))
        endpoint_url, _ = stack.enter_context(serve(endpoint))
        settings_file = write_settings(root, site_url, endpoint_url)

        from pelican.plugins.engagement.endpoint import create_app
        from pelican.plugins.engagement.settings import load_site

        config = load_site(settings_file)
        seeded = seed_comments(config.database_url)
        output = build(settings_file)
        site.app = static_app(output)
        endpoint.app = create_app(config)
        args.out.mkdir(parents=True, exist_ok=True)
        written = photograph(site_url, endpoint_url, (config.database_url, seeded), shots, args.out,
                             "png" if args.png else "webp")
    total = sum(path.stat().st_size for path in written)
    print(f"{len(written)} pictures, {total / 1e6:.2f} MB, in {time.monotonic() - started:.0f} s "
          f"-> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
