"""The repository's own site builds, with every seed article in it."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

SEEDS = {
    "2014/06/understanding-customer-service-a-social-media-tale": (
        "Understanding Customer Service: A Social Media Tale", "CXperience Editors"),
    "2013/04/the-now-of-customer-service": ("The “Now” of Customer Service", "CXperience Editors"),
    "2013/09/customer-service-in-a-social-world": (
        "Customer service in a social world", "CXperience Editors"),
    "2016/02/beauties-and-beasts-of-social-customer-service": (
        "The Beauties and the Beasts of Social Customer Service", "Matthew Thomas"),
    "2012/08/understanding-is-underused-in-customer-service": (
        "Understanding is Underused in Customer Service", "SMChat Team"),
}


def page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text("utf-8"), "html.parser")


def test_every_seed_article_has_title_and_author(seed_site: Path) -> None:
    for path, (title, author) in SEEDS.items():
        soup = page(seed_site, path)
        assert soup.h1.get_text(strip=True) == title
        assert author in soup.select_one(".p-author").get_text()


def test_seed_004_keeps_its_published_date(seed_site: Path) -> None:
    soup = page(seed_site, "2012/08/understanding-is-underused-in-customer-service")
    assert soup.select_one("time.dt-published")["datetime"].startswith("2012-08-08")


def test_threads_manifest_lists_articles_and_closed_state(seed_site: Path) -> None:
    manifest = json.loads((seed_site / "engagement" / "threads.json").read_text("utf-8"))
    threads = manifest["threads"]
    assert {key.rstrip("/") for key in threads} == set(SEEDS)
    closed = {key for key, thread in threads.items() if thread["closed"]}
    assert closed == {"2014/06/understanding-customer-service-a-social-media-tale/"}
