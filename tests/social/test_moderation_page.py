"""The moderation page lists a backfed reply with its platform and handle, like any entry."""

from __future__ import annotations

import requests
from bs4 import BeautifulSoup
from pelican.plugins.engagement.store import NewEntry, dedupe_key

from tests.support.endpoint import OPEN, built_site, start_endpoint

__all__ = ["built_site", "start_endpoint"]
TOKEN = "correct horse battery staple 42"


def test_a_backfed_reply_waits_in_the_queue_with_its_platform(start_endpoint) -> None:
    endpoint = start_endpoint(ADMIN_TOKEN=TOKEN)
    endpoint.store.save_social(NewEntry(
        thread=OPEN, kind="mastodon", mention_type="reply", author_name="Alice Moreau",
        title="@alice@mastodon.example", author_url="https://mastodon.example/@alice",
        source_url="https://mastodon.example/@alice/9001", body_source="Great piece!",
        body_html="<p>Great piece!</p>", dedupe_key=dedupe_key("mastodon", "reply", "9001"),
    ))
    session = requests.Session()
    session.post(f"{endpoint.url}/admin/login", data={"token": TOKEN}, allow_redirects=False, timeout=10)
    page = BeautifulSoup(session.get(f"{endpoint.url}/admin", timeout=10).text, "html.parser")
    entry = page.select_one(".mq-entry")
    assert entry.select_one(".mq-kind").get_text() == "mastodon"
    assert "@alice@mastodon.example" in entry.get_text() and "Great piece!" in entry.get_text()
