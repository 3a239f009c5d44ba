"""`engagement check` names the Markdown file and line of a dead link in an article.

The build records which source each page came from (`output/engagement/sources.json`); the check
finds the line by searching the source for the link it found dead. Links the Markdown does not
hold (the theme's) keep naming only the built page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement.check import Problem, check_output
from pelican.plugins.engagement.cli import main

from tests.support.sites import build_site, write_article

SITE_URL = "http://127.0.0.1:8000"
BROKEN = "2024/01/broken-on-purpose/index.html"

# write_article puts five metadata lines and a blank line first: the body starts at line 7.
BODY = """\
First paragraph, nothing wrong.

A [dead link](/2024/01/no-such-article/) on line 9.

A [missing anchor]({filename}fine-article.md#no-such-heading) on line 11.

<img src="/images/nowhere.png" alt="Nothing"> and <img src="/theme/css/site.css"> on line 13.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("source-lines")
    content = root / "content"
    write_article(content / "articles", "fine-article", "## A real heading\n\nAll good here.")
    write_article(content / "articles", "broken-on-purpose", BODY)
    return build_site(root, content), content


@pytest.fixture(scope="module")
def problems(site: tuple[Path, Path]) -> list[Problem]:
    output, content = site
    return check_output(output, site_url=SITE_URL, ignore=("http://127.0.0.1:8001/",), validator="none",
                        content=content)


def _on_article_page(problems: list[Problem], kind: str, url: str) -> Problem:
    (found,) = [p for p in problems if p.path == BROKEN and p.kind == kind and url in p.message]
    return found


def test_dead_link_names_the_markdown_line(problems: list[Problem], site: tuple[Path, Path]) -> None:
    problem = _on_article_page(problems, "link", "/2024/01/no-such-article/")
    source = (site[1] / "articles" / "broken-on-purpose.md").as_posix()
    assert (problem.source, problem.source_line) == (source, 9)
    assert str(problem).startswith(f"{source}:9: link: <a> points to /2024/01/no-such-article/")
    assert f"(in {BROKEN}:{problem.line} " in str(problem)


def test_missing_anchor_of_a_filename_link_names_the_markdown_line(problems: list[Problem]) -> None:
    # Pelican wrote {filename}fine-article.md#no-such-heading as an absolute URL: found by its fragment.
    assert _on_article_page(problems, "anchor", "#no-such-heading").source_line == 11


def test_image_without_alt_names_the_markdown_line(problems: list[Problem]) -> None:
    assert _on_article_page(problems, "alt", "/theme/css/site.css").source_line == 13


def test_the_summaries_in_lists_are_one_problem_with_the_article(problems: list[Problem]) -> None:
    # The index, the category and the author page show the article's summary with the same link.
    dead = [p for p in problems if "/2024/01/no-such-article/" in p.message]
    assert len(dead) == 1
    assert dead[0].path == BROKEN
    assert dead[0].elsewhere == 3
    assert str(dead[0]).endswith("and 3 other page(s))")


def test_a_link_the_markdown_does_not_hold_names_only_the_page(site: tuple[Path, Path]) -> None:
    output, content = site
    page = output / BROKEN
    original = page.read_text("utf-8")
    try:  # as if the theme had a dead link in its footer
        page.write_text(original.replace("</body>", '<a href="/from-the-theme/">x</a></body>'), "utf-8")
        found = check_output(output, site_url=SITE_URL, validator="none", content=content)
    finally:
        page.write_text(original, "utf-8")
    (theme_link,) = [p for p in found if "/from-the-theme/" in p.message]
    assert theme_link.source == ""
    assert str(theme_link).startswith(f"{BROKEN}:")


def test_the_map_names_no_folder_of_the_build_machine(site: tuple[Path, Path]) -> None:
    output, content = site
    pages = json.loads((output / "engagement" / "sources.json").read_text("utf-8"))["pages"]
    assert pages[BROKEN] == "articles/broken-on-purpose.md"
    assert not any(str(content) in value or value.startswith("/") for value in pages.values())


def test_cli_prints_the_markdown_line(site: tuple[Path, Path]) -> None:
    output, content = site
    result = CliRunner().invoke(main, ["check", str(output), "--site-url", SITE_URL, "--validator", "none",
                                       "--ignore", "http://127.0.0.1:8001/", "--content", str(content),
                                       "--quiet"])
    assert result.exit_code == 1
    assert f"{(content / 'articles' / 'broken-on-purpose.md').as_posix()}:9: link:" in result.output
