"""Every page type the theme renders: present, titled, canonical, in the navigation, paginated."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.pages import PAGE_TYPES, SITEURL, html_files, page_url, soup

HEADINGS = {
    "index": "Latest articles",
    "article": "The Beauties and the Beasts of Social Customer Service",
    "page": "About",
    "event": "Understanding is Underused in Customer Service",
    "category": "Category: Customer Experience",
    "tag": "Tag: response time",
    "author": "Matthew Thomas",
    "authors": "Authors",
    "categories": "Categories",
    "tags": "Tags",
    "archives": "Archives",
    "search": "Search",
    "404": "Page not found",
}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_renders_with_its_heading(seed_site: Path, kind: str) -> None:
    page = soup(seed_site, PAGE_TYPES[kind])
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == [HEADINGS[kind]]
    assert page.select_one("main#main") and page.select_one("header.site-header nav")
    assert page.select_one("a.skip-link")["href"] == "#main"


def test_every_page_has_one_h1_a_title_a_description_and_a_language(seed_site: Path) -> None:
    """Also catches Markdown turning a line that starts with a #hashtag into a heading."""
    faults = []
    for relpath in html_files(seed_site):
        page = soup(seed_site, relpath)
        description = page.find("meta", attrs={"name": "description"})
        if len(page.find_all("h1")) != 1:
            faults.append(f"{relpath}: {len(page.find_all('h1'))} <h1>")
        if not (page.title and page.title.get_text(strip=True)):
            faults.append(f"{relpath}: no <title>")
        if not (description and description["content"].strip()):
            faults.append(f"{relpath}: no description")
        if not page.html.get("lang"):
            faults.append(f"{relpath}: no lang")
    assert faults == []


def assert_canonical_links_point_to_themselves(output: Path) -> None:
    for relpath in html_files(output):
        canonical = soup(output, relpath).find_all("link", rel="canonical")
        assert len(canonical) == 1, relpath
        assert canonical[0]["href"] == page_url(relpath), relpath
        assert soup(output, relpath).find("meta", property="og:url")["content"] == page_url(relpath)


def test_every_page_has_an_absolute_canonical_link_to_itself(seed_site: Path) -> None:
    assert_canonical_links_point_to_themselves(seed_site)


def test_paginated_and_period_pages_have_their_own_canonical_link(paged_site: Path) -> None:
    assert_canonical_links_point_to_themselves(paged_site)


def test_period_archives_name_their_period(paged_site: Path) -> None:
    assert soup(paged_site, "2013/index.html").h1.get_text(strip=True) == "Archives: 2013"
    month = soup(paged_site, "2013/04/index.html")
    assert month.h1.get_text(strip=True) == "Archives: April 2013"
    assert [a.get_text(strip=True) for a in month.select("main li a")] == ["The “Now” of Customer Service"]


def test_navigation_marks_the_current_section(seed_site: Path) -> None:
    for kind, label in [("archives", "Archives"), ("tag", "Tags"), ("author", "Authors"), ("page", "About")]:
        current = soup(seed_site, PAGE_TYPES[kind]).select('nav.site-nav a[aria-current="page"]')
        assert [a.get_text(strip=True) for a in current] == [label], kind


def test_archives_group_articles_by_year_newest_first(seed_site: Path) -> None:
    years = [h2.get_text(strip=True) for h2 in soup(seed_site, PAGE_TYPES["archives"]).select("main h2")]
    assert years == ["2016", "2014", "2013", "2012"]


def test_author_page_shows_the_profile_from_authors_bio(seed_site: Path) -> None:
    page = soup(seed_site, PAGE_TYPES["author"])
    assert "Lead Author & Editor of CXperience Blog" in page.select_one(".author-box").get_text()
    assert page.find(
        "link",
        rel="alternate",
        type="application/atom+xml",
        href="/feeds/author/matthew-thomas.atom.xml",
    )


def test_index_paginates_with_prev_and_next(paged_site: Path) -> None:
    first, second = soup(paged_site, "index.html"), soup(paged_site, "page/2/index.html")
    assert len(first.select(".article-summary")) == 2
    assert first.select_one('.pagination a[rel="next"]')["href"] == "/page/2/"
    assert second.select_one('.pagination a[rel="prev"]')["href"] == "/"
    assert second.find("link", rel="canonical")["href"] == f"{SITEURL}/page/2/"
    assert (paged_site / "page/3/index.html").is_file()
    assert not (paged_site / "page/4").exists()


def test_category_pages_paginate_under_their_own_url(paged_site: Path) -> None:
    second = soup(paged_site, "category/social-customer-service/page/2/index.html")
    assert (
        second.find("link", rel="canonical")["href"] == f"{SITEURL}/category/social-customer-service/page/2/"
    )
    assert (
        second.select_one('.pagination a[rel="prev"]')["href"]
        == "/category/social-customer-service/"
    )
