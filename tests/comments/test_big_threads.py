"""A thread of a thousand comments: paginated, every comment reachable by its permalink."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pelican.plugins.engagement.settings import EngagementSettings

from tests.comments.helpers import make_site, many_comments, soup, thread_key

PAGE = "2024/01/first-post"


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    site = make_site(tmp_path_factory.mktemp("big"), ENGAGEMENT_COMMENTS_PER_PAGE=100)
    entries = many_comments(site, "first-post", 1000, replies_every=4)  # 750 top-level, 250 replies
    return site.build(), entries


def test_top_level_comments_are_split_into_pages(big_site: tuple[Path, list]) -> None:
    output, _ = big_site
    first = soup(output, PAGE)
    assert len(first.select("ol.eg-thread > li.p-comment")) == 100
    assert first.select_one("#comments-title").get_text(strip=True) == "1000 replies"
    links = [a["href"] for a in first.select("nav.eg-pages")[0].select("a")]
    assert len(links) == 7 and links[0].endswith(f"{PAGE}/comments/page/2/#comments")
    last = soup(output, f"{PAGE}/comments/page/8")
    assert len(last.select("ol.eg-thread > li.p-comment")) == 50
    assert last.select_one('[aria-current="page"]').get_text() == "8"


def test_each_comment_is_on_exactly_the_page_the_index_names(big_site: tuple[Path, list]) -> None:
    output, entries = big_site
    index = json.loads((output / PAGE / "comments/index.json").read_text("utf-8"))
    for entry in [entries[0], entries[399], entries[999]]:
        anchor = f"comment-{entry.id}"
        pages = output.glob(f"{PAGE}/**/index.html")
        holding = [p for p in pages if soup(p.parent, "").find(id=anchor) is not None]
        assert len(holding) == 1, anchor
        folder = str(holding[0].parent.relative_to(output))
        assert index[str(entry.id)] == f"http://127.0.0.1:8000/{folder}/"
        permalink = soup(output, folder).select_one(f"#{anchor} > p > a.u-url:not(.p-author)")["href"]
        assert permalink == f"#{anchor}"


def test_comment_index_maps_every_comment_to_its_page(big_site: tuple[Path, list]) -> None:
    output, entries = big_site
    index = json.loads((output / PAGE / "comments/index.json").read_text("utf-8"))
    assert len(index) == 1000
    assert index[str(entries[-1].id)] == f"http://127.0.0.1:8000/{PAGE}/comments/page/8/"
    assert index[str(entries[0].id)] == f"http://127.0.0.1:8000/{thread_key('first-post')}"


def test_comment_pages_keep_the_article_and_carry_their_own_jsonld(big_site: tuple[Path, list]) -> None:
    output, _ = big_site
    page = soup(output, f"{PAGE}/comments/page/3")
    assert page.h1.get_text(strip=True) == "First Post"
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["commentCount"] == 1000
    assert len(data["comment"]) == EngagementSettings().COMMENT_JSONLD_ITEMS  # the default cap
    assert all("/comments/page/3/#comment-" in item["@id"] for item in data["comment"])


def test_long_reply_chains_are_folded(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_COMMENT_COLLAPSE_REPLIES=3)
    busy = site.comment("first-post", "Busy")
    for n in range(4):
        site.comment("first-post", f"Reply {n}", minutes=n + 1, parent=busy)
    quiet = site.comment("first-post", "Quiet", minutes=10)
    site.comment("first-post", "Only reply", minutes=11, parent=quiet)
    page = soup(site.build(), PAGE)

    fold = page.select_one(f"#comment-{busy.id} > details.eg-fold")
    assert fold is not None and fold.summary.get_text(strip=True) == "Show 4 replies"
    assert len(fold.select("li.p-comment")) == 4
    assert page.select_one(f"#comment-{quiet.id} > details") is None
