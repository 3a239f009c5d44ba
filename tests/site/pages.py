"""Reading a built site the way a visitor's browser would: pages, their URLs and what they link to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

SITEURL = "http://127.0.0.1:8000"
ENDPOINT_URL = "http://127.0.0.1:8001"

# One page of every type the theme renders, by output path.
PAGE_TYPES = {
    "index": "index.html",
    "article": "2016/02/beauties-and-beasts-of-social-customer-service/index.html",
    "page": "about/index.html",
    "event": "2012/08/understanding-is-underused-in-customer-service/index.html",
    "category": "category/customer-experience/index.html",
    "tag": "tag/response-time/index.html",
    "author": "author/matthew-thomas/index.html",
    "authors": "authors/index.html",
    "categories": "categories/index.html",
    "tags": "tags/index.html",
    "archives": "archives/index.html",
    "search": "search/index.html",
    "404": "404.html",
}

# Attributes through which a page makes the browser load or navigate to another address.
LINK_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "form": "action",
}
# <link rel> values that make the browser fetch something while loading the page.
LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}


@dataclass(frozen=True)
class Link:
    page: str  # output path of the page that holds the link
    tag: str
    url: str  # absolute, as the browser resolves it


def page_url(relpath: str, siteurl: str = SITEURL) -> str:
    """The public URL of an output file: folders are served by their index.html."""
    path = relpath[: -len("index.html")] if relpath.endswith("index.html") else relpath
    return f"{siteurl}/{path}"


def html_files(output: Path) -> list[str]:
    return sorted(str(path.relative_to(output)) for path in output.rglob("*.html"))


@cache
def _soup(path: Path, mtime: float) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def soup(output: Path, relpath: str) -> BeautifulSoup:
    """A parsed output page (cached while the file is unchanged; do not modify the result)."""
    path = output / relpath
    return _soup(path, path.stat().st_mtime)


def links(output: Path, relpath: str, siteurl: str = SITEURL) -> Iterator[Link]:
    base = page_url(relpath, siteurl)
    for tag, attribute in LINK_ATTRIBUTES.items():
        for element in soup(output, relpath).find_all(tag):
            value = element.get(attribute)
            if value is None or value.startswith(("mailto:", "tel:", "data:", "javascript:")):
                continue
            yield Link(relpath, tag, urljoin(base, value))


def local_file(output: Path, url: str, siteurl: str = SITEURL) -> Path | None:
    """The output file a same-site URL is served from, or None for another site's URL."""
    address, _ = urldefrag(url)
    if not (address == siteurl or address.startswith(siteurl + "/")):
        return None
    path = output / unquote(urlsplit(address).path).lstrip("/")
    if path.is_dir() or address.endswith("/"):
        path = path / "index.html"
    return path


def anchors(output: Path, relpath: str) -> set[str]:
    page = soup(output, relpath)
    return {element["id"] for element in page.find_all(id=True)} | {
        element["name"] for element in page.find_all("a", attrs={"name": True})
    }


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
