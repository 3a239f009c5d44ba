"""Pelican's content cache (as a CI build restores it) gives the same pages as a cold build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sites import build_site


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_warm_cache_build_equals_cold_build(tmp_path: Path, layer: str) -> None:
    cache = {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CONTENT_CACHING_LAYER": layer,
        "CHECK_MODIFIED_METHOD": "sha256",
        "CACHE_PATH": str(tmp_path / "shared-cache"),
    }
    cold = build_site(tmp_path / "cold", **cache)
    warm = build_site(tmp_path / "warm", **cache)
    assert (tmp_path / "shared-cache").is_dir()
    cold_files, warm_files = tree(cold), tree(warm)
    assert cold_files.keys() == warm_files.keys()
    differing = [name for name in cold_files if cold_files[name] != warm_files[name]]
    assert differing == []
