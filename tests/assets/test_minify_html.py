"""Published HTML pages: minified by default, keeping what parsers, the fast update and clients need."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from pelican.plugins.engagement.comments.splice import replace_between
from pelican.plugins.engagement.minify import minify_html

from tests.support.sites import build_site, write_article

START, END = "<!--engagement:count:a/-->", "<!--/engagement:count:a/-->"


def _page(fragment: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>t</title>\n"
            "</head>\n<body>\n  <ul>\n    <li><p class=\"summary-footer\">\n      <a href=\"/a/\">Read</a>\n"
            f"      {START}{fragment}{END}\n    </p></li>\n  </ul>\n"
            "  <pre>  kept\n    as is</pre>\n  <textarea name=\"b\">\n  typed\n</textarea>\n"
            "</body>\n</html>\n")


FRAGMENTS = ["", "\n  <a href=\"/a/#comments\">3 replies</a>\n", " · <span>1 reply</span> ", "\n"]


@pytest.mark.parametrize("old", FRAGMENTS)
@pytest.mark.parametrize("new", FRAGMENTS)
def test_splicing_into_a_minified_page_gives_the_minified_new_page(old: str, new: str) -> None:
    # The fast update: the published page, a new fragment between its markers, published again.
    published = minify_html(_page(old))
    spliced, count = replace_between(published, START, END, f"{START}{new}{END}")
    assert count == 1
    assert minify_html(spliced) == minify_html(_page(new))


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_minifying_is_idempotent_and_keeps_markers_pre_and_textarea(fragment: str) -> None:
    once = minify_html(_page(fragment))
    assert minify_html(once) == once
    assert START in once and END in once
    assert "<pre>  kept\n    as is</pre>" in once
    assert "<textarea name=b>\n  typed\n</textarea>" in once
    assert once.startswith("<!doctype html><html lang=en><head>") and once.endswith("</body></html>")
    assert "</li>" in once and "</p>" in once  # closing tags kept


def test_a_space_between_a_link_and_the_fragment_survives() -> None:
    page = minify_html(_page("<a href=\"/a/#comments\">3 replies</a>"))
    assert f"<a href=/a/>Read</a> {START}" in page


class _Nesting(HTMLParser):
    """What a parser without HTML's optional-tag rules sees: every start tag closed in order."""

    VOID = frozenset({"meta", "link", "img", "br", "input", "hr", "source", "use", "path", "wbr", "col"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


@pytest.mark.slow
def test_a_build_publishes_pages_minified_that_html_parser_nests_right(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content / "articles", "one",
                  "A paragraph\nover two lines.\n\n    code   kept\n\nText with <!-- a comment -->.")
    output = build_site(tmp_path, content, ENGAGEMENT_MINIFY_HTML=True)
    page = (output / "2024/01/one/index.html").read_text("utf-8")
    assert "\n  " not in page.split("<pre>")[0]  # indentation gone before the code block
    assert "code   kept" in page and "<!-- a comment -->" in page
    assert "<!--engagement:comments:2024/01/one/-->" in page
    assert "trackback:ping=" in page  # the TrackBack RDF comment
    assert minify_html(page) == page
    for path in output.rglob("*.html"):
        nesting = _Nesting()
        nesting.feed(path.read_text("utf-8"))
        assert nesting.errors == [] and nesting.open == [], path


@pytest.mark.slow
def test_a_build_with_html_minifying_off_publishes_the_templates_output(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content / "articles", "one", "A paragraph.")
    output = build_site(tmp_path, content, ENGAGEMENT_MINIFY_HTML=False)
    page = (output / "2024/01/one/index.html").read_text("utf-8")
    assert '<html lang="en">' in page and "\n" in page.strip()
