"""Which files Pagefind reads (plugins/site_search.py): only the folders article pages live in.

Only ``article.html`` marks ``data-pagefind-body``, so the index must hold every page that carries
it and nothing else, whether Pagefind reads every file or only the article folders.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import site_search

from tests.support.sites import build_site, write_article


@pytest.mark.parametrize(("folders", "glob"), [
    ({"2010", "2011"}, "{2010,2011}/**/*.html"),
    ({"posts"}, "posts/**/*.html"),
    (set(), site_search.DEFAULT_GLOB),  # no article: nothing to narrow to
    ({"2010", ""}, site_search.DEFAULT_GLOB),  # an article saved at the top level
    ({"a,b"}, site_search.DEFAULT_GLOB),  # a name the glob would read as two
    ({"[x]"}, site_search.DEFAULT_GLOB),
])
def test_glob_names_the_article_folders(folders: set[str], glob: str) -> None:
    assert site_search.html_glob(folders) == glob


def test_the_command_passes_the_glob() -> None:
    command = site_search.pagefind_command("out", "2010/**/*.html")
    assert command[-2:] == ["--glob", "2010/**/*.html"]


def test_the_index_holds_every_article_page_and_only_those(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    globs: list[str] = []
    build_index = site_search.build_index
    monkeypatch.setattr(site_search, "build_index",
                        lambda output, glob: globs.append(glob) or build_index(output, glob))
    content = tmp_path / "content"
    write_article(content / "articles", "old", "An old article about parcels.", date="2019-05-01 10:00")
    write_article(content / "articles", "new", "A new one about refunds.", date="2024-05-01 10:00")
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "about.md").write_text("Title: About\n\nAbout this blog.\n", "utf-8")
    output = build_site(tmp_path, content, SEARCH_INDEX=True)
    assert globs == ["{2019,2024}/**/*.html"]
    bodies = sorted(str(path.relative_to(output)) for path in output.rglob("*.html")
                    if "data-pagefind-body" in path.read_text("utf-8"))
    assert bodies == ["2019/05/old/index.html", "2024/05/new/index.html"]
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(bodies)
