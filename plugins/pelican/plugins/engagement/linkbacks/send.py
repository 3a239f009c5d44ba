"""``engagement send``: tell the sites our articles link to (Webmention, else Pingback, else TrackBack).

After a build, every published article's outbound links are read from its built page (the
``e-content`` of the h-entry, so navigation and share buttons are not "mentions"). For each link the
target's endpoint is discovered (:mod:`pelican.plugins.engagement.linkbacks.discovery`) and notified.

What was sent is remembered in the store's ``sent_links`` table, one row per (article, target), and
a fingerprint of each article's content in ``meta``:

- an unchanged article sends nothing on the next run (only links never tried before go out);
- a changed article re-sends to every current link *and* to the links it no longer has, so their
  receivers can update or remove the mention (Webmention §3.1.4), re-discovering each endpoint;
- except a target already pinged by Pingback or TrackBack: those protocols have no update, so a
  pair is pinged once (as WordPress's "pinged" list does): a Pingback server would answer fault
  48, a TrackBack receiver would store a duplicate;
- a removal that a webmention receiver answers with 400 (it verified, found no link and dropped
  its copy) is the expected end of that mention, recorded as removed;
- failed sends are retried when the article changes, not on every run (a dead site is not
  hammered by every ``make publish``).

Every request goes through the guarded client, so a link to a private address is never fetched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from sqlalchemy import Connection, select

from pelican.plugins.engagement import net
from pelican.plugins.engagement.comments.threads import Manifest, Thread
from pelican.plugins.engagement.linkbacks import pingback, trackback
from pelican.plugins.engagement.linkbacks.discovery import Endpoint, discover
from pelican.plugins.engagement.settings import SiteConfig
from pelican.plugins.engagement.store import Store, utcnow
from pelican.plugins.engagement.store.schema import meta, sent_links

EXCERPT_CHARS = 250


class SendError(Exception):
    """The site cannot be processed (not built yet, no SITEURL)."""


@dataclass(frozen=True)
class Article:
    """What the sender needs of one built article."""

    url: str
    title: str
    excerpt: str
    links: tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True)
class Delivery:
    source: str
    target: str
    removed: bool = False  # the article no longer links there; re-sent so they can update


@dataclass
class Result:
    delivery: Delivery
    status: str  # sent | failed | no-endpoint | removed | would-send
    protocol: str | None = None
    endpoint: str | None = None
    detail: str = ""


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


# --- reading our built pages ---------------------------------------------------------------------


def built_page(output_path: Path, thread: Thread) -> Path:
    key = thread.key
    return output_path / (key + "index.html" if key.endswith("/") or not key else key)


def read_article(page: Path, thread: Thread, site_url: str) -> Article:
    soup = BeautifulSoup(page.read_bytes(), "html.parser")
    body = soup.select_one(".h-entry .e-content") or soup.select_one("article") or soup.body or soup
    links = outbound_links(body, thread.url, site_url)
    text = " ".join(body.get_text(" ").split())
    excerpt = text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
    fingerprint = hashlib.sha256("\n".join([text, *links]).encode("utf-8")).hexdigest()
    return Article(thread.url, thread.title, excerpt, tuple(links), fingerprint)


def outbound_links(body: object, page_url: str, site_url: str) -> list[str]:
    """Absolute http(s) links to other sites, in order, each once (fragments dropped)."""
    own_host = (urlsplit(site_url).netloc or urlsplit(page_url).netloc).lower()
    found: list[str] = []
    for anchor in body.find_all("a", href=True):  # type: ignore[attr-defined]
        url = urldefrag(urljoin(page_url, anchor["href"].strip()))[0]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc.lower() != own_host and url not in found:
            found.append(url)
    return found


def published_articles(config: SiteConfig) -> list[Article]:
    if not config.site_url.startswith(("http://", "https://")):
        # Receivers fetch the source to verify it, so it must be the article's public address.
        raise SendError(f"SITEURL must be an absolute http(s) URL to send linkbacks, got "
                        f"{config.site_url!r}; use the production settings (publishconf.py)")
    manifest = Manifest(config.threads_manifest)
    threads = manifest.all()
    if not threads:
        raise SendError(f"no articles in {config.threads_manifest}: build the site first")
    articles = []
    for thread in sorted(threads, key=lambda t: t.key):
        page = built_page(config.output_path, thread)
        if page.is_file():
            articles.append(read_article(page, thread, config.site_url))
    return articles


# --- what to send ----------------------------------------------------------------------------------


def _fingerprint_key(source: str) -> str:
    return "send:" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:40]


#: Protocols without updates: a target they reached is never pinged again for the same source.
PING_ONCE = ("pingback", "trackback")


def _recorded(conn: Connection, source: str) -> dict[str, tuple[str, str]]:
    """target → (status, protocol) of what was sent for ``source``."""
    rows = conn.execute(select(sent_links.c.target, sent_links.c.status, sent_links.c.protocol)
                        .where(sent_links.c.source == source))
    return {row.target: (row.status, row.protocol or "none") for row in rows}


def plan(store: Store, article: Article) -> list[Delivery]:
    """The deliveries this article needs now (see the module docstring for the rules)."""
    with store.read() as conn:
        recorded = _recorded(conn, article.url)
        stored = conn.execute(select(meta.c.value).where(meta.c.key == _fingerprint_key(article.url))
                              ).scalar()
    if stored == article.fingerprint:
        return [Delivery(article.url, t) for t in article.links if t not in recorded]
    pinged = {t for t, (status, protocol) in recorded.items() if status == "sent" and protocol in PING_ONCE}
    current = [Delivery(article.url, t) for t in article.links if t not in pinged]
    gone = [Delivery(article.url, t, removed=True) for t, (status, _protocol) in recorded.items()
            if t not in article.links and t not in pinged and status != "removed"]
    return current + gone


def _record(store: Store, result: Result) -> None:
    values = {
        "protocol": result.protocol or "none", "endpoint": result.endpoint,
        "status": result.status, "detail": result.detail[:1000] or None, "sent_at": utcnow(),
    }
    source, target = result.delivery.source, result.delivery.target
    with store.write() as conn:
        updated = conn.execute(sent_links.update().where(
            sent_links.c.source == source, sent_links.c.target == target).values(**values))
        if updated.rowcount == 0:
            conn.execute(sent_links.insert().values(source=source, target=target, **values))


def _remember(store: Store, article: Article) -> None:
    key = _fingerprint_key(article.url)
    with store.write() as conn:
        if conn.execute(meta.update().where(meta.c.key == key)
                        .values(value=article.fingerprint)).rowcount == 0:
            conn.execute(meta.insert().values(key=key, value=article.fingerprint))


# --- sending ----------------------------------------------------------------------------------------


def deliver(delivery: Delivery, article: Article, blog_name: str, fetcher: net.Fetcher) -> Result:
    """Discover the target's endpoint and notify it."""
    try:
        endpoint = discover(delivery.target, fetcher)
    except net.FetchError as error:
        return Result(delivery, "failed", detail=f"discovery: {error.reason}")
    if endpoint is None:
        return Result(delivery, "no-endpoint")
    try:
        ok, detail = _notify(endpoint, delivery, article, blog_name, fetcher)
    except net.FetchError as error:
        ok, detail = False, error.reason
    status = ("removed" if delivery.removed else "sent") if ok else "failed"
    return Result(delivery, status, endpoint.protocol, endpoint.url, detail)


def _notify(endpoint: Endpoint, delivery: Delivery, article: Article, blog_name: str,
            fetcher: net.Fetcher) -> tuple[bool, str]:
    if endpoint.protocol == "webmention":
        # The endpoint's own query string stays in the URL; our parameters go in the body.
        answer = fetcher.post(endpoint.url, {"source": delivery.source, "target": delivery.target})
        if delivery.removed and answer.status == 400:
            # The receiver verified at once, found no link and dropped its copy (Webmention §3.2.3).
            return True, "HTTP 400: the receiver found no link and dropped the mention"
        return answer.ok, f"HTTP {answer.status}"
    if endpoint.protocol == "pingback":
        answer = fetcher.post(endpoint.url, pingback.request_body(delivery.source, delivery.target),
                              headers={"Content-Type": pingback.CONTENT_TYPE})
        ok, code, message = pingback.parse_response(answer.content)
        if not ok and code == 48:  # already registered: that is what we wanted
            return True, "already registered"
        return ok, message if ok else f"fault {code}: {message}"
    form = {"url": delivery.source, "title": article.title, "excerpt": article.excerpt,
            "blog_name": blog_name}
    answer = fetcher.post(endpoint.url, form, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    ok, message = trackback.parse_response(answer.content)
    return ok, message


def send_all(
    config: SiteConfig,
    store: Store,
    *,
    dry_run: bool = False,
    progress: Callable[[Iterable[Article]], Iterable[Article]] = lambda items: items,
    on_result: Callable[[Result], None] = lambda result: None,
) -> Report:
    """Notify every target that needs it; with ``dry_run`` only say what would be sent."""
    articles = published_articles(config)
    blog_name = str(config.pelican.get("SITENAME", ""))
    policy = net.FetchPolicy.from_settings(config.engagement)
    report = Report()
    with net.Fetcher(policy) as fetcher:
        for article in progress(articles):
            deliveries = plan(store, article)
            for delivery in deliveries:
                if dry_run:
                    result = Result(delivery, "would-send")
                else:
                    result = deliver(delivery, article, blog_name, fetcher)
                    _record(store, result)
                report.results.append(result)
                on_result(result)
            if not dry_run:
                _remember(store, article)
    return report
