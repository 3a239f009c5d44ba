"""The example site behind `make screenshots` keeps building strictly and keeps what the script
photographs (the pictures themselves are made by the script, not by the tests: a minute of Chromium)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.sites import REPO

SCRIPT = REPO / "docs" / "screenshots" / "make_screenshots.py"


@pytest.fixture(scope="module")
def script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(script, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    import shutil

    from pelican.plugins.engagement.settings import load_site

    root = tmp_path_factory.mktemp("screenshots")
    shutil.copytree(script.EXAMPLE, root / "content")
    settings_file = script.write_settings(root, "http://127.0.0.1:8000", "http://127.0.0.1:8001")
    settings_file.write_text(settings_file.read_text("utf-8") + "SEARCH_INDEX = False\n", "utf-8")
    script.seed_comments(load_site(settings_file).database_url)
    return script.build(settings_file)  # warnings are fatal here, as in CI


def test_every_static_shot_finds_what_it_photographs(script, built: Path) -> None:  # type: ignore[no-untyped-def]
    for shot in script.SHOTS:
        if shot.endpoint or not shot.selector or shot.path.startswith("search/"):
            continue
        page = BeautifulSoup((built / shot.path / "index.html").read_text("utf-8"), "html.parser")
        assert page.select_one(shot.selector) is not None, f"{shot.name}: {shot.selector} on {shot.path}"


def test_the_thread_has_replies_and_a_form_to_post_through(script, built: Path) -> None:  # type: ignore[no-untyped-def]
    page = BeautifulSoup((built / script.ARTICLE / "index.html").read_text("utf-8"), "html.parser")
    assert len(page.select("#comments .p-comment")) == len(script.COMMENTS)
    assert page.select("#comments .eg-replies .eg-replies")  # a reply to a reply
    assert page.select_one("#comment-form #cf-website")


def test_the_example_brand_is_invented(script) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(path.read_text("utf-8") for path in script.EXAMPLE.rglob("*.md"))
    assert "Glimmerbrew" in text and "invented" in text
