"""Small real sites with comments in a real SQLite store, for the render and rebuild tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from pelican.plugins.engagement.markup import render_comment
from pelican.plugins.engagement.settings import SiteConfig, from_pelican
from pelican.plugins.engagement.store import Entry, NewEntry, Store

from tests.support.sites import REPO, build_site, site_settings, write_article

ARTICLES = {
    "first-post": {"date": "2024-01-02 10:00"},
    "second-post": {"date": "2024-02-03 10:00"},
    "closed-post": {"date": "2024-03-04 10:00", "extra": {"Comments": "closed"}},
}
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def key(slug: str, date: str = "2024-01-02") -> str:
    """The thread key (article URL) of a test article under the repository's URL pattern."""
    year, month = date[:4], date[5:7]
    return f"{year}/{month}/{slug}/"


def thread_key(slug: str) -> str:
    return key(slug, ARTICLES[slug]["date"])


def write_content(folder: Path) -> Path:
    for slug, spec in ARTICLES.items():
        write_article(folder / "articles", slug, "Some text.", date=spec["date"], extra=spec.get("extra"))
    return folder


@dataclass
class Site:
    """A test site: its content, its store and a way to build it (again)."""

    root: Path
    content: Path
    store: Store
    overrides: dict[str, Any]

    @property
    def database_url(self) -> str:
        return self.overrides["ENGAGEMENT_DATABASE_URL"]

    def build(self, root: Path | None = None, **extra: Any) -> Path:
        return build_site(root or self.root, self.content, **{**self.overrides, **extra})

    def config(self, root: Path | None = None, **extra: Any) -> SiteConfig:
        settings = site_settings(root or self.root, self.content, **{**self.overrides, **extra})
        return SiteConfig(REPO / "pelicanconf.py", settings, from_pelican(settings))

    def comment(self, slug: str, text: str, *, minutes: int = 0, parent: Entry | None = None,
                status: str = "approved", **fields: Any) -> Entry:
        fields.setdefault("author_name", "Reader")
        return self.store.add(NewEntry(
            thread=thread_key(slug), kind="comment", status=status, body_source=text,
            body_html=render_comment(text), created_at=T0 + timedelta(minutes=minutes),
            parent_id=parent.id if parent else None, **fields,
        ))


def make_site(root: Path, database_url: str | None = None, **overrides: Any) -> Site:
    content = write_content(root / "content")
    url = database_url or f"sqlite:///{root / 'engagement.sqlite3'}"
    store = Store.open(url)
    return Site(root / "site", content, store, {"ENGAGEMENT_DATABASE_URL": url, **overrides})


def soup(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text("utf-8"), "html.parser")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def many_comments(site: Site, slug: str, count: int, *, replies_every: int = 0) -> list[Entry]:
    """``count`` approved comments in one transaction (a reply to the previous one every
    ``replies_every``-th), as a big thread would have them."""
    added: list[Entry] = []
    with site.store.write() as conn:
        for n in range(count):
            parent = added[-1].id if replies_every and n % replies_every == replies_every - 1 else None
            added.append(site.store.add(NewEntry(
                thread=thread_key(slug), status="approved", author_name=f"Reader {n}",
                body_source=f"Comment {n}", body_html=f"<p>Comment {n}</p>",
                created_at=T0 + timedelta(seconds=n), parent_id=parent,
            ), connection=conn))
    return added
