"""Case blocks in real builds: the card, its accessibility hooks, errors, and theme overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.cases.conftest import build_lenient
from tests.cases.standin import PNG
from tests.support.sites import THEME, build_site, write_article

CASE = """Before.

```case
brand: JetBlue
platform: Twitter
customer: Ryan
customer_handle: @ryan
customer_said: My flight was delayed.
customer_at: 2016-02-01 09:00
brand_said: We are sorry, Ryan.
replied_at: 2016-02-01 09:12
verdict: beauty
lesson: Apologize, then follow up.
screenshot: {static}/images/shot.png
alt: The exchange on Twitter
```

After.
"""


def _site(root: Path, body: str = CASE) -> Path:
    content = root / "content"
    write_article(content / "articles", "story", body)
    (content / "images").mkdir(parents=True, exist_ok=True)
    (content / "images" / "shot.png").write_bytes(PNG)
    return content


def _card(output: Path) -> BeautifulSoup:
    page = BeautifulSoup((output / "2024/01/story/index.html").read_text("utf-8"), "html.parser")
    return page.find("figure", class_="case-card")


def test_case_renders_as_an_accessible_card(tmp_path: Path) -> None:
    card = _card(build_site(tmp_path, _site(tmp_path)))
    assert card["id"] == "case-jetblue" and "h-cite" in card["class"]
    assert card.select_one(".case-timing time")["datetime"] == "PT12M"
    assert card.select_one(".case-timing time").get_text() == "12 minutes"
    turns = [li["class"] for li in card.select(".case-exchange > li")]
    assert turns == [["case-post"], ["case-timing", "case-within"], ["case-post"]]  # the line has a grade
    assert card.find(class_="p-author").get_text(" ", strip=True) == "Ryan @ryan"


def test_posts_show_avatar_name_handle_platform_and_time(tmp_path: Path) -> None:
    card = _card(build_site(tmp_path, _site(tmp_path)))
    customer, reply = card.select(".case-post")
    head = customer.select_one(".post-head")
    assert head["data-initials"] == "R"  # a monogram drawn locally (by CSS, from the head's attributes)
    assert any(name.startswith("eg-hue-") for name in head["class"])
    assert customer.select_one(".post-head > svg")["aria-hidden"] == "true"  # "on Twitter" is in the head
    assert customer.select_one("blockquote.e-content").get_text() == "My flight was delayed."
    assert customer.select_one("time.dt-published")["datetime"] == "2016-02-01T09:00"
    assert reply.select_one(".post-head > span > b").get_text() == "JetBlue"
    assert reply.select_one(".post-head")["data-initials"] == "J"
    assert reply.select_one("time")["datetime"] == "2016-02-01T09:12"


def test_platform_marks_are_drawn_once_per_page(tmp_path: Path) -> None:
    output = build_site(tmp_path, _site(tmp_path))
    page = BeautifulSoup((output / "2024/01/story/index.html").read_text("utf-8"), "html.parser")
    uses = [use["href"] for use in page.select(".post-head > svg > use")]
    assert uses == ["#eg-mark-x", "#eg-mark-x"]  # the customer's post and the brand's reply
    (sprite,) = page.select("svg.eg-marks")
    assert [symbol["id"] for symbol in sprite.select("symbol")] == ["eg-mark-x"]
    assert sprite["aria-hidden"] == "true" and sprite.symbol.path["d"]
    # The sprite comes before the first card, so a summary that keeps the card keeps its marks.
    assert str(page).index('class="eg-marks"') < str(page).index('class="case-card')


def test_only_the_stylesheets_a_page_needs_are_linked(tmp_path: Path) -> None:
    with_shot = (build_site(tmp_path, _site(tmp_path)) / "2024/01/story/index.html").read_text("utf-8")
    assert "/engagement/cases.css" in with_shot and "/engagement/case-media.css" in with_shot
    plain = _site(tmp_path / "plain", "```case\nbrand: Acme\nverdict: beauty\n```\n")
    page = (build_site(tmp_path / "plain", plain) / "2024/01/story/index.html").read_text("utf-8")
    assert "/engagement/case-media.css" not in page and "/engagement/case-list.css" not in page
    assert "eg-marks" not in page  # a summary card shows no mark


def test_response_time_badge_is_graded_against_the_goal(tmp_path: Path) -> None:
    card = _card(build_site(tmp_path, _site(tmp_path)))
    line = card.select_one(".case-timing")
    assert "case-within" in line["class"]
    badge = line.select_one(":scope > span")
    assert badge.get_text(" ", strip=True) == "Replied in 12 minutes · within the 2-hour goal"
    late = _card(build_site(tmp_path / "late", _site(tmp_path / "late"), ENGAGEMENT_RESPONSE_GOAL="10 min",
                            ENGAGEMENT_RESPONSE_GOAL_SLACK=1))
    assert "case-beyond" in late.select_one(".case-timing")["class"]
    assert late.select_one(".case-timing > span > :last-child").get_text() == "· over 1× the 10-minute goal"


def test_verdict_and_lesson_are_labelled(tmp_path: Path) -> None:
    card = _card(build_site(tmp_path, _site(tmp_path)))
    assert card.select_one(".case-head .case-verdict").get_text() == "Beauty"
    assert card.select_one(".case-lesson").get_text(" ", strip=True) == "Lesson Apologize, then follow up."


def test_the_head_gives_the_search_its_filters(tmp_path: Path) -> None:
    """Pagefind (plugins/site_search.py) files the article under the words the head shows: the
    verdict and the brand as printed, the platform after the brand's; a rating is no verdict."""
    rated = "\n```case\nbrand: Acme\nrating: 4\n```\n"
    page = BeautifulSoup((build_site(tmp_path, _site(tmp_path, CASE + rated)) / "2024/01/story/index.html")
                         .read_text("utf-8"), "html.parser")
    heads = [{span.get_text(): span.get("data-pagefind-filter") for span in head.find_all("span")}
             for head in page.select(".case-head")]
    assert heads == [{"Beauty": "verdict", "JetBlue": "brand, platform:Twitter", "on Twitter": None},
                     {"Rated 4 of 5": None, "Acme": "brand"}]


def test_screenshot_is_lazy_and_opens_in_a_dialog(tmp_path: Path) -> None:
    output = build_site(tmp_path, _site(tmp_path))
    card = _card(output)
    link = card.find("a", attrs={"data-engagement-lightbox": True})
    assert link["href"] == "http://127.0.0.1:8000/images/shot.png"  # {static} resolved by Pelican
    assert link.img["loading"] == "lazy" and link.img["alt"] == "The exchange on Twitter"
    assert (link.img["width"], link.img["height"]) == ("1", "1")  # space reserved before it loads
    dialog = card.find("dialog", id=link["data-engagement-lightbox"])
    assert dialog["aria-label"] == "Screenshot: The exchange on Twitter"
    assert dialog.find("button", class_="case-lightbox-close").get_text() == "Close"
    page = BeautifulSoup((output / "2024/01/story/index.html").read_text("utf-8"), "html.parser")
    assert page.find("script", src="http://127.0.0.1:8000/engagement/cases.js") is not None
    assert (output / "engagement" / "cases.js").is_file() and (output / "engagement" / "cases.css").is_file()


def test_case_without_quotes_is_a_summary_card_linking_to_its_section(tmp_path: Path) -> None:
    body = ("## Pigalle Boston\n\n```case\nbrand: Pigalle Boston\nverdict: beast\n"
            "lesson: Hold your temper.\n```\n")
    card = _card(build_site(tmp_path, _site(tmp_path, body)))
    assert "case-summary" in card["class"]
    assert not card.select(".case-exchange, .case-shot, .case-timing")
    assert card.get_text(" ", strip=True) == (
        "Beast Pigalle Boston Lesson Hold your temper. Read the story of Pigalle Boston")
    assert card.select_one(".case-story a")["href"] == "http://127.0.0.1:8000/2024/01/story/#pigalle-boston"


def test_summary_card_without_a_section_has_no_story_link(tmp_path: Path) -> None:
    card = _card(build_site(tmp_path, _site(tmp_path, "```case\nbrand: Acme\nverdict: beauty\n```\n")))
    assert card.get_text(" ", strip=True) == "Beauty Acme"


def test_one_sided_case_shows_only_what_was_said(tmp_path: Path) -> None:
    body = "```case\nbrand: Acme\nverdict: beast\ncustomer_said: Where is my parcel?\n```\n"
    card = _card(build_site(tmp_path, _site(tmp_path, body)))
    (post,) = card.select(".case-exchange > li")
    assert post.select_one("blockquote.e-content").get_text() == "Where is my parcel?"  # the customer's
    assert card.select_one(".post-head .p-name").get_text() == "The customer"


def test_malformed_case_fails_the_build_naming_file_line_and_field(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = _site(tmp_path, CASE.replace("verdict: beauty", "verdict: lovely"))
    with pytest.raises(RuntimeError):
        build_site(tmp_path, content)
    source = content / "articles" / "story.md"
    assert any(f"{source}:18: field 'verdict': 'lovely' is not one of: beauty, beast" in message
               for message in caplog.messages)


def test_malformed_case_fails_even_without_fatal_warnings(tmp_path: Path) -> None:
    from pelican.plugins.engagement.build import EngagementBuildError

    body = "```case\nbrand: B\nverdict: beauty\nscreenshot: {static}/images/shot.png\n```\n"
    content = _site(tmp_path, body)
    with pytest.raises(EngagementBuildError, match=r"story\.md:10: field 'alt'"):
        build_lenient(tmp_path, content)


def test_unclosed_case_block_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    content = _site(tmp_path, "Text.\n\n```case\nbrand: B\nverdict: beauty\n")
    with pytest.raises(RuntimeError):
        build_site(tmp_path, content)
    assert any("story.md:9: case block: this case block is never closed" in m for m in caplog.messages)


def test_site_theme_overrides_the_card_fragment(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    override = theme / "templates" / "engagement"
    override.mkdir(parents=True, exist_ok=True)
    fragment = '<aside class="my-case" id="{{ case.anchor }}">{{ case.brand }}</aside>'
    (override / "case.html").write_text(fragment)
    output = build_site(tmp_path, _site(tmp_path), THEME=str(theme))
    page = BeautifulSoup((output / "2024/01/story/index.html").read_text("utf-8"), "html.parser")
    assert page.find("aside", class_="my-case").get_text() == "JetBlue"
    assert not page.find("figure", class_="case-card")


def test_seed_articles_render_their_cases(seed_site: Path) -> None:
    brands = []
    for page in ("2014/06/understanding-customer-service-a-social-media-tale",
                 "2016/02/beauties-and-beasts-of-social-customer-service"):
        soup = BeautifulSoup((seed_site / page / "index.html").read_text("utf-8"), "html.parser")
        cards = soup.find_all("figure", class_="case-card")
        brands += [card.select_one('.case-head [data-pagefind-filter^="brand"]').get_text() for card in cards]
        assert "CASE MARKER" not in str(soup)
    assert brands == ["Sainsbury's", "Tesco", "Domino's", "JetBlue", "Pigalle Boston", "British Airways"]


def test_cases_survive_pelicans_content_cache(tmp_path: Path) -> None:
    content = _site(tmp_path)
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": "reader"}
    build_site(tmp_path, content, **cache)
    card = _card(build_site(tmp_path, content, **cache))  # the second build reads from the cache
    assert card["id"] == "case-jetblue"
    assert (tmp_path / "output" / "cases" / "brand" / "jetblue" / "index.html").is_file()


def test_card_is_an_h_cite_for_microformats_readers(tmp_path: Path) -> None:
    import mf2py

    output = build_site(tmp_path, _site(tmp_path))
    parsed = mf2py.parse(doc=(output / "2024/01/story/index.html").read_text("utf-8"))
    entry = next(item for item in parsed["items"] if "h-entry" in item["type"])
    cites = [child for child in entry.get("children", []) if "h-cite" in child["type"]]
    cite = cites[0]["properties"]
    assert cite["author"][0]["properties"]["nickname"] == ["@ryan"]
    assert cite["published"] == ["2016-02-01T09:00"]
    assert cite["content"][0]["value"] == "My flight was delayed."
