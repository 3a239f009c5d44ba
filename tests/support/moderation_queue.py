"""A realistic moderation queue for the admin page's browser tests and screenshots."""

from __future__ import annotations

from datetime import timedelta

from pelican.plugins.engagement.store import NewEntry, Store, utcnow

from tests.support.endpoint import OPEN


def seed_queue(store: Store, *, bulk: int = 0) -> dict[str, int]:
    """A mixed queue (comments, a reply, linkbacks, rule decisions); ``bulk`` extra plain comments.

    Returns the ids of the named entries.
    """
    start = utcnow() - timedelta(days=2)

    def at(minutes: int):
        return start + timedelta(minutes=minutes)

    ids: dict[str, int] = {}
    earlier = store.add(NewEntry(thread=OPEN, author_name="Maria Lopez", author_email="maria@example.org",
                                 body_source="Great write-up.", body_html="<p>Great write-up.</p>",
                                 status="approved", ip_hash="a1" * 32, created_at=at(0)))
    ids["approved"] = earlier.id
    ids["question"] = store.add(NewEntry(
        thread=OPEN, author_name="Maria Lopez", author_email="maria@example.org",
        author_url="https://maria.example.org", ip_hash="a1" * 32, created_at=at(30),
        body_source="How long did the airline take to answer the second time?",
        body_html="<p>How long did the airline take to answer the second time?</p>",
    )).id
    ids["reply"] = store.add(NewEntry(
        thread=OPEN, parent_id=earlier.id, author_name="Tom Becker", author_email="tom@example.net",
        ip_hash="b2" * 32, created_at=at(45),
        body_source="Agreed, the *apology* was the part that worked.",
        body_html="<p>Agreed, the <em>apology</em> was the part that worked.</p>",
    )).id
    ids["links"] = store.add(NewEntry(
        thread=OPEN, author_name="Deals Team", author_email="deals@shop.example", ip_hash="c3" * 32,
        created_at=at(60), moderation_reason="max-links: 4 links (more than 2)",
        body_source="See https://a.example https://b.example https://c.example https://d.example",
        body_html='<p>See <a href="https://a.example">a</a> <a href="https://b.example">b</a> '
                  '<a href="https://c.example">c</a> <a href="https://d.example">d</a></p>',
    )).id
    ids["webmention"] = store.add(NewEntry(
        thread=OPEN, kind="webmention", author_name="Sam Writes", source_url="https://sam.example/post",
        body_source="Sam wrote about this article.", body_html="<p>Sam wrote about this article.</p>",
        verification="verified", mention_type="mention", created_at=at(90),
        dedupe_key="seed-webmention",
    )).id
    ids["spam"] = store.add(NewEntry(
        thread=OPEN, author_name="Cheap Pills", author_email="pills@pharma.example", ip_hash="d4" * 32,
        status="spam", created_at=at(100), moderation_reason="disallowed: “viagra” in the text",
        body_source="Buy viagra now", body_html="<p>Buy viagra now</p>",
    )).id
    for n in range(bulk):
        store.add(NewEntry(thread=OPEN, author_name=f"Reader {n}", author_email=f"reader{n}@example.org",
                           body_source=f"Bulk comment number {n}", created_at=at(200 + n),
                           body_html=f"<p>Bulk comment number {n}</p>", ip_hash=f"{n:064x}"))
    return ids
