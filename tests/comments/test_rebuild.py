"""``rebuild_threads`` after an approval gives the very pages a full build gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.plugins.engagement.comments.rebuild import RebuildError, rebuild_threads
from pelican.plugins.engagement.store import NewEntry

from tests.comments.helpers import T0, make_site, soup, thread_key, tree_bytes


@pytest.mark.parametrize("minify", [False, True], ids=["as-written", "minified"])
def test_rebuild_after_approval_equals_full_build(tmp_path: Path, minify: bool) -> None:
    site = make_site(tmp_path, ENGAGEMENT_MINIFY_HTML=minify)
    first = site.comment("first-post", "Already there")
    site.comment("second-post", "On another article")
    built = site.build()
    pending = site.comment("first-post", "Now approved", minutes=5, parent=first, status="pending")
    site.store.set_status(pending.id, "approved", actor="test")

    report = rebuild_threads(site.config(), {thread_key("first-post")})

    fresh = site.build(tmp_path / "fresh")
    assert tree_bytes(built) == tree_bytes(fresh)
    assert "2024/01/first-post/index.html" in report.written
    assert "index.html" in report.written  # the list page showing its count


def test_rebuild_touches_only_pages_showing_the_thread(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    built = site.build()
    before = tree_bytes(built)
    site.comment("second-post", "New")

    report = rebuild_threads(site.config(), {thread_key("second-post")})

    after = tree_bytes(built)
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == set(report.written)
    assert "2024/01/first-post/index.html" not in changed
    assert soup(built, "2024/02/second-post").select("li.p-comment")


@pytest.mark.parametrize("minify", [False, True], ids=["as-written", "minified"])
def test_rebuild_when_thread_grows_a_second_page_equals_full_build(tmp_path: Path, minify: bool) -> None:
    site = make_site(tmp_path, ENGAGEMENT_COMMENTS_PER_PAGE=2, ENGAGEMENT_MINIFY_HTML=minify)
    for minute in range(2):
        site.comment("first-post", f"Comment {minute}", minutes=minute)
    built = site.build()
    site.comment("first-post", "The third one", minutes=10)

    rebuild_threads(site.config(), {thread_key("first-post")})

    assert (built / "2024/01/first-post/comments/page/2/index.html").is_file()
    assert tree_bytes(built) == tree_bytes(site.build(tmp_path / "fresh"))


def test_rebuild_removes_pages_a_shrunk_thread_no_longer_has(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_COMMENTS_PER_PAGE=1)
    entries = [site.comment("first-post", f"Comment {n}", minutes=n) for n in range(2)]
    built = site.build()
    assert (built / "2024/01/first-post/comments/page/2/index.html").is_file()
    site.store.set_status(entries[1].id, "rejected", actor="test")

    rebuild_threads(site.config(), {thread_key("first-post")})

    assert not (built / "2024/01/first-post/comments").exists()
    assert tree_bytes(built) == tree_bytes(site.build(tmp_path / "fresh"))


def test_rebuild_refuses_other_render_settings(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.build()
    with pytest.raises(RebuildError, match=r"site_url"):
        rebuild_threads(site.config(SITEURL="https://elsewhere.example"), {thread_key("first-post")})


def test_rebuild_skips_threads_the_build_does_not_know(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.build()
    report = rebuild_threads(site.config(), {"2099/01/no-such-article/"})
    assert report.skipped == {"2099/01/no-such-article/": "not an article of the last build"}
    assert report.written == []


def test_rebuild_without_a_build_says_to_build_first(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with pytest.raises(RebuildError, match="build the site once"):
        rebuild_threads(site.config(), {thread_key("first-post")})


def test_rebuild_removes_the_feed_of_a_thread_left_without_comments(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    entry = site.comment("first-post", "Only one")
    built = site.build()
    feed = built / "feeds/comments/2024/01/first-post.atom.xml"
    assert feed.is_file()
    site.store.set_status(entry.id, "spam", actor="test")

    rebuild_threads(site.config(), {thread_key("first-post")})

    assert not feed.exists()
    assert tree_bytes(built) == tree_bytes(site.build(tmp_path / "fresh"))


def test_concurrent_rebuilds_keep_both_approvals(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    site = make_site(tmp_path)
    built = site.build()
    site.comment("first-post", "One")
    site.comment("second-post", "Two")
    config = site.config()
    with ThreadPoolExecutor(2) as pool:
        slugs = ["first-post", "second-post"]
        list(pool.map(lambda slug: rebuild_threads(config, {thread_key(slug)}), slugs))

    counts = [a.get_text() for a in soup(built, "").select("a.eg-count")]
    assert counts.count("1 reply") == 2


def test_full_build_over_old_output_clears_pages_a_thread_lost(tmp_path: Path) -> None:
    site = make_site(tmp_path, ENGAGEMENT_COMMENTS_PER_PAGE=1, DELETE_OUTPUT_DIRECTORY=False)
    entries = [site.comment("first-post", f"Comment {n}", minutes=n) for n in range(2)]
    built = site.build()
    site.store.set_status(entries[1].id, "deleted", actor="test")
    site.build()
    assert not (built / "2024/01/first-post/comments").exists()


def test_rebuild_publishes_the_photo_of_a_new_like(tmp_path: Path) -> None:
    """An approved like's photo (stored by verification after the last build) must be in the
    output after the fast update, or the page shows a broken image until the next full build."""
    site = make_site(tmp_path)
    built = site.build()
    photo = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
    (site.content / "avatars").mkdir()
    (site.content / "avatars" / "0123abcd.png").write_bytes(photo)
    site.store.add(NewEntry(
        thread=thread_key("first-post"), kind="webmention", mention_type="like", status="approved",
        author_name="Liker", author_url="https://liker.example/", author_photo="0123abcd.png",
        source_url="https://liker.example/likes/1", created_at=T0,
    ))

    rebuild_threads(site.config(), {thread_key("first-post")})

    page = (built / "2024/01/first-post/index.html").read_text()
    assert "/engagement/avatars/0123abcd.png" in page
    assert (built / "engagement/avatars/0123abcd.png").read_bytes() == photo
    assert tree_bytes(built) == tree_bytes(site.build(tmp_path / "fresh"))
