"""The published articles, as ``engagement syndicate`` sees them: read from the last build.

Like ``engagement send``, syndication works on what was built (and deployed), not on the
Markdown: the threads manifest lists the published articles (drafts are never in it), and each
article's page gives the words a post uses, the same ones its link preview shows (``og:title``,
the description, ``article:tag``, ``og:image``, the page language and date).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from pelican.plugins.engagement.comments.threads import Manifest, Thread
from pelican.plugins.engagement.social.compose import PublishedArticle
from pelican.plugins.engagement.social.items import parse_time


class ArticlesError(Exception):
    """The site cannot be read (not built yet)."""


def built_page(output_path: Path, thread: Thread) -> Path:
    key = thread.key
    return output_path / (key + "index.html" if key.endswith("/") or not key else key)


def _meta(soup: BeautifulSoup, *, name: str = "", prop: str = "") -> str:
    tag = soup.find("meta", attrs={"name": name} if name else {"property": prop})
    return " ".join(str(tag.get("content", "")).split()) if tag else ""


def read_article(page: Path, thread: Thread) -> PublishedArticle:
    """One built article page's title, summary, tags, image, language and date."""
    soup = BeautifulSoup(page.read_bytes(), "html.parser")
    image = _meta(soup, prop="og:image")
    published = _meta(soup, prop="article:published_time") or thread.date
    html_tag = soup.find("html")
    return PublishedArticle(
        key=thread.key,
        url=thread.url,
        title=_meta(soup, prop="og:title") or thread.title,
        summary=_meta(soup, name="description"),
        tags=tuple(tag for t in soup.find_all("meta", attrs={"property": "article:tag"})
                   if (tag := str(t.get("content", "")).strip())),
        image_url=urljoin(thread.url, image) if image else "",
        language=str(html_tag.get("lang", "")).split("-")[0] if html_tag else "",
        date=parse_time(published) if published else None,
        named=dict(thread.syndication),
    )


def published_articles(manifest_path: Path, output_path: Path) -> list[PublishedArticle]:
    """Every article of the last build whose page exists, oldest first."""
    threads = Manifest(manifest_path).all()
    if not threads:
        raise ArticlesError(f"no articles in {manifest_path}: build the site first")
    found = []
    for thread in threads:
        page = built_page(output_path, thread)
        if page.is_file():
            found.append(read_article(page, thread))
    return sorted(found, key=lambda a: (a.date.isoformat() if a.date else "", a.key))
