"""The case galleries: every case, facet pages per brand/platform/verdict, response-time order."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.sites import build_site, write_article


def _case(brand: str, verdict: str, platform: str = "", minutes: int | None = None) -> str:
    lines = [f"brand: {brand}", f"verdict: {verdict}"]
    if platform:
        lines.append(f"platform: {platform}")
    if minutes is not None:
        lines.append(f"response_time: {minutes} minutes")
    return "```case\n" + "\n".join(lines) + "\n```\n"


@pytest.fixture(scope="module")
def gallery_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gallery")
    articles = root / "content" / "articles"
    write_article(articles, "older", _case("Tesco", "beauty", "Facebook", 30)
                  + "\n" + _case("Acme", "beast", "Twitter", 600), date="2023-05-01 10:00")
    write_article(articles, "newer", _case("Tesco", "beast", "Twitter", 5) + "\n" + _case("Zed", "beauty"),
                  date="2024-02-01 10:00")
    return build_site(root, root / "content")


def _items(output: Path, path: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup((output / path / "index.html").read_text("utf-8"), "html.parser")
    return [(item["data-brand"], item["data-verdict"]) for item in soup.select(".gallery-item")]


def test_gallery_alternates_beauties_and_beasts_whatever_their_counts(gallery_site: Path) -> None:
    assert _items(gallery_site, "cases") == [("Zed", "beauty"), ("Tesco", "beast"),
                                             ("Tesco", "beauty"), ("Acme", "beast")]


def test_balanced_order_puts_the_longer_side_after_the_pairs() -> None:
    from types import SimpleNamespace

    from pelican.plugins.engagement.cases.galleries import balanced

    items = [SimpleNamespace(case=SimpleNamespace(verdict=v), name=n)
             for n, v in (("a", "beauty"), ("b", "beauty"), ("c", "beauty"), ("d", "beast"), ("e", ""))]
    assert [item.name for item in balanced(items)] == ["a", "d", "b", "c", "e"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("cases/brand/tesco", [("Tesco", "beast"), ("Tesco", "beauty")]),
        ("cases/platform/twitter", [("Tesco", "beast"), ("Acme", "beast")]),
        ("cases/verdict/beauty", [("Zed", "beauty"), ("Tesco", "beauty")]),
    ],
)
def test_facet_pages_list_the_right_cases(gallery_site: Path, path: str, expected: list) -> None:
    assert sorted(_items(gallery_site, path)) == sorted(expected)


def test_facets_leave_out_values_nobody_recorded(gallery_site: Path) -> None:
    soup = BeautifulSoup((gallery_site / "cases/index.html").read_text("utf-8"), "html.parser")
    platforms = [a.get_text(" ", strip=True) for a in soup.select('.case-facet[data-facet="platform"] a')]
    assert platforms == ["Facebook 1", "Twitter 2"]
    assert not (gallery_site / "cases/platform/not-recorded").exists()


def test_titles_read_naturally(gallery_site: Path) -> None:
    soup = BeautifulSoup((gallery_site / "cases/brand/tesco/index.html").read_text("utf-8"), "html.parser")
    assert soup.h1.get_text() == "Tesco — 2 cases"
    assert soup.title.get_text().startswith("Tesco — 2 cases · ")
    fastest = BeautifulSoup((gallery_site / "cases/by-response-time/index.html").read_text("utf-8"),
                            "html.parser")
    assert fastest.h1.get_text() == "Beauties and beasts — 4 cases, fastest reply first"


def test_response_time_order_puts_the_fastest_first_and_unknown_last(gallery_site: Path) -> None:
    page = gallery_site / "cases/by-response-time/index.html"
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    order = [item.get("data-response-seconds") for item in soup.select(".gallery-item")]
    assert order == ["300", "1800", "36000", None]


def test_every_case_links_back_to_its_card_in_the_article(gallery_site: Path) -> None:
    soup = BeautifulSoup((gallery_site / "cases/index.html").read_text("utf-8"), "html.parser")
    for link in soup.select(".gallery-source a:first-child"):
        page, anchor = link["href"].removeprefix("/").split("#")
        article = BeautifulSoup((gallery_site / page / "index.html").read_text("utf-8"), "html.parser")
        assert article.find(id=anchor) is not None, link["href"]


def test_gallery_cards_have_ids_unique_on_the_page(gallery_site: Path) -> None:
    soup = BeautifulSoup((gallery_site / "cases/index.html").read_text("utf-8"), "html.parser")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_facet_links_mark_the_current_page(gallery_site: Path) -> None:
    soup = BeautifulSoup((gallery_site / "cases/by-response-time/index.html").read_text("utf-8"),
                         "html.parser")
    current = soup.select('.case-filter [aria-current="page"]')
    assert [a.get_text(" ", strip=True) for a in current] == ["All 4", "Fastest reply"]
    # A facet has one generated order: its link leads there from either order of all cases.
    acme = soup.find("a", attrs={"data-value": "Acme"})
    assert acme["href"] == "/cases/brand/acme/"
    soup = BeautifulSoup((gallery_site / "cases/brand/tesco/index.html").read_text("utf-8"), "html.parser")
    current = soup.select('.case-filter [aria-current="page"]')
    assert [a.get_text(" ", strip=True) for a in current] == ["Tesco 2", "Newest"]


def test_a_facet_page_has_one_order_which_the_script_may_sort(gallery_site: Path) -> None:
    assert not list(gallery_site.glob("cases/*/*/by-response-time"))
    soup = BeautifulSoup((gallery_site / "cases/brand/tesco/index.html").read_text("utf-8"), "html.parser")
    assert soup.select_one("[data-engagement-gallery]").has_attr("data-sortable")
    order = soup.select_one(".case-order")
    assert order.has_attr("hidden")  # without the script there is nothing to sort with
    assert [a["href"] for a in order("a")] == ["/cases/brand/tesco/",
                                               "/cases/brand/tesco/?order=fastest"]
    everything = BeautifulSoup((gallery_site / "cases/index.html").read_text("utf-8"), "html.parser")
    assert not everything.select_one(".case-order").has_attr("hidden")


def test_navigation_links_to_the_gallery(gallery_site: Path) -> None:
    soup = BeautifulSoup((gallery_site / "index.html").read_text("utf-8"), "html.parser")
    assert soup.find("nav").find("a", href="/cases/")


def test_gallery_can_be_turned_off(tmp_path: Path) -> None:
    write_article(tmp_path / "content" / "articles", "a", _case("Tesco", "beauty"))
    output = build_site(tmp_path, tmp_path / "content", ENGAGEMENT_GALLERY=False)
    assert not (output / "cases").exists()
    assert "/cases/" not in (output / "index.html").read_text("utf-8")


def test_seed_gallery_has_every_seed_case(seed_site: Path) -> None:
    brands = {brand for brand, _verdict in _items(seed_site, "cases")}
    assert brands == {"Sainsbury's", "Tesco", "Domino's", "JetBlue", "Pigalle Boston", "British Airways"}
    assert {b for b, _v in _items(seed_site, "cases/verdict/beast")} == {"Pigalle Boston", "British Airways"}


def test_article_gallery_groups_the_articles_cases(seed_site: Path) -> None:
    page = seed_site / "2016/02/beauties-and-beasts-of-social-customer-service/index.html"
    nav = BeautifulSoup(page.read_text("utf-8"), "html.parser").find("nav", class_="case-gallery-article")
    groups = {column.strong.get_text(): [a.get_text() for a in column.find_all("a")]
              for column in nav.select(".case-column")}
    assert groups == {"The Beauties": ["Domino's", "JetBlue"],
                      "The Beasts": ["Pigalle Boston", "British Airways"]}
    assert nav.find("a", href="http://127.0.0.1:8000/cases/").get_text() == "Every case from every article"


def test_site_without_cases_has_no_gallery_link(tmp_path: Path) -> None:
    write_article(tmp_path / "content" / "articles", "plain", "No cases here.")
    output = build_site(tmp_path, tmp_path / "content")
    assert "/cases/" not in (output / "index.html").read_text("utf-8")
    assert "No cases yet." in (output / "cases" / "index.html").read_text("utf-8")


def test_home_page_strip_shows_the_latest_cases_in_turn(seed_site: Path) -> None:
    soup = BeautifulSoup((seed_site / "index.html").read_text("utf-8"), "html.parser")
    strip = soup.select_one("section.case-strip")
    items = strip.select(".strip-item")
    verdicts = [item.select_one(".case-verdict").get_text() for item in items]
    assert verdicts == ["Beauty", "Beast", "Beauty", "Beast"]
    for link in strip.select(".strip-item a"):
        page, anchor = link["href"].removeprefix("/").split("#")
        article = BeautifulSoup((seed_site / page / "index.html").read_text("utf-8"), "html.parser")
        assert article.find(id=anchor) is not None, link["href"]
    assert soup.find("h1").find_previous("section") is strip  # above the article list


def test_article_summaries_say_how_many_cases_they_hold(seed_site: Path) -> None:
    soup = BeautifulSoup((seed_site / "index.html").read_text("utf-8"), "html.parser")
    counts = {summary.h2.get_text(strip=True): summary.select_one(".case-count-summary")
              for summary in soup.select(".article-summary")}
    assert counts["The Beauties and the Beasts of Social Customer Service"].get_text() == "4 cases"
    assert counts["Understanding Customer Service: A Social Media Tale"].get_text() == "2 cases"
    assert counts["Customer service in a social world"] is None
