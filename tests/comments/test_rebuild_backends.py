"""The build and the fast rebuild read the same comments from SQLite and from PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from pelican.plugins.engagement.comments.rebuild import rebuild_threads

from tests.comments.helpers import make_site, soup, thread_key, tree_bytes


def test_build_and_rebuild_read_each_backend(store_url: str, tmp_path: Path) -> None:
    site = make_site(tmp_path, database_url=store_url)
    site.comment("first-post", "Stored here")
    built = site.build()
    assert "Stored here" in soup(built, "2024/01/first-post").select_one("li.p-comment").get_text()
    site.comment("first-post", "And approved later", minutes=1)

    rebuild_threads(site.config(), {thread_key("first-post")})

    assert tree_bytes(built) == tree_bytes(site.build(tmp_path / "fresh"))
    site.store.close()
