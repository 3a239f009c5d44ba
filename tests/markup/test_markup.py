"""The comment Markdown subset and the allow-list sanitizer."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.plugins.engagement.markup import ALLOWED_TAGS, plain_text_to_html, render_comment, sanitize_html

REL = 'rel="nofollow ugc noreferrer"'


def test_emphasis_code_and_paragraphs() -> None:
    assert render_comment("*a* **b** `c`\nnext\n\npara") == (
        "<p><em>a</em> <strong>b</strong> <code>c</code><br>\nnext</p>\n<p>para</p>"
    )


def test_lists_quotes_and_code_blocks() -> None:
    html = render_comment("> quoted\n\n- one\n- two\n\n1. first\n\n```\n<b>x</b>\n```")
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n</ol>" in html
    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>" in html


def test_links_get_nofollow_ugc() -> None:
    assert render_comment("[site](https://example.org/)") == (
        f'<p><a href="https://example.org/" {REL}>site</a></p>'
    )


def test_bare_urls_become_links() -> None:
    assert f'<a href="https://example.org/x?y=1" {REL}>' in render_comment("see https://example.org/x?y=1")


def test_raw_html_is_shown_as_text() -> None:
    assert render_comment("<b>bold?</b> <script>alert(1)</script>") == (
        "<p>&lt;b&gt;bold?&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


@pytest.mark.parametrize("target", ["javascript:alert(1)", "data:text/html,x", "/relative", "vbscript:x"])
def test_unsafe_or_relative_links_are_not_linked(target: str) -> None:
    assert "<a" not in render_comment(f"[x]({target})")


def test_headings_rules_and_images_are_not_rendered() -> None:
    html = render_comment("# Big\n\n---\n\n![pic](https://example.org/p.png)")
    assert "<h1" not in html and "<hr" not in html and "<img" not in html


def test_sanitize_strips_handlers_scripts_and_unknown_tags() -> None:
    dirty = (
        '<p onclick="x()">hi <a href="javascript:alert(1)">a</a> <a href="https://e.org" target="_blank" '
        'rel="dofollow">b</a><script>alert(1)</script><style>p{}</style><iframe src="https://e.org"></iframe>'
        '<span><img src=x onerror=alert(1)>text</span></p>'
    )
    assert sanitize_html(dirty) == (
        f'<p>hi a <a href="https://e.org" {REL}>b</a>text</p>'
    )


def test_mailto_links_are_kept() -> None:
    assert sanitize_html('<a href="mailto:a@example.org">mail</a>') == (
        f'<a href="mailto:a@example.org" {REL}>mail</a>'
    )


def test_plain_text_is_escaped_with_paragraphs_and_breaks() -> None:
    assert plain_text_to_html("a < b & <i>c</i>\nline two\r\n\r\n\nnext") == (
        "<p>a &lt; b &amp; &lt;i&gt;c&lt;/i&gt;<br>\nline two</p>\n<p>next</p>"
    )


def test_empty_text_renders_empty() -> None:
    assert render_comment("  \n ") == "" and plain_text_to_html("") == ""


FRAGMENTS = ["<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "[a](", ")", "<a href=",
             '"', "'", "`", "*", "_", "\n", "\n\n", "> ", "- ", "<svg onload=x>", "&lt;", "<!--", "-->",
             "<style>", "data:text/html,", "https://example.org/", "<iframe>", " ", "x", "<p>", "<b>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=25).map("".join))
def test_any_input_renders_to_allowed_markup_only(text: str) -> None:
    for element in BeautifulSoup(render_comment(text), "html.parser").find_all(True):
        assert element.name in ALLOWED_TAGS
        assert set(element.attrs) <= ({"href", "rel"} if element.name == "a" else set())
        href = element.get("href")
        assert href is None or href.split(":", 1)[0].lower() in {"http", "https", "mailto"}


@pytest.mark.parametrize("source", ["[x]()", "[x]( )", '<a href="">x</a>', '<a href="#top">x</a>'])
def test_refused_links_become_plain_text(source: str) -> None:
    html = render_comment(source) if source.startswith("[") else sanitize_html(source)
    assert "<a" not in html and "x" in html
