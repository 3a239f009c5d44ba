"""What the article page tells other software: JSON-LD, OpenGraph, Twitter card, share links, bio box."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import pytest
from pelican import signals

from tests.site.pages import PAGE_TYPES, SITEURL, html_files, page_url, soup
from tests.support.sites import build_site, write_article

ARTICLE = PAGE_TYPES["article"]
ARTICLE_URL = page_url(ARTICLE)


def json_ld(output: Path, relpath: str) -> list[dict]:
    scripts = soup(output, relpath).find_all("script", type="application/ld+json")
    return [json.loads(script.string) for script in scripts]


def test_article_has_blogposting_json_ld(seed_site: Path) -> None:
    [ld] = json_ld(seed_site, ARTICLE)
    assert ld["@context"] == "https://schema.org"
    assert ld["@type"] == "BlogPosting"
    assert ld["headline"] == "The Beauties and the Beasts of Social Customer Service"
    assert ld["@id"] == ld["url"] == ARTICLE_URL
    assert ld["datePublished"] == "2016-02-15T09:00:00Z"  # a schema.org DateTime (seconds kept), UTC as Z
    assert ld["author"] == {
        "@type": "Person",
        "name": "Matthew Thomas",
        "url": f"{SITEURL}/author/matthew-thomas/",
    }  # no profile links: no empty sameAs
    assert ld["publisher"]["name"] == "CXperience"
    assert "response time" in ld["keywords"]


def test_team_bylines_are_organizations_in_json_ld(seed_site: Path) -> None:
    [ld] = json_ld(seed_site, "2013/04/the-now-of-customer-service/index.html")
    assert ld["author"]["@type"] == "Organization"


def test_every_article_and_only_articles_carry_json_ld(seed_site: Path) -> None:
    with_ld = {relpath for relpath in html_files(seed_site) if json_ld(seed_site, relpath)}
    assert len(with_ld) == 5 and all(relpath[:2] == "20" for relpath in with_ld)


def test_article_has_opengraph_and_twitter_card(seed_site: Path) -> None:
    page = soup(seed_site, ARTICLE)
    meta = {
        tag.get("property") or tag.get("name"): tag["content"] for tag in page.find_all("meta", content=True)
    }
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "The Beauties and the Beasts of Social Customer Service"
    assert meta["og:url"] == ARTICLE_URL
    assert meta["og:description"] == meta["description"]
    # X reads og:title and og:description when its own are absent: no second copy of each.
    assert "twitter:title" not in meta and "twitter:description" not in meta
    assert meta["og:description"].startswith("A single post can alert the masses.")
    assert meta["twitter:card"] == "summary"
    assert meta["article:published_time"].startswith("2016-02-15")
    assert meta["article:author"] == f"{SITEURL}/author/matthew-thomas/"


def test_share_links_are_plain_links_with_the_article_url(seed_site: Path) -> None:
    share = {a.get_text(strip=True): a["href"] for a in soup(seed_site, ARTICLE).select(".share a")}
    assert set(share) == {"X (Twitter)", "Facebook", "LinkedIn", "Mastodon", "E-mail"}
    queries = {label: parse_qs(urlsplit(href).query) for label, href in share.items()}
    assert queries["X (Twitter)"]["url"] == [ARTICLE_URL]
    assert queries["Facebook"]["u"] == [ARTICLE_URL]
    assert queries["LinkedIn"]["url"] == [ARTICLE_URL]
    assert ARTICLE_URL in queries["Mastodon"]["text"][0]
    assert share["E-mail"].startswith("mailto:?")
    assert ARTICLE_URL in queries["E-mail"]["body"][0]
    assert not soup(seed_site, ARTICLE).select(".share script, .share iframe")


def test_article_ends_with_the_author_bio_box(seed_site: Path) -> None:
    box = soup(seed_site, ARTICLE).select_one("main .author-box")
    assert box.h2.get_text(" ", strip=True) == "About Matthew Thomas"
    assert "established the CXperience blog" in box.get_text()


PROFILES = {
    "ann-example": {
        "bio": "Ann writes about <queues>.",
        "type": "Person",
        "links": [("Mastodon", "https://social.example/@ann")],
    }
}


@pytest.fixture(scope="module")
def two_authors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One author with a profile and a social link, one without any profile."""
    root = tmp_path_factory.mktemp("two-authors")
    write_article(root / "content" / "articles", "profiled", author="Ann Example")
    write_article(root / "content" / "articles", "plain", author="Nobody Special")
    write_article(root / "content" / "articles", "unfinished", extra={"Status": "draft"})
    return build_site(root, content=root / "content", AUTHORS_BIO=PROFILES)


def test_author_without_profile_gets_a_box_without_bio(two_authors: Path) -> None:
    box = soup(two_authors, "2024/01/plain/index.html").select_one(".author-box")
    assert box.h2.get_text(" ", strip=True) == "About Nobody Special"
    assert box.find("a", href="/author/nobody-special/")
    assert box.find("p") is None


def test_profile_links_show_in_the_box_and_as_rel_me_on_the_author_page(two_authors: Path) -> None:
    in_article = soup(two_authors, "2024/01/profiled/index.html").select_one(".author-box")
    on_author_page = soup(two_authors, "author/ann-example/index.html").select_one(".author-box")
    for box in (in_article, on_author_page):
        assert "Ann writes about <queues>." in box.get_text()
        assert box.find("a", href="https://social.example/@ann").get_text() == "Ann Example on Mastodon"
    assert "me" not in in_article.find("a", href="https://social.example/@ann").get("rel", [])
    assert on_author_page.find("a", href="https://social.example/@ann")["rel"] == ["me"]
    [ld] = json_ld(two_authors, "2024/01/profiled/index.html")
    assert ld["author"]["sameAs"] == ["https://social.example/@ann"]


# A stand-in for the comments plugin: it passes comment data to the JSON-LD through the documented
# `article.engagement_jsonld` hook. Signals stay connected for the session, so it only acts on builds
# that ask for it.
def _add_engagement_jsonld(generator: object) -> None:
    if not generator.settings.get("TEST_ENGAGEMENT_JSONLD"):  # type: ignore[attr-defined]
        return
    for article in generator.articles:  # type: ignore[attr-defined]
        article.engagement_jsonld = generator.settings["TEST_ENGAGEMENT_JSONLD"]  # type: ignore[attr-defined]


JSONLD_PLUGIN = ModuleType("engagement_jsonld_stand_in")
JSONLD_PLUGIN.register = lambda: signals.article_generator_finalized.connect(_add_engagement_jsonld)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def commented_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("commented")
    write_article(root / "content" / "articles", "talked-about")
    extra = {
        "commentCount": 1,
        "comment": [{"@type": "Comment", "text": "</script><script>alert(1)</script> & <b>"}],
    }
    return build_site(
        root, content=root / "content", PLUGINS=["engagement", JSONLD_PLUGIN], TEST_ENGAGEMENT_JSONLD=extra
    )


def test_plugin_data_is_merged_into_the_json_ld(commented_site: Path) -> None:
    [ld] = json_ld(commented_site, "2024/01/talked-about/index.html")
    assert ld["@type"] == "BlogPosting"
    assert ld["commentCount"] == 1
    assert ld["comment"][0]["text"] == "</script><script>alert(1)</script> & <b>"


def test_reader_text_cannot_break_out_of_the_json_ld_script(commented_site: Path) -> None:
    html = (commented_site / "2024/01/talked-about/index.html").read_text("utf-8")
    assert "alert(1)" in html
    assert "</script><script>alert" not in html
    page = soup(commented_site, "2024/01/talked-about/index.html")
    assert len(page.find_all("script", src=False)) == 1


def test_drafts_ask_search_engines_not_to_index_them(two_authors: Path) -> None:
    draft = soup(two_authors, "drafts/unfinished.html")
    assert draft.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup(two_authors, "2024/01/plain/index.html").find("meta", attrs={"name": "robots"}) is None
