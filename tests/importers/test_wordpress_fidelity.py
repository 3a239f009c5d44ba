"""What old WordPress blogs really contain arrives intact: shortcodes, URLs with underscores,
comment formatting, file names by the site's slug rules, repeated ids, private posts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pelican.plugins.engagement.importers import ImportSummary
from pelican.plugins.engagement.importers.wordpress import import_wordpress
from pelican.plugins.engagement.markup import render_comment
from pelican.plugins.engagement.store import Store

from tests.importers.exports import Comment, Post, write, wxr
from tests.support.sites import site_settings

TWEET = "https://twitter.com/Acme_Support/status/1780000000000000001"
VIDEO = "https://www.youtube.com/watch?v=dQw_4w9W_gXc"


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "content").mkdir()
    return site_settings(tmp_path, tmp_path / "content")


def run(tmp_path: Path, store: Store, settings: dict[str, Any], posts: list[Post],
        **flags: Any) -> ImportSummary:
    export = write(tmp_path / "export.xml", wxr("1.2", posts))
    return import_wordpress(export, store, settings, articles_dir=tmp_path / "content" / "articles",
                            pages_dir=tmp_path / "content" / "pages", **flags)


def body(tmp_path: Path, name: str) -> str:
    return (tmp_path / "content" / "articles" / name).read_text("utf-8").split("\n\n", 1)[1]


def lines_of(text: str) -> list[str]:
    return text.splitlines()


# --- shortcodes -----------------------------------------------------------------------------------


def test_embed_shortcodes_become_a_url_alone_on_its_line(tmp_path, store, settings) -> None:
    content = (f"Our reply went out fast.\n\n[embed]{TWEET}[/embed]\n\n"
               f"And the video:\n[youtube={VIDEO}&amp;w=640&amp;h=360]\n"
               "Then [youtube https://youtu.be/ab_CD-12345] and [tweet 1780000000000000002] "
               f'and [tweet tweet="{TWEET}"] and [embed width="500"]{VIDEO}[/embed].')
    run(tmp_path, store, settings, [Post(1, "Embeds", "embeds", content=content)])
    text = body(tmp_path, "embeds.md")
    for url in (TWEET, VIDEO, "https://youtu.be/ab_CD-12345", "https://twitter.com/i/status/1780000000000000002"):
        assert url in lines_of(text), f"{url} is not alone on a line in:\n{text}"
        index = lines_of(text).index(url)
        assert lines_of(text)[index - 1] == "" and lines_of(text)[index + 1] == ""
    assert "[embed" not in text and "[youtube" not in text and "[tweet" not in text
    assert "w=640" not in text


def test_unknown_shortcodes_are_reported_once_naming_each_post(tmp_path, store, settings) -> None:
    posts = [
        Post(1, "Gallery one", "gallery-one", content='[gallery ids="1,2"]\n\n[gallery ids="3"]'),
        Post(2, "Gallery two", "gallery-two", content='Photos: [gallery columns="2" ids="4"]'),
        Post(3, "Form", "form", content='[contact-form-7 id="9" title="Contact"]\n\n[[gallery]] is how.'),
        Post(4, "Prose", "prose", content="He said [sic] and cited [1]."),
    ]
    summary = run(tmp_path, store, settings, posts)
    lines = summary.lines()
    [gallery] = [line for line in lines if "[gallery]" in line]
    assert "Gallery one" in gallery and "Gallery two" in gallery and "Form" not in gallery
    [form] = [line for line in lines if "[contact-form-7]" in line]
    assert "Form" in form
    assert not [line for line in lines if "[sic]" in line or "[1]" in line]
    assert "[gallery] is how." in body(tmp_path, "form.md")  # WordPress's escaped form, shown as text


def test_caption_shortcode_keeps_the_image_and_its_caption(tmp_path, store, settings) -> None:
    content = ('[caption id="attachment_7" align="aligncenter" width="300"]'
               '<img src="https://old.example.com/a.png" alt="Queue" /> The queue at 9am[/caption]')
    summary = run(tmp_path, store, settings, [Post(1, "Caption", "caption", content=content)])
    text = body(tmp_path, "caption.md")
    assert "![Queue](https://old.example.com/a.png)" in text and "The queue at 9am" in text
    assert "[caption" not in text and not [line for line in summary.lines() if "caption" in line]


# --- URLs -----------------------------------------------------------------------------------------


def test_urls_come_out_byte_identical(tmp_path, store, settings) -> None:
    content = (f"{TWEET}\n\nSee https://example.com/a_b_c?x=1&amp;y=2_z for more, or "
               f'<a href="{VIDEO}">the video_one</a> and <a href="{TWEET}">{TWEET}</a>.\n\n'
               "Bold <strong>claims_here</strong> keep their text.")
    run(tmp_path, store, settings, [Post(1, "Links", "links", content=content)])
    text = body(tmp_path, "links.md")
    assert lines_of(text)[0] == TWEET
    assert "https://example.com/a_b_c?x=1&y=2_z " in text
    assert f"]({VIDEO})" in text and f"<{TWEET}>" in text
    urls = re.findall(r"https?://\S+", text)
    assert urls and not [url for url in urls if "\\" in url]


# --- comment formatting -----------------------------------------------------------------------------


def test_wordpress_comment_formatting_is_kept(tmp_path, store, settings) -> None:
    comment = Comment(10, content='<b>Bold</b>, <i>italic</i>, <strike>old</strike>, <q>quoted</q>, '
                                  '<cite>The Book</cite>, <abbr title="customer experience">CX</abbr>.')
    run(tmp_path, store, settings, [Post(1, "Talk", "talk", comments=[comment])])
    [entry] = store.list()
    for fragment in ("<strong>Bold</strong>", "<em>italic</em>", "<del>old</del>", "<q>quoted</q>",
                     "<cite>The Book</cite>", '<abbr title="customer experience">CX</abbr>'):
        assert fragment in entry.body_html


def test_reader_markdown_does_not_gain_the_import_tags() -> None:
    html = render_comment("**x** <del>y</del> <q>z</q>")
    assert "<strong>x</strong>" in html and "<del>" not in html and "<q>" not in html


# --- file names --------------------------------------------------------------------------------------


def test_a_repeated_post_id_loses_no_post(tmp_path, store, settings) -> None:
    posts = [Post(7, "First", "same-slug", content="One."), Post(7, "Second", "same-slug", content="Two."),
             Post(7, "Third", "other-slug", content="Three.")]
    summary = run(tmp_path, store, settings, posts)
    folder = tmp_path / "content" / "articles"
    assert sorted(p.name for p in folder.iterdir()) == ["other-slug.md", "same-slug-2.md", "same-slug.md"]
    assert "Slug: same-slug-2" in (folder / "same-slug-2.md").read_text("utf-8")
    assert "Two." in (folder / "same-slug-2.md").read_text("utf-8")
    assert (len(summary.files_written), len(summary.files_kept)) == (3, 0)
    assert "3 content file(s) written, 0 already there and kept" in summary.lines()


def test_draft_without_post_name_is_named_by_the_site_slug_rules(tmp_path, store, settings) -> None:
    summary = run(tmp_path, store, settings, [
        Post(8, "Our 2024 Support Roadmap!", "", status="draft", content="Plans.")])
    target = tmp_path / "content" / "articles" / "our-2024-support-roadmap.md"
    assert target.is_file(), summary.files_written
    assert "Slug: our-2024-support-roadmap\n" in target.read_text("utf-8")


def test_second_run_keeps_the_de_duplicated_files(tmp_path, store, settings) -> None:
    posts = [Post(7, "First", "same-slug"), Post(7, "Second", "same-slug")]
    run(tmp_path, store, settings, posts)
    again = run(tmp_path, store, settings, posts)
    assert (len(again.files_written), len(again.files_kept)) == (0, 2)


# --- private posts -----------------------------------------------------------------------------------


def test_private_posts_are_skipped_and_listed(tmp_path, store, settings) -> None:
    posts = [Post(1, "Public", "public"),
             Post(2, "Internal pricing notes", "internal-pricing", status="private", comments=[Comment(20)])]
    summary = run(tmp_path, store, settings, posts)
    assert not (tmp_path / "content" / "articles" / "internal-pricing.md").exists()
    assert any("Internal pricing notes" in line and "private" in line for line in summary.lines())
    assert store.list() == []


def test_private_posts_on_request_are_hidden_not_drafts(tmp_path, store, settings) -> None:
    posts = [Post(2, "Internal pricing notes", "internal-pricing", status="private")]
    run(tmp_path, store, settings, posts, include_private=True)
    text = (tmp_path / "content" / "articles" / "internal-pricing.md").read_text("utf-8")
    assert "Status: hidden\n" in text and "draft" not in text
