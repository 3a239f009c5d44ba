"""Which articles exist and whether each accepts comments: the threads manifest.

The build writes ``threads.json`` beside the output; the endpoint reads it to refuse comments for
unknown articles (404) and closed ones (403), and to map a linkback's target URL to a thread. A
thread's key is the article's URL relative to SITEURL (Pelican's ``article.url``).

Comments close per article (``Comments: closed`` metadata) or a number of days after the article's
date; the manifest records that moment so an article closes on time without a rebuild.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pelican.plugins.engagement.build import state
from pelican.plugins.engagement.files import write_file
from pelican.plugins.engagement.settings import EngagementSettings, threads_manifest_path

MANIFEST_VERSION = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thread:
    """One article as the endpoint sees it."""

    key: str
    url: str
    title: str
    date: str
    closed: bool = False
    closed_reason: str = ""
    closes_at: str | None = None
    #: Posts the author named by hand (``Mastodon:`` / ``Bluesky:`` metadata): (platform, URL) pairs.
    syndication: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # Read back from JSON the pairs are lists; keep the thread hashable.
        object.__setattr__(self, "syndication", tuple(tuple(pair) for pair in self.syndication))

    @property
    def site_url(self) -> str:
        """SITEURL as this article's URL gives it (the key is the URL relative to SITEURL), without
        the trailing slash; the URL's origin if the two do not fit together."""
        if self.key and self.url.endswith("/" + self.key):
            return self.url[: -len(self.key) - 1]
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))

    def accepts_comments(self, now: datetime | None = None) -> tuple[bool, str]:
        """(open, reason) at ``now``; the reason is shown to a reader when it is closed."""
        if self.closed:
            return False, self.closed_reason or "Comments are closed for this article."
        if self.closes_at:
            now = now or datetime.now(UTC)
            if now >= datetime.fromisoformat(self.closes_at):
                return False, "Comments closed automatically some time after publication."
        return True, ""


def _comments_closed(metadata: Mapping[str, Any]) -> bool:
    value = str(metadata.get("comments", "open")).strip().lower()
    return value in {"closed", "off", "no", "false", "0"}


def thread_for(article: Any, site_url: str, settings: EngagementSettings) -> Thread:
    """The thread of a Pelican article (or anything with ``url``, ``title``, ``date``, ``metadata``)."""
    date = article.date
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    closes_at = None
    if settings.COMMENTS_CLOSE_AFTER_DAYS:
        closes_at = (date + timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS)).isoformat()
    closed = _comments_closed(article.metadata) or not settings.COMMENTS
    return Thread(
        key=article.url,
        url=f"{site_url.rstrip('/')}/{article.url}",
        title=str(article.title),
        date=date.isoformat(),
        closed=closed,
        closed_reason="Comments are closed." if closed else "",
        closes_at=closes_at,
        syndication=named_syndication(article.metadata, str(getattr(article, "source_path", "") or "")),
    )


def named_syndication(metadata: Mapping[str, Any], source: str = "") -> tuple[tuple[str, str], ...]:
    """``Mastodon:`` / ``Bluesky:`` metadata: posts an author announced the article with by hand.

    A value that is not a web address is reported (a warning names the file; ``--fatal warnings``
    stops the build there) and left out, rather than shown as a broken link.
    """
    found = []
    for platform in ("mastodon", "bluesky"):
        value = str(metadata.get(platform) or "").strip()
        if value.startswith(("https://", "http://")):
            found.append((platform, value))
        elif value:
            log.warning("%s: %s: %r is not the address of a post (https://…); left out",
                        source or "an article", platform.title(), value)
    return tuple(found)


def collect(generator: Any) -> None:
    """``article_generator_finalized``: note every published article as a thread."""
    build = state(generator.settings)
    site_url = generator.settings.get("SITEURL", "")
    for article in generator.articles:
        thread = thread_for(article, site_url, build.settings)
        build.threads[thread.key] = thread
        # Templates read this to show the form or "Comments are closed".
        article.engagement_thread = thread


def write_manifest(pelican: Any) -> None:
    """``finalized``: write the manifest atomically so a running endpoint never reads half a file."""
    build = state(pelican.settings)
    path = threads_manifest_path(build.settings, pelican.settings["OUTPUT_PATH"])
    save_manifest(build.threads.values(), path)


def save_manifest(threads: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": MANIFEST_VERSION,
        "threads": {t.key: asdict(t) for t in sorted(threads, key=lambda t: t.key)},
    }
    write_file(path, json.dumps(document, indent=1, sort_keys=True))


def normalise_url(url: str) -> str:
    """Scheme and host lower-cased, fragment dropped: how a linkback target is compared."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


class Manifest:
    """The threads the last build wrote, re-read when the file changes (a rebuild replaced it)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._mtime: float | None = None
        self._by_key: dict[str, Thread] = {}
        self._by_url: dict[str, Thread] = {}

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            self._mtime, self._by_key, self._by_url = None, {}, {}
            return
        if mtime == self._mtime:
            return
        document = json.loads(self.path.read_text(encoding="utf-8"))
        threads = [Thread(**data) for data in document.get("threads", {}).values()]
        self._by_key = {t.key: t for t in threads}
        self._by_url = {normalise_url(t.url): t for t in threads}
        self._mtime = mtime

    def __len__(self) -> int:
        self._refresh()
        return len(self._by_key)

    def get(self, key: str) -> Thread | None:
        self._refresh()
        return self._by_key.get(key)

    def by_url(self, url: str) -> Thread | None:
        """The thread whose page is ``url`` (fragment and case of scheme/host ignored)."""
        self._refresh()
        return self._by_url.get(normalise_url(url))

    def all(self) -> list[Thread]:
        self._refresh()
        return list(self._by_key.values())
