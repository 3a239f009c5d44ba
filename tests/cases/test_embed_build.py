"""Social posts on a line of their own become static cards, fetched once and then read offline.

Every test builds a real small site; the platform is a stand-in served on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from tests.cases.conftest import article_site, build_lenient, fetch_settings, video_snapshot
from tests.cases.standin import SLOW_SECONDS, StandIn
from tests.support.servers import serve_wsgi
from tests.support.sites import build_site


def _page(output: Path) -> BeautifulSoup:
    return BeautifulSoup((output / "2024" / "01" / "post" / "index.html").read_text("utf-8"), "html.parser")


def _snapshot(content: Path) -> dict:
    return json.loads((content / "embeds.json").read_text("utf-8"))["embeds"]


def test_first_fetch_renders_a_card_and_writes_the_snapshot(tmp_path: Path, standin) -> None:
    base, _app = standin
    url = f"{base}/posts/1"
    content = article_site(tmp_path, f"Look:\n\n{url}\n\nDone.")
    output = build_site(tmp_path, content, **fetch_settings(base))
    entry = _snapshot(content)[url]
    assert entry["fetched_at"] and entry["payload"]["author_name"] == "Sam Customer"
    card = _page(output).find("figure", class_="embed-card")
    assert "My power is out" in card.blockquote.get_text()
    assert card.find(class_="p-nickname").get_text() == "@sam"
    assert card.find("time")["datetime"] == "2016-02-14T00:00:00"
    image = card.find("a", class_="embed-media").img
    assert (image["width"], image["height"]) == ("1", "1")
    assert (output / image["src"].split("127.0.0.1:8000/", 1)[1]).read_bytes().startswith(b"\x89PNG")


def test_rebuild_with_the_platform_down_uses_the_snapshot(tmp_path: Path) -> None:
    app = StandIn()
    with serve_wsgi(app) as base:
        url = f"{base}/posts/1"
        content = article_site(tmp_path, url)
        build_site(tmp_path, content, **fetch_settings(base))
    # The server is gone; fetching is still on, but the snapshot has the post: no warning (the
    # strict build would fail on one) and the same card.
    output = build_site(tmp_path / "again", content, **fetch_settings(base))
    assert "My power is out" in _page(output).find("figure", class_="embed-card").get_text()
    assert (output / "engagement" / "media").is_dir()


def test_snapshot_is_enough_with_no_server_at_all(tmp_path: Path) -> None:
    content = article_site(tmp_path, "https://x.com/someone/status/1")
    (content / "embeds.json").write_text(json.dumps({"version": 1, "embeds": {
        "https://x.com/someone/status/1": {
            "fetched_at": "2024-01-01T00:00:00+00:00", "source": "oembed", "platform": "X",
            "endpoint": "https://publish.twitter.com/oembed?url=…", "media": {},
            "payload": {"type": "rich", "version": "1.0", "author_name": "Someone",
                        "author_url": "https://x.com/someone",
                        "html": "<blockquote><p>Archived words</p>&mdash; Someone (@someone) "
                                "<a href='https://x.com/someone/status/1'>May 2, 2023</a></blockquote>"},
        }}}), "utf-8")
    output = build_site(tmp_path, content)  # fetching is off in test sites by default
    card = _page(output).find("figure", class_="embed-card")
    assert card["data-engagement-embed"] == "snapshot"
    assert "Archived words" in card.get_text()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("gone", "the post is gone (HTTP 410)"),
        ("broken", "the response is not valid JSON"),
        ("slow", "took too long"),
    ],
)
def test_unfetchable_post_degrades_to_a_link_card_with_a_warning(
    tmp_path: Path, standin, caplog: pytest.LogCaptureFixture, path: str, reason: str
) -> None:
    base, _app = standin
    url = f"{base}/posts/{path}"
    content = article_site(tmp_path, f"Intro.\n\n{url}\n")
    with caplog.at_level(logging.WARNING):
        output = build_lenient(tmp_path, content, **fetch_settings(base, ENGAGEMENT_FETCH_TIMEOUT=0.5))
    link = _page(output).find(attrs={"data-engagement-embed": "missing"})
    assert link.a["href"] == url
    source = content / "articles" / "post.md"
    assert any(f"{source}:9: embed {url}" in message and reason in message for message in caplog.messages)
    assert not (content / "embeds.json").exists()


def test_slow_server_is_cut_off_by_the_timeout(tmp_path: Path, standin,
                                               caplog: pytest.LogCaptureFixture) -> None:
    # The stand-in answers after SLOW_SECONDS; with a shorter deadline the fetch gives up and the
    # post becomes a link card, whatever the machine's speed (no wall-clock assertion).
    base, _app = standin
    url = f"{base}/posts/slow"
    content = article_site(tmp_path, url)
    build_lenient(tmp_path, content, **fetch_settings(base, ENGAGEMENT_FETCH_TIMEOUT=SLOW_SECONDS / 6))
    assert any(f"embed {url}" in m and "took too long" in m for m in caplog.messages), caplog.messages


def test_strict_build_fails_naming_file_and_line(
    tmp_path: Path, standin, caplog: pytest.LogCaptureFixture
) -> None:
    base, _app = standin
    url = f"{base}/posts/gone"
    content = article_site(tmp_path, f"One.\n\nTwo.\n\n{url}\n")
    with pytest.raises(RuntimeError):
        build_site(tmp_path, content, **fetch_settings(base))
    assert any(f"post.md:11: embed {url}" in message for message in caplog.messages)


def test_missing_snapshot_with_fetching_off_fails_the_strict_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = article_site(tmp_path, "https://bsky.app/profile/someone.example/post/3kabc")
    with pytest.raises(RuntimeError):
        build_site(tmp_path, content)
    assert any("post.md:7: embed https://bsky.app/profile/someone.example/post/3kabc" in m
               and "fetching is off" in m for m in caplog.messages)


def test_remote_html_is_sanitized(tmp_path: Path, standin) -> None:
    base, _app = standin
    content = article_site(tmp_path, f"{base}/posts/evil")
    output = build_site(tmp_path, content, **fetch_settings(base))
    html = (output / "2024" / "01" / "post" / "index.html").read_text("utf-8")
    card = _page(output).find("figure", class_="embed-card")
    assert "Hello" in card.get_text() and "click me" in card.get_text()
    for needle in ("<script", "<iframe", "onclick", "onerror", "javascript:", "evil.example", "<b>"):
        assert needle not in str(card), needle
    assert "evil.example" not in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in str(card) or "Mallory" in card.get_text()


def test_mastodon_status_becomes_a_card_with_a_local_avatar(tmp_path: Path, standin) -> None:
    base, _app = standin
    url = f"{base}/@alice/109"
    content = article_site(tmp_path, url)
    output = build_site(tmp_path, content, **fetch_settings(base))
    card = _page(output).find("figure", class_="embed-card")
    assert "Thanks for the quick fix" in card.blockquote.get_text()
    assert card.find(class_="p-nickname").get_text() == "@alice@127.0.0.1"
    avatar = card.select_one(".post-head > img:first-child")["src"]
    assert avatar.startswith("http://127.0.0.1:8000/engagement/media/")
    assert _snapshot(content)[url]["source"] == "mastodon"


def test_mastodon_without_status_api_is_found_by_oembed_discovery(tmp_path: Path, standin) -> None:
    base, app = standin
    url = f"{base}/@bob/110"
    content = article_site(tmp_path, url)
    output = build_site(tmp_path, content, **fetch_settings(base))
    assert "/api/oembed" in app.hits
    card = _page(output).find("figure", class_="embed-card")
    assert "Bob" in card.get_text() and not card.find("iframe")


def test_meta_post_without_token_is_a_link_card_without_warning(tmp_path: Path) -> None:
    url = "https://www.instagram.com/p/ABC123/"
    content = article_site(tmp_path, url)
    output = build_site(tmp_path, content)  # strict: a warning would fail it
    link = _page(output).find(attrs={"data-engagement-embed": "link"})
    assert link.a["href"] == url and "Instagram" in link.get_text()


def test_url_inside_a_paragraph_or_code_stays_text(tmp_path: Path) -> None:
    body = ("See https://x.com/a/status/1 for more.\n\n```\nhttps://x.com/a/status/2\n```\n\n"
            "    https://x.com/a/status/3\n")
    output = build_site(tmp_path, article_site(tmp_path, body))
    page = _page(output)
    assert not page.find(class_="embed-card")
    assert "https://x.com/a/status/2" in page.find("pre").get_text()


def test_built_pages_load_no_third_party_script_or_frame(tmp_path: Path, standin) -> None:
    base, _app = standin
    content = article_site(tmp_path, f"{base}/posts/1\n\n{base}/@alice/109\n\n{base}/posts/evil")
    output = build_site(tmp_path, content, **fetch_settings(base))
    for page in output.rglob("*.html"):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for tag in soup.find_all(["script", "iframe"], src=True):
            # Root-relative (the page's own links) or under SITEURL (article content, which feeds carry).
            resolved = urljoin("http://127.0.0.1:8000/", tag["src"])
            assert resolved.startswith("http://127.0.0.1:8000/"), (page, tag)


def test_case_post_fills_the_customer_fields_from_the_snapshot(tmp_path: Path, standin) -> None:
    base, _app = standin
    content = article_site(tmp_path, f"```case\nbrand: Acme\nverdict: beauty\npost: {base}/@alice/109\n```")
    output = build_site(tmp_path, content, **fetch_settings(base))
    card = _page(output).find("figure", class_="case-card")
    assert card.find(class_="p-author").get_text(" ", strip=True) == "Alice A. @alice@127.0.0.1"
    assert "Thanks for the quick fix" in card.find("blockquote").get_text()
    assert card.find("time", class_="dt-published")["datetime"].startswith("2024-03-01T10:15")


def test_video_card_shows_a_local_thumbnail_and_no_player(tmp_path: Path) -> None:
    url = "https://www.youtube.com/watch?v=abc"
    content = article_site(tmp_path, url)
    video_snapshot(content, url)
    output = build_site(tmp_path, content)
    card = _page(output).find("figure", class_="embed-card")
    assert card.find("img")["src"] == "http://127.0.0.1:8000/engagement/media/thumb.png"
    assert (output / "engagement" / "media" / "thumb.png").is_file()
    assert not card.find("iframe") and not card.find("button")


def test_interactive_mode_offers_the_player_after_a_click(tmp_path: Path) -> None:
    url = "https://youtu.be/abc"
    content = article_site(tmp_path, url)
    video_snapshot(content, url)
    output = build_site(tmp_path, content, ENGAGEMENT_EMBEDS_INTERACTIVE=True)
    page = _page(output)
    button = page.find("button", class_="embed-play")
    assert button["data-embed-src"] == "https://www.youtube-nocookie.com/embed/abc"
    assert not page.find("iframe")
    assert page.find("script", src="http://127.0.0.1:8000/engagement/cases.js")


def test_bluesky_style_post_becomes_a_card(tmp_path: Path, standin) -> None:
    base, _app = standin
    url = f"{base}/profile/bee.example/post/3k"
    content = article_site(tmp_path, url)
    providers = {"http://127.0.0.1:*/profile/*/post/*": f"{base}/oembed"}
    settings = fetch_settings(base, ENGAGEMENT_EMBEDS_PROVIDERS=providers)
    card = _page(build_site(tmp_path, content, **settings)).find("figure", class_="embed-card")
    assert card.blockquote.get_text("|").startswith("Still waiting on that refund.")
    assert card.find(class_="p-nickname").get_text() == "@bee.example"
    assert card.find("time")["datetime"] == "2024-11-18T12:34:00"
    assert not card.find("script")


def test_private_addresses_are_not_fetched_unless_allowed(
    tmp_path: Path, standin, caplog: pytest.LogCaptureFixture
) -> None:
    base, app = standin
    content = article_site(tmp_path, f"{base}/posts/1")
    with caplog.at_level(logging.WARNING):
        output = build_lenient(tmp_path, content, **fetch_settings(base, ENGAGEMENT_ALLOWED_PRIVATE_HOSTS=[]))
    assert app.hits == []
    assert _page(output).find(attrs={"data-engagement-embed": "missing"})
    assert any("post.md:7: embed" in m and "not fetched" in m for m in caplog.messages)


def test_discovery_cannot_lead_to_a_private_address(
    tmp_path: Path, standin, caplog: pytest.LogCaptureFixture
) -> None:
    base, app = standin
    url = f"{base}/@carol/110"
    content = article_site(tmp_path, url)
    with caplog.at_level(logging.WARNING):
        build_lenient(tmp_path, content, **fetch_settings(base))
    assert "/api/oembed" not in app.hits  # the advertised localhost endpoint was refused
    # Refused before connecting: a non-standard port or a non-public address, never fetched.
    assert any(f"embed {url}" in m and ("not fetched" in m or "non-public" in m) for m in caplog.messages)


def test_embeds_off_leaves_urls_as_text(tmp_path: Path) -> None:
    url = "https://x.com/someone/status/1"
    output = build_site(tmp_path, article_site(tmp_path, url), ENGAGEMENT_EMBEDS=False)
    page = _page(output)
    assert not page.find(class_="embed-card") and url in page.find("div", class_="e-content").get_text()


def test_case_post_no_provider_knows_is_reported_on_its_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = article_site(tmp_path, "```case\nbrand: B\nverdict: beast\npost: https://example.com/p/1\n```")
    with pytest.raises(RuntimeError):
        build_site(tmp_path, content)
    assert any("post.md:10: embed https://example.com/p/1" in m and "no provider recognises" in m
               for m in caplog.messages)
