"""Mention authors' photos are downloaded (guarded, checked to be images) and served locally."""

from __future__ import annotations

from pelican.plugins.engagement.linkbacks.avatars import store_avatar
from pelican.plugins.engagement.settings import from_pelican

from tests.linkbacks.conftest import reply_page
from tests.support.sites import build_site, write_article

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SETTINGS = from_pelican({"ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"]}, environ={})


def test_image_is_stored_under_a_name_from_its_bytes(tmp_path, peer):
    url = peer.page("/me.png", PNG, content_type="image/png")
    name = store_avatar(url, tmp_path, settings=SETTINGS)
    assert name.endswith(".png") and (tmp_path / name).read_bytes() == PNG


def test_html_claiming_to_be_an_image_is_refused(tmp_path, peer):
    url = peer.page("/me.png", "<script>alert(1)</script>", content_type="image/png")
    assert store_avatar(url, tmp_path, settings=SETTINGS) is None
    assert list(tmp_path.iterdir()) == []


def test_private_address_is_not_fetched(tmp_path):
    assert store_avatar("http://localhost/me.png", tmp_path, settings=SETTINGS) is None


def test_oversized_image_is_refused(tmp_path, peer):
    url = peer.page("/big.png", PNG + b"\x00" * 300_000, content_type="image/png")
    assert store_avatar(url, tmp_path, settings=SETTINGS) is None


def test_verified_webmention_keeps_a_local_copy_of_the_photo(endpoint, peer):
    import requests

    photo = peer.page("/face.png", PNG, content_type="image/png")
    source = peer.page("/like", reply_page(endpoint.open_url, kind="like-of", photo=photo))
    requests.post(endpoint.url + "/webmention", data={"source": source, "target": endpoint.open_url},
                  timeout=10)
    [entry] = endpoint.store.list(kind="webmention")
    entry = endpoint.wait_settled(entry.id)
    assert entry.author_photo and not entry.author_photo.startswith("http")
    assert (endpoint.base_dir / "content" / "avatars" / entry.author_photo).read_bytes() == PNG


def test_build_publishes_stored_photos_only(tmp_path):
    avatars = tmp_path / "avatars"
    avatars.mkdir()
    (avatars / "abc.png").write_bytes(PNG)
    (avatars / "notes.txt").write_text("not an image")
    content = tmp_path / "content"
    write_article(content / "articles", "post")
    output = build_site(tmp_path, content, ENGAGEMENT_AVATARS_PATH=str(avatars), ENGAGEMENT_ARCHIVE_PATH="")
    published = sorted(p.name for p in (output / "engagement" / "avatars").iterdir())
    assert published == ["abc.png"]
