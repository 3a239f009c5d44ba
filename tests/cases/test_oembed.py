"""The oEmbed client on its own, against the stand-in on loopback."""

from __future__ import annotations

import json

from pelican.plugins.engagement.cases.oembed import fetch_entry
from pelican.plugins.engagement.cases.providers import Match, Provider, match
from pelican.plugins.engagement.net import Fetcher, FetchPolicy


def test_meta_token_is_sent_but_never_stored(standin) -> None:
    base, app = standin
    provider = Provider("Instagram", ("http://127.0.0.1:*/p/*",), f"{base}/oembed", needs_token=True)
    with Fetcher(FetchPolicy(allowed_private_hosts=frozenset({"127.0.0.1"}))) as fetcher:
        entry = fetch_entry(fetcher, f"{base}/p/abc", Match("Instagram", provider=provider), token="s3cret")
    assert "access_token=s3cret" in app.queries[-1]
    assert "s3cret" not in json.dumps(entry)


def test_known_platforms_and_any_mastodon_instance_are_recognised() -> None:
    assert match("https://x.com/jetblue/status/123").platform == "X"
    assert match("https://bsky.app/profile/a.example/post/3k").platform == "Bluesky"
    assert match("https://www.youtube.com/watch?v=abc").platform == "YouTube"
    assert match("https://vimeo.com/123456").platform == "Vimeo"
    assert match("https://www.instagram.com/p/ABC/").provider.needs_token
    found = match("https://social.example.net/@someone/112233")
    assert found.mastodon_api == "https://social.example.net/api/v1/statuses/112233"
    assert match("https://example.com/blog/post") is None
