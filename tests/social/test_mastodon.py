"""The Mastodon client against the stand-in instance: posting, reading a conversation, the rules."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.social.api import ApiError
from pelican.plugins.engagement.social.mastodon import MastodonClient, status_id_from_url

from tests.social.standin import TOKEN


def _posted(standin, api) -> tuple[MastodonClient, str]:
    client = MastodonClient(api, standin.base, TOKEN)
    status = client.post_status("Hello #fediverse https://blog.example/1", idempotency_key="k1")
    standin.add_mastodon_conversation(status["id"])
    return client, status["id"]


def test_a_retried_post_with_the_same_idempotency_key_is_one_status(standin, api) -> None:
    client = MastodonClient(api, standin.base, TOKEN)
    first = client.post_status("Once", idempotency_key="same")
    second = client.post_status("Once", idempotency_key="same")
    assert first["id"] == second["id"] and len(standin.statuses) == 1


def test_posting_without_a_token_is_refused_before_any_request(standin, api) -> None:
    with pytest.raises(ApiError, match="ENGAGEMENT_MASTODON_TOKEN"):
        MastodonClient(api, standin.base).post_status("x", idempotency_key="k")
    assert standin.calls() == 0


def test_a_wrong_token_is_an_error_with_the_instances_message(standin, api) -> None:
    with pytest.raises(ApiError, match="401: The access token is invalid"):
        MastodonClient(api, standin.base, "wrong").post_status("x", idempotency_key="k")


def test_a_long_logged_out_context_may_be_incomplete(standin, api) -> None:
    client, root = _posted(standin, api)
    reply = standin.descendants[root][0]
    standin.descendants[root] = [dict(reply, id=str(20000 + n)) for n in range(60)]
    assert client.conversation(root).complete is False


def test_only_public_and_unlisted_replies_are_taken(standin, api) -> None:
    client, root = _posted(standin, api)
    texts = " ".join(r.text for r in client.conversation(root).replies)
    assert "Followers-only" not in texts and "direct message" not in texts
    assert "Great piece" in texts and "Hostile" in texts


def test_a_reply_to_a_hidden_reply_is_dropped_with_it(standin, api) -> None:
    client, root = _posted(standin, api)
    assert "9005" not in {r.remote_id for r in client.conversation(root).replies}


def test_replies_keep_their_threading(standin, api) -> None:
    client, root = _posted(standin, api)
    parents = {r.remote_id: r.parent_id for r in client.conversation(root).replies}
    assert parents["9001"] == root and parents["9002"] == "9001"


def test_hostile_markup_is_sanitized(standin, api) -> None:
    client, root = _posted(standin, api)
    hostile = next(r for r in client.conversation(root).replies if r.remote_id == "9003")
    for bad in ("<script", "<img", "onerror", "javascript:", "onclick", "style=", "<iframe"):
        assert bad not in hostile.html
    assert 'href="https://example.org/ok"' in hostile.html


def test_remote_handles_keep_their_instance(standin, api) -> None:
    client, root = _posted(standin, api)
    authors = {r.remote_id: r.author for r in client.conversation(root).replies}
    assert authors["9003"].handle == "@bob@elsewhere.example"
    assert authors["9001"].handle == "@alice@127.0.0.1"


def test_favourites_are_read_across_link_pages(standin, api) -> None:
    client, root = _posted(standin, api)
    likes = [r.author.name for r in client.conversation(root).reactions if r.kind == "like"]
    assert likes == ["Alice Moreau", "Frank", "grace", "Troll"]
    assert standin.calls("favourited_by") == 2


def test_blocked_accounts_are_left_out(standin, api) -> None:
    client, root = _posted(standin, api)
    blocked = client.blocked_accounts()
    conversation = client.conversation(root, blocked=blocked)
    assert blocked == {"666"}
    assert "9007" not in {r.remote_id for r in conversation.replies}
    assert "Troll" not in {r.author.name for r in conversation.reactions}


def test_blocks_cannot_be_read_without_a_token(standin, api) -> None:
    assert MastodonClient(api, standin.base).blocked_accounts() == frozenset()


def test_a_post_only_token_is_dropped_for_reading(standin, api) -> None:
    client, root = _posted(standin, api)
    assert client.conversation(root).replies
    assert not client.token_for_reading
    assert [m for m, p in standin.requests if "/context" in p] == ["GET", "GET"]


def test_a_token_that_may_read_is_used_and_the_context_is_complete(standin, api) -> None:
    standin.scopes.add("read:statuses")
    client, root = _posted(standin, api)
    assert client.conversation(root).complete and client.token_for_reading


def test_a_429_is_retried_after_the_servers_pause(standin, api) -> None:
    _client, root = _posted(standin, api)
    standin.fail_once("/context", 429, **{"Retry-After": "0"})
    assert MastodonClient(api, standin.base).conversation(root).replies
    assert standin.calls("/context") == 2


def test_a_deleted_status_is_gone(standin, api) -> None:
    client, _root = _posted(standin, api)
    with pytest.raises(ApiError) as raised:
        client.conversation("424242")
    assert raised.value.gone


@pytest.mark.parametrize(("url", "expected"), [
    ("https://mastodon.example/@site/1234", ("https://mastodon.example", "1234")),
    ("https://mastodon.example/users/site/statuses/1234", ("https://mastodon.example", "1234")),
    ("https://mastodon.example/@site", None),
    ("ftp://mastodon.example/@site/1", None),
])
def test_status_urls_are_recognised(url: str, expected) -> None:
    assert status_id_from_url(url) == expected
