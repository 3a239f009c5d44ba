"""`make ci-build` end to end, in a copy of the project: the strict build fails on a page broken on
purpose and names it, and it writes into its own `output-ci/`, never touching the development site
in `output/` that `make run` may be serving.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.project import copy_project, run_make
from tests.support.sites import write_article

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("make") is None, reason="needs make")]

DEV_PAGE = "<!doctype html><title>the development site</title>"
BROKEN = '[dead](/2031/01/nowhere/)\n\n<img src="x.png">'


def _project_with_dev_site(root: Path) -> Path:
    project = copy_project(root)
    (project / "output").mkdir()
    (project / "output" / "index.html").write_text(DEV_PAGE, "utf-8")
    return project


def _ci_build(project: Path) -> subprocess.CompletedProcess[str]:
    return run_make(project, "ci-build", "CHECK_ARGS=--validator html5lib --quiet")


@pytest.fixture(scope="module")
def broken_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A project whose strict build finds a dead link and an image without alt text."""
    project = _project_with_dev_site(tmp_path_factory.mktemp("broken-page"))
    write_article(project / "content" / "articles", "broken-on-purpose", BROKEN, date="2031-01-01 10:00")
    return project, _ci_build(project)


def test_ci_build_fails_loudly_on_a_broken_page(broken_page: tuple[Path, subprocess.CompletedProcess[str]]
                                                ) -> None:
    _project, result = broken_page
    assert result.returncode != 0
    assert "2031/01/broken-on-purpose/index.html:" in result.stdout
    assert "link: <a> points to /2031/01/nowhere/" in result.stdout
    assert "alt: image" in result.stdout


def test_ci_build_writes_into_its_own_folder(broken_page: tuple[Path, subprocess.CompletedProcess[str]]
                                             ) -> None:
    project, _result = broken_page
    assert (project / "output-ci" / "2031" / "01" / "broken-on-purpose" / "index.html").is_file()
    assert (project / "output" / "index.html").read_text("utf-8") == DEV_PAGE
    assert not (project / "output" / "2031").exists()


def test_a_build_that_stops_leaves_the_development_site_alone(tmp_path: Path) -> None:
    project = _project_with_dev_site(tmp_path / "project")
    # A case block without its required brand stops Pelican itself, before `engagement check`.
    write_article(project / "content" / "articles", "stops-the-build", "```case\nverdict: beauty\n```",
                  date="2031-01-02 10:00")
    result = _ci_build(project)
    assert result.returncode != 0
    assert "brand" in result.stdout + result.stderr
    assert (project / "output" / "index.html").read_text("utf-8") == DEV_PAGE


def test_ci_build_names_the_markdown_line(broken_page: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _project, result = broken_page
    assert "content/articles/broken-on-purpose.md:7: link: <a> points to /2031/01/nowhere/" in result.stdout
