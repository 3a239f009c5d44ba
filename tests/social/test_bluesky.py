"""The Bluesky client against the stand-in PDS and AppView."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pelican.plugins.engagement.social import bluesky
from pelican.plugins.engagement.social.api import ApiError

from tests.social.standin import APP_PASSWORD, DID, HANDLE, PNG


def _client(standin, api) -> bluesky.BlueskyClient:
    return bluesky.BlueskyClient(api, pds=standin.base, appview=standin.base)


def _post(standin, api, text: str = "Hello") -> str:
    client = _client(standin, api)
    session = client.create_session(HANDLE, APP_PASSWORD)
    record = {"$type": bluesky.POST, "text": text, "createdAt": "2026-11-30T09:00:00.000Z"}
    ref = client.create_post(session, record, bluesky.record_key("a", datetime(2026, 11, 30, tzinfo=UTC)))
    standin.add_bluesky_conversation(ref.uri)
    return ref.uri


def test_a_wrong_app_password_is_refused(standin, api) -> None:
    with pytest.raises(ApiError, match="Invalid identifier or password"):
        _client(standin, api).create_session(HANDLE, "wrong")


def test_a_post_retried_under_the_same_key_is_found_not_doubled(standin, api) -> None:
    client = _client(standin, api)
    session = client.create_session(HANDLE, APP_PASSWORD)
    record = {"$type": bluesky.POST, "text": "Once", "createdAt": "2026-11-30T09:00:00.000Z"}
    first = client.create_post(session, record, "3kaaaaaaaaaa2")
    second = client.create_post(session, record, "3kaaaaaaaaaa2")
    assert first.uri == second.uri and len(standin.records) == 1


def test_a_thumbnail_blob_is_uploaded(standin, api) -> None:
    client = _client(standin, api)
    blob = client.upload_blob(client.create_session(HANDLE, APP_PASSWORD), PNG, "image/png")
    assert blob["ref"]["$link"] in standin.blobs and blob["mimeType"] == "image/png"


def test_nested_replies_keep_their_parents(standin, api) -> None:
    uri = _post(standin, api)
    replies = _client(standin, api).conversation(uri).replies
    parents = {r.remote_id.rsplit("/", 1)[1]: r.parent_id for r in replies}
    assert parents["3kreply1"] == uri
    assert parents["3kreply2"] == "at://did:plc:ivan/app.bsky.feed.post/3kreply1"


def test_blocked_missing_and_hidden_posts_are_skipped(standin, api) -> None:
    uri = _post(standin, api)
    client = _client(standin, api)
    replies = client.conversation(uri, blocked=client.blocked_accounts(DID)).replies
    assert {r.author.handle for r in replies} == {"@ivan.bsky.social", "@judy.example.com"}


def test_facets_become_links_by_byte_offset(standin, api) -> None:
    uri = _post(standin, api)
    ivan = _client(standin, api).conversation(uri).replies[0]
    link = '<a href="https://example.org/more" rel="nofollow ugc noreferrer">example.org/more</a>'
    assert link in ivan.html
    assert ivan.url == "https://bsky.app/profile/ivan.bsky.social/post/3kreply1"


def test_text_that_looks_like_html_stays_text(standin, api) -> None:
    uri = _post(standin, api)
    judy = _client(standin, api).conversation(uri).replies[1]
    assert "&lt;script&gt;" in judy.html and "<script" not in judy.html and "javascript:" not in judy.html
    assert 'href="https://bsky.app/profile/did:plc:ivan"' in judy.html


def test_likes_and_reposts_are_read_across_cursor_pages(standin, api) -> None:
    uri = _post(standin, api)
    reactions = _client(standin, api).conversation(uri).reactions
    assert [r.author.handle for r in reactions if r.kind == "like"] == [
        "@ivan.bsky.social", "@kim.bsky.social", "@leo.bsky.social"]
    assert standin.calls("getLikes") == 2


def test_a_503_is_retried(standin, api) -> None:
    uri = _post(standin, api)
    standin.fail_once("getPostThread", 503)
    assert _client(standin, api).conversation(uri).replies
    assert standin.calls("getPostThread") == 2


def test_a_deleted_post_is_gone(standin, api) -> None:
    uri = _post(standin, api)
    standin.delete_bluesky_post(uri)
    with pytest.raises(ApiError) as raised:
        _client(standin, api).conversation(uri)
    assert raised.value.gone


def test_a_handle_resolves_to_its_did(standin, api) -> None:
    assert bluesky.resolve_handle(_client(standin, api), HANDLE) == DID


def test_record_keys_are_valid_tids_fixed_by_the_article() -> None:
    moment = datetime(2026, 11, 30, 9, tzinfo=UTC)
    key = bluesky.record_key("https://blog.example/a/", moment)
    assert len(key) == 13 and set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")
    assert key == bluesky.record_key("https://blog.example/a/", moment)
    assert key != bluesky.record_key("https://blog.example/b/", moment)


def test_overlapping_or_broken_facets_are_ignored() -> None:
    facets = [{"index": {"byteStart": 1, "byteEnd": 3}, "features": [
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://a.example/"}]}]
    html = bluesky.richtext_html("é and more", facets)  # byte 1 is inside "é"
    assert "<a" not in html and "é and more" in html
