"""Long gallery listings are split into pages, linked like Pelican's paginated index."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.sites import build_site, write_article

BRANDS = ("Acme", "Brio", "Cato", "Dune", "Echo")


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paged")
    for day, brand in enumerate(BRANDS, start=1):
        block = f"```case\nbrand: {brand}\nverdict: beauty\nresponse_time: {day} minutes\n```\n"
        write_article(root / "content" / "articles", brand.lower(), block, date=f"2024-03-0{day} 10:00")
    return build_site(root, root / "content", ENGAGEMENT_GALLERY_PER_PAGE=2)


def _page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text("utf-8"), "html.parser")


def _brands(output: Path, path: str) -> list[str]:
    return [item["data-brand"] for item in _page(output, path).select(".gallery-item")]


def test_cases_are_spread_over_pages_in_order(paged_site: Path) -> None:
    pages = [_brands(paged_site, path) for path in ("cases", "cases/page/2", "cases/page/3")]
    assert pages == [["Echo", "Dune"], ["Cato", "Brio"], ["Acme"]]
    assert not (paged_site / "cases/page/4").exists()


def test_each_order_is_paginated_on_its_own(paged_site: Path) -> None:
    assert _brands(paged_site, "cases/by-response-time") == ["Acme", "Brio"]
    assert _brands(paged_site, "cases/by-response-time/page/3") == ["Echo"]


def test_pages_link_to_their_neighbours(paged_site: Path) -> None:
    nav = _page(paged_site, "cases/page/2").find("nav", class_="case-pages")
    assert nav["aria-label"] == "Gallery pages"
    assert nav.find("a", rel="prev")["href"] == "/cases/"
    assert nav.find("a", rel="next")["href"] == "/cases/page/3/"
    assert nav.find(attrs={"aria-current": "page"}).get_text() == "Page 2 of 3"


def test_first_and_last_pages_have_one_neighbour(paged_site: Path) -> None:
    first = _page(paged_site, "cases").find("nav", class_="case-pages")
    last = _page(paged_site, "cases/page/3").find("nav", class_="case-pages")
    assert first.find("a", rel="prev") is None and first.find("a", rel="next")
    assert last.find("a", rel="next") is None and last.find("a", rel="prev")


def test_page_title_and_count_say_where_the_reader_is(paged_site: Path) -> None:
    page = _page(paged_site, "cases/page/2")
    assert page.h1.get_text() == "Beauties and beasts — 5 cases (page 2 of 3)"
    assert "(this page: 3–4)" in page.find(class_="case-gallery-count").get_text()
    assert page.find("link", rel="canonical")["href"].endswith("/cases/page/2/")


def test_a_listing_that_fits_on_one_page_has_no_pager(paged_site: Path) -> None:
    page = _page(paged_site, "cases/brand/acme")
    assert page.find("nav", class_="case-pages") is None
    assert page.h1.get_text() == "Acme — 1 case"


def test_the_overview_is_drawn_once_per_listing_and_linked_from_its_other_pages(paged_site: Path) -> None:
    # Drawn on every page, a listing's chart was most of the gallery's bytes and render time.
    assert len(_page(paged_site, "cases").select("svg.case-chart circle")) == 5
    assert _page(paged_site, "cases").select_one(".case-overview-link") is None
    for path in ("cases/page/2", "cases/page/3", "cases/by-response-time", "cases/by-response-time/page/2"):
        page = _page(paged_site, path)
        assert page.select_one(".case-overview") is None, path
        link = page.select_one(".case-overview-link a")
        assert link["href"] == "/cases/#overview-title", path
        assert link.get_text() == "Response times of these cases against the 2-hour goal", path
    facet = _page(paged_site, "cases/brand/acme")
    assert len(facet.select("svg.case-chart circle")) == 1
    assert not (paged_site / "cases/brand/acme/by-response-time").exists()


def test_a_paginated_facet_offers_no_order(paged_site: Path) -> None:
    # The script can only sort what one page holds; a facet has no generated fastest-first pages.
    page = _page(paged_site, "cases/verdict/beauty")
    assert page.select_one(".case-order") is None
    assert not page.select_one("[data-engagement-gallery]").has_attr("data-sortable")


def test_facet_links_lead_to_the_first_page(paged_site: Path) -> None:
    page = _page(paged_site, "cases/page/3")
    assert page.find("a", attrs={"data-value": "Echo"})["href"] == "/cases/brand/echo/"


def test_per_page_must_be_positive(tmp_path: Path) -> None:
    write_article(tmp_path / "content" / "articles", "a", "Text.")
    with pytest.raises(Exception, match="GALLERY_PER_PAGE must be greater than 0"):
        build_site(tmp_path, tmp_path / "content", ENGAGEMENT_GALLERY_PER_PAGE=0)


def test_relative_links_match_each_page_depth(tmp_path: Path) -> None:
    block = "```case\nbrand: Acme\nverdict: beauty\n```\n"
    write_article(tmp_path / "content" / "articles", "acme", block, date="2024-03-01 10:00")
    output = build_site(tmp_path, tmp_path / "content", RELATIVE_URLS=True)
    for path in ("cases", "cases/by-response-time", "cases/brand/acme"):
        link = _page(output, path).select_one(".gallery-source a")["href"]
        target = (output / path / link.split("#")[0]).resolve()
        assert (target / "index.html").is_file() or target.is_file(), (path, link)
