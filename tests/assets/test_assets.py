"""Published CSS and JS: minified by default (plugin and theme), as written with the setting off."""

from __future__ import annotations

from pathlib import Path

import pytest
from pelican.plugins.engagement.assets import STATIC, AssetError, copy_static, minify_in_place, published

from tests.support.sites import THEME, build_site, write_article


def test_plugin_static_is_published_minified_and_only_once(tmp_path: Path) -> None:
    written = copy_static(tmp_path)
    source = STATIC / "comments.css"
    published = tmp_path / "engagement" / "comments.css"
    assert published in written
    assert "/*" in source.read_text("utf-8")
    assert "/*" not in published.read_text("utf-8")
    assert published.stat().st_size < source.stat().st_size * 0.8
    script = (tmp_path / "engagement" / "comments.js").read_text("utf-8")
    assert "\n  " not in script and script.strip()
    # A warm build finds every file as it would write it and touches none.
    assert copy_static(tmp_path) == []


def test_plugin_static_is_published_as_written_when_minifying_is_off(tmp_path: Path) -> None:
    copy_static(tmp_path)
    rewritten = copy_static(tmp_path, minify=False)
    for source in STATIC.rglob("*.*"):
        published = tmp_path / "engagement" / source.relative_to(STATIC)
        assert published.read_bytes() == source.read_bytes()
    assert tmp_path / "engagement" / "cases.js" in rewritten
    assert copy_static(tmp_path, minify=False) == []


def test_minify_in_place_rewrites_css_and_js_once_and_leaves_other_files(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("/* note */\nbody {\n  color : red;\n}\n", "utf-8")
    (tmp_path / "a.js").write_text("// why\nconst x = 1 ;\n", "utf-8")
    (tmp_path / "a.svg").write_text("<svg>\n  <g/>\n</svg>\n", "utf-8")
    assert minify_in_place(tmp_path) == [tmp_path / "a.js", tmp_path / "css" / "a.css"]
    assert (tmp_path / "css" / "a.css").read_text("utf-8") == "body{color:red}"
    assert (tmp_path / "a.js").read_text("utf-8") == "const x=1"
    assert (tmp_path / "a.svg").read_text("utf-8") == "<svg>\n  <g/>\n</svg>\n"
    assert minify_in_place(tmp_path) == []


def test_published_javascript_has_short_local_names(tmp_path: Path) -> None:
    source = tmp_path / "a.js"
    source.write_text("(() => {\n  const commentForm = document.forms[0];\n  commentForm.reset();\n})();\n")
    script = published(source, minify=True).decode("utf-8")
    assert "commentForm" not in script and "document.forms[0]" in script


def test_javascript_that_cannot_be_minified_names_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "broken.js"
    source.write_text("const ok = 1;\nconst x = ;\n", "utf-8")
    with pytest.raises(AssetError, match=r"broken\.js: cannot minify: .*line 2"):
        published(source, minify=True)


def test_minified_javascript_is_a_fixed_point(tmp_path: Path) -> None:
    """minify_in_place may meet its own output again (a theme file Pelican did not copy anew)."""
    for source in sorted(STATIC.glob("*.js")):
        once = tmp_path / source.name
        once.write_bytes(published(source, minify=True))
        assert published(once, minify=True) == once.read_bytes(), source.name


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("assets-content")
    write_article(folder, "one", "A short article.")
    return folder


def _theme_files() -> list[Path]:
    static = THEME / "static"
    return sorted(p.relative_to(static) for p in static.rglob("*") if p.suffix in {".css", ".js"})


@pytest.mark.slow
def test_a_build_publishes_theme_and_plugin_assets_minified(tmp_path: Path, content: Path) -> None:
    output = build_site(tmp_path, content)
    assert _theme_files()
    for name in _theme_files():
        source = (THEME / "static" / name).read_text("utf-8")
        published = (output / "theme" / name).read_text("utf-8")
        assert len(published) < len(source), name
        assert "/*" not in published, name
    plugin_css = output / "engagement" / "comments.css"
    assert "/*" not in plugin_css.read_text("utf-8")
    before = {p: p.stat().st_mtime_ns for p in (output / "engagement").glob("*.css")}
    build_site(tmp_path, content)
    assert {p: p.stat().st_mtime_ns for p in before} == before


@pytest.mark.slow
def test_a_build_with_minifying_off_publishes_the_sources(tmp_path: Path, content: Path) -> None:
    output = build_site(tmp_path, content, ENGAGEMENT_MINIFY_ASSETS=False)
    for name in _theme_files():
        assert (output / "theme" / name).read_bytes() == (THEME / "static" / name).read_bytes()
    for source in STATIC.glob("*.*"):
        assert (output / "engagement" / source.name).read_bytes() == source.read_bytes()
