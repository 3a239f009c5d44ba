"""The repository's own site builds, with every seed article in it: title, date, author."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from tests.site.pages import soup
from tests.support.sites import CONTENT

# output folder: (title, author, publication date)
SEEDS = {
    "2014/06/understanding-customer-service-a-social-media-tale": (
        "Understanding Customer Service: A Social Media Tale",
        "CXperience Editors",
        "2014-06-10",
    ),
    "2013/04/the-now-of-customer-service": (
        "The “Now” of Customer Service",
        "CXperience Editors",
        "2013-04-02",
    ),
    "2013/09/customer-service-in-a-social-world": (
        "Customer service in a social world",
        "CXperience Editors",
        "2013-09-17",
    ),
    "2016/02/beauties-and-beasts-of-social-customer-service": (
        "The Beauties and the Beasts of Social Customer Service",
        "Matthew Thomas",
        "2016-02-15",
    ),
    "2012/08/understanding-is-underused-in-customer-service": (
        "Understanding is Underused in Customer Service",
        "SMChat Team",
        "2012-08-08",
    ),
}


@pytest.mark.parametrize("folder", SEEDS)
def test_seed_article_shows_title_date_and_author(seed_site: Path, folder: str) -> None:
    title, author, date = SEEDS[folder]
    page = soup(seed_site, f"{folder}/index.html")
    assert page.h1.get_text(strip=True) == title
    assert page.title.get_text().startswith(title)
    assert page.select_one(".p-author").get_text(strip=True) == author
    assert page.select_one("time.dt-published")["datetime"].startswith(date)


def test_index_lists_every_seed_article_newest_first(seed_site: Path) -> None:
    titles = [a.get_text(strip=True) for a in soup(seed_site, "index.html").select(".article-summary h2 a")]
    by_date = sorted(SEEDS.values(), key=lambda seed: seed[2], reverse=True)
    assert titles == [title for title, _, _ in by_date]


def editors_notes() -> list[str]:
    """The ``Note:`` metadata of every seed article."""
    notes = []
    for source in sorted((CONTENT / "articles").glob("*.md")):
        header = source.read_text("utf-8").split("\n\n", 1)[0]
        notes += [line.partition(":")[2].strip() for line in header.splitlines() if line.startswith("Note:")]
    return notes


def test_editors_note_is_not_published(seed_site: Path) -> None:
    """The "Note:" metadata is a comment for editors: no page or feed may show it."""
    notes = editors_notes()
    assert len(notes) == len(SEEDS)
    published = [*seed_site.rglob("*.html"), *seed_site.rglob("*.xml"), *seed_site.rglob("*.json")]
    for path in published:
        text = html.unescape(path.read_text("utf-8"))
        assert not [note for note in notes if note in text], path


def test_threads_manifest_lists_articles_and_closed_state(seed_site: Path) -> None:
    manifest = json.loads((seed_site / "engagement" / "threads.json").read_text("utf-8"))
    threads = manifest["threads"]
    assert {key.rstrip("/") for key in threads} == set(SEEDS)
    closed = {key for key, thread in threads.items() if thread["closed"]}
    assert closed == {"2014/06/understanding-customer-service-a-social-media-tale/"}
