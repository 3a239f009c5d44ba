"""`make ci-build` end to end: the strict build fails on a page broken on purpose and names it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.sites import REPO, write_article

pytestmark = pytest.mark.slow


def make_ci_build(content: Path, output: Path) -> subprocess.CompletedProcess[str]:
    # -o: never reinstall the virtualenv from inside a test, even if pyproject.toml is newer.
    return subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "ci-build", f"INPUTDIR={content}", f"OUTPUTDIR={output}",
         "CHECK_ARGS=--validator html5lib --quiet"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_ci_build_fails_loudly_on_a_broken_page(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    body = '[dead](/2031/01/nowhere/)\n\n<img src="x.png">'
    write_article(content / "articles", "broken-on-purpose", body, date="2031-01-01 10:00")
    result = make_ci_build(content, tmp_path / "output")
    assert result.returncode != 0
    assert "2031/01/broken-on-purpose/index.html:" in result.stdout
    assert "link: <a> points to /2031/01/nowhere/" in result.stdout
    assert "alt: image" in result.stdout
