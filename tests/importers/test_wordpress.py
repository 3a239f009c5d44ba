"""WordPress exports (WXR 1.0, 1.1, 1.2) imported into real content folders and a real store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pelican.plugins.engagement.importers import ImportFormatError
from pelican.plugins.engagement.importers.wordpress import import_wordpress, read_wxr, to_markdown
from pelican.plugins.engagement.store import Entry, Store

from tests.importers.exports import Comment, Post, write, wxr
from tests.support.sites import site_settings

VERSIONS = ("1.0", "1.1", "1.2")
NOW_KEY = "2013/04/the-now-of-customer-service/"
SOCIAL_KEY = "2013/09/customer-service-in-a-social-world/"


def blog() -> list[Post]:
    now = Post(1, "The &#8220;Now&#8221; of Customer Service", "the-now-of-customer-service",
               tags=("Twitter", "immediacy"), comments=[
        Comment(10, author="Zoë Ångström", url="https://zoe.example/",
                content="Ça marche — 日本語.\n\n<script>alert(1)</script><b>bold</b> and "
                        '<a href="javascript:x">x</a>'),
        Comment(12, author="Third", parent=11, content="A reply to a reply, listed before its parent."),
        Comment(11, author="Second", parent=10, content="A reply."),
        Comment(13, author="Waiting", approved="0"),
        Comment(14, author="Spammer", approved="spam", content="Buy now"),
        Comment(15, author="Binned", approved="trash"),
        Comment(16, author="Other Blog » A post about you", type="pingback",
                url="https://other.example/post/", content="[&#8230;] they linked here [&#8230;]"),
        Comment(17, author="Trackback Blog", type="trackback", url="https://tb.example/entry",
                content="<strong>Their entry title</strong>\n\nAn excerpt of it."),
        Comment(18, author="", email=None, url=None, date_gmt=None, content="No name, mail or GMT date."),
        Comment(19, author="CDATA", content="Code: a[b[0]]> c and ]]> inside."),
    ])
    social = Post(2, "Customer service in a social world", "customer-service-in-a-social-world",
                  date="2013-09-17 08:30:00", categories=("Social Customer Service", "Listening"),
                  comment_status="closed", excerpt="Listen. <b>Analyze</b>. Reply.",
                  content="<h2>So…</h2>\nWhat makes <strong>great</strong> service?\n\n<ul><li>one</li></ul>")
    about = Post(3, "About", "about", post_type="page", categories=(), comments=[Comment(30)])
    attachment = Post(4, "photo", "photo", post_type="attachment", status="inherit")
    binned = Post(5, "Old draft", "old-draft", status="trash", comments=[Comment(50)])
    return [now, social, about, attachment, binned]


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "content").mkdir()
    return site_settings(tmp_path, tmp_path / "content")


def run(tmp_path: Path, store: Store, settings: dict[str, Any], version: str = "1.2", **flags: Any):
    export = write(tmp_path / f"wordpress-{version}.xml", wxr(version, blog()))
    return import_wordpress(export, store, settings, articles_dir=tmp_path / "content" / "articles",
                            pages_dir=tmp_path / "content" / "pages", **flags)


def by_author(store: Store) -> dict[str, Entry]:
    return {entry.author_name: entry for entry in store.list()}


@pytest.mark.parametrize("version", VERSIONS)
def test_every_wxr_version_is_read(tmp_path: Path, version: str) -> None:
    export = read_wxr(write(tmp_path / "export.xml", wxr(version, blog())))
    assert export.version == version
    assert export.site_url == "https://old.example.com"
    assert [p.slug for p in export.posts][:3] == ["the-now-of-customer-service",
                                                  "customer-service-in-a-social-world", "about"]
    assert len(export.posts[0].comments) == 10


@pytest.mark.parametrize("version", VERSIONS)
def test_posts_become_markdown_articles(tmp_path: Path, store: Store, settings: dict[str, Any],
                                        version: str) -> None:
    run(tmp_path, store, settings, version)
    text = (tmp_path / "content" / "articles" / "customer-service-in-a-social-world.md").read_text("utf-8")
    header, body = text.split("\n\n", 1)
    assert "Title: Customer service in a social world" in header
    assert "Date: 2013-09-17 08:30" in header
    assert "Slug: customer-service-in-a-social-world" in header
    assert "Category: Social Customer Service" in header
    assert "Tags: Listening" in header  # Pelican has one category; the second becomes a tag
    assert "Comments: closed" in header
    assert "Summary: Listen. **Analyze**. Reply." in header
    assert "## So…" in body and "**great**" in body and "- one" in body


def test_titles_are_unescaped_and_pages_go_to_pages(tmp_path: Path, store: Store,
                                                    settings: dict[str, Any]) -> None:
    run(tmp_path, store, settings)
    now = (tmp_path / "content" / "articles" / "the-now-of-customer-service.md").read_text("utf-8")
    assert now.startswith("Title: The “Now” of Customer Service\n")
    assert (tmp_path / "content" / "pages" / "about.md").is_file()
    assert not (tmp_path / "content" / "articles" / "photo.md").exists()
    assert not (tmp_path / "content" / "articles" / "old-draft.md").exists()


@pytest.mark.parametrize("version", VERSIONS)
def test_comments_land_in_the_article_thread(tmp_path: Path, store: Store, settings: dict[str, Any],
                                             version: str) -> None:
    run(tmp_path, store, settings, version)
    entries = by_author(store)
    assert {e.thread for name, e in entries.items() if name != "Reader"} == {NOW_KEY}
    assert entries["Reader"].thread == "about/"  # the page's comment, under PAGE_URL
    assert "Spammer" not in entries and "Binned" not in entries


def test_replies_keep_their_threading(tmp_path: Path, store: Store, settings: dict[str, Any]) -> None:
    run(tmp_path, store, settings)
    entries = by_author(store)
    assert entries["Second"].parent_id == entries["Zoë Ångström"].id
    assert entries["Third"].parent_id == entries["Second"].id
    assert entries["Zoë Ångström"].parent_id is None


def test_approval_states_and_private_email(tmp_path: Path, store: Store, settings: dict[str, Any]) -> None:
    run(tmp_path, store, settings)
    entries = by_author(store)
    assert entries["Zoë Ångström"].status == "approved"
    assert entries["Waiting"].status == "pending"
    assert entries["Zoë Ångström"].author_email == "reader@example.net"
    assert "author_email" not in entries["Zoë Ångström"].to_dict()
    assert entries["Zoë Ångström"].created_at.isoformat() == "2013-04-03T08:15:00+00:00"


def test_pingbacks_and_trackbacks_keep_their_kind_and_source(tmp_path: Path, store: Store,
                                                             settings: dict[str, Any]) -> None:
    run(tmp_path, store, settings)
    entries = by_author(store)
    pingback = entries["Other Blog » A post about you"]
    assert (pingback.kind, pingback.source_url) == ("pingback", "https://other.example/post/")
    trackback = entries["Trackback Blog"]
    assert (trackback.kind, trackback.title, trackback.blog_name) == (
        "trackback", "Their entry title", "Trackback Blog")
    assert "An excerpt of it." in trackback.body_html and "<strong>" not in trackback.body_source


def test_comment_html_is_sanitized_and_text_kept(tmp_path: Path, store: Store,
                                                 settings: dict[str, Any]) -> None:
    run(tmp_path, store, settings)
    html = by_author(store)["Zoë Ångström"].body_html
    assert "Ça marche — 日本語." in html
    assert "<script" not in html and "alert(1)" not in html and "javascript:" not in html
    assert "<p>" in html  # WordPress's implicit paragraphs made explicit


def test_missing_fields_get_sensible_values(tmp_path: Path, store: Store, settings: dict[str, Any]) -> None:
    run(tmp_path, store, settings)
    anonymous = by_author(store)["Anonymous"]
    assert anonymous.author_email is None and anonymous.author_url is None
    # No GMT date: the local date is read in the site's TIMEZONE (Europe/London, summer time).
    assert anonymous.created_at.isoformat() == "2013-04-03T08:15:00+00:00"


def test_cdata_split_around_its_terminator_survives(tmp_path: Path, store: Store,
                                                    settings: dict[str, Any]) -> None:
    run(tmp_path, store, settings)
    assert by_author(store)["CDATA"].body_source == "Code: a[b[0]]> c and ]]> inside."


def test_second_run_adds_nothing(tmp_path: Path, store: Store, settings: dict[str, Any]) -> None:
    first = run(tmp_path, store, settings)
    second = run(tmp_path, store, settings)
    assert first.added == 9 and len(first.files_written) == 3
    assert (second.added, second.already_present) == (0, 9)
    assert second.files_written == [] and len(second.files_kept) == 3
    assert len(store.list()) == 9


def test_spam_and_trash_only_on_request(tmp_path: Path, store: Store, settings: dict[str, Any]) -> None:
    summary = run(tmp_path, store, settings, include_spam=True, include_trash=True)
    entries = by_author(store)
    assert (entries["Spammer"].status, entries["Binned"].status) == ("spam", "deleted")
    assert summary.added == 11


def test_skips_are_counted_in_the_summary(tmp_path: Path, store: Store, settings: dict[str, Any]) -> None:
    summary = run(tmp_path, store, settings)
    assert summary.skipped["spam comments (use --include-spam)"] == 1
    assert summary.skipped["trashed comments (use --include-trash)"] == 1
    assert summary.skipped["items of type 'attachment'"] == 1
    assert summary.skipped["comments on posts not imported"] == 1


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    text = wxr("1.2", blog()).replace("<wp:post_id>2</wp:post_id>", "<wp:post_id>2</wp:post_idd>")
    line = text[:text.index("</wp:post_idd>")].count("\n") + 1
    with pytest.raises(ImportFormatError, match=rf"line {line}: not well-formed XML"):
        read_wxr(write(tmp_path / "broken.xml", text))


def test_bad_date_names_the_element_and_line(tmp_path: Path) -> None:
    good = "<wp:comment_date_gmt>2013-04-03 08:15:00"
    text = wxr("1.2", blog()).replace(good, "<wp:comment_date_gmt>soon", 1)
    line = text[:text.index("soon")].count("\n") + 1
    with pytest.raises(ImportFormatError, match=rf"line {line}: <wp:comment_date_gmt>: 'soon' is not a date"):
        read_wxr(write(tmp_path / "broken.xml", text))


def test_rss_feed_is_not_taken_for_an_export(tmp_path: Path) -> None:
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            "<item><title>a</title></item></channel></rss>")
    with pytest.raises(ImportFormatError, match="not a WordPress export"):
        read_wxr(write(tmp_path / "feed.xml", feed))


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<rss><channel><title>&b;</title></channel></rss>')
    with pytest.raises(ImportFormatError, match="document type declarations are not allowed"):
        read_wxr(write(tmp_path / "bomb.xml", bomb))


def test_a_failed_run_leaves_the_store_untouched(tmp_path: Path, store: Store,
                                                 settings: dict[str, Any]) -> None:
    text = wxr("1.2", blog())
    broken = text[: text.rindex("<wp:comment>")]  # cut off mid-export
    with pytest.raises(ImportFormatError):
        import_wordpress(write(tmp_path / "cut.xml", broken), store, settings,
                         articles_dir=tmp_path / "a", pages_dir=tmp_path / "p")
    assert store.list() == []
    assert not (tmp_path / "a").exists()


def test_progress_bars_go_to_stderr(tmp_path: Path, store: Store, settings: dict[str, Any],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    summary = run(tmp_path, store, settings, progress=True)
    captured = capsys.readouterr()
    assert summary.added == 9
    assert "reading wordpress-1.2.xml" in captured.err and "storing" in captured.err
    assert captured.out == ""


def test_empty_or_oversized_urls_are_dropped(tmp_path: Path, store: Store, settings: dict[str, Any]) -> None:
    post = Post(9, "Links", "links", comments=[
        Comment(90, author="Bare scheme", url="http://"),
        Comment(91, author="Huge", url="https://x.example/" + "a" * 3000, email="not-an-address"),
    ])
    path = write(tmp_path / "links.xml", wxr("1.2", [post]))
    import_wordpress(path, store, settings, articles_dir=tmp_path / "a", pages_dir=tmp_path / "p")
    entries = by_author(store)
    assert entries["Bare scheme"].author_url is None
    assert (entries["Huge"].author_url, entries["Huge"].author_email) == (None, None)


def test_wordpress_markers_and_block_comments_leave_no_trace() -> None:
    html = ("Intro <strong>b</strong>.\n<!--more-->\n"
            "<!-- wp:paragraph -->\n<p>Para</p>\n<!-- /wp:paragraph -->")
    assert to_markdown(html) == "Intro **b**.\n\nPara\n"
