"""Finding a screenshot's file and reading its size (for width/height attributes)."""

from __future__ import annotations

from pathlib import Path

from pelican.plugins.engagement.cases.images import dimensions, site_image

from tests.cases.standin import PNG


def test_screenshot_values_resolve_to_content_files(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "articles").mkdir()
    shot, beside = tmp_path / "images" / "a.png", tmp_path / "articles" / "b.png"
    shot.write_bytes(PNG)
    beside.write_bytes(PNG)
    article = str(tmp_path / "articles" / "post.md")
    assert site_image("{static}/images/a.png", tmp_path, article) == shot.resolve()
    assert site_image("/images/a.png", tmp_path, article) == shot.resolve()
    assert site_image("{static}b.png", tmp_path, article) == beside.resolve()
    assert site_image("{static}/images/missing.png", tmp_path, article) is None


def test_sizes_come_from_the_file_header(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(PNG)
    (tmp_path / "b.png").write_bytes(b"not an image")
    assert dimensions(tmp_path / "a.png") == (1, 1)
    assert dimensions(tmp_path / "b.png") is None
    assert dimensions(tmp_path / "missing.png") is None
