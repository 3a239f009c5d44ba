"""The editor's e-mail is batched: one message at once, then at most one per window with the count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from pelican.plugins.engagement.moderation import digest
from pelican.plugins.engagement.store import utcnow

from tests.support.endpoint import comment_fields
from tests.support.smtp import Mailbox, smtp_server


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def test_a_wave_of_comments_sends_one_message_then_one_digest(start_endpoint, mailbox: Mailbox) -> None:
    endpoint = start_endpoint(SMTP_HOST=mailbox.host, SMTP_PORT=mailbox.port, NOTIFY_EMAIL="ed@example.org",
                              NOTIFY_BATCH_MINUTES=15, RATE_LIMIT=0, DISALLOWED_KEYS=["casino"])
    for n in range(6):
        body = f"Comment {n}" if n != 3 else "Best casino bonus"
        requests.post(f"{endpoint.url}/api/comments", json=comment_fields(name=f"Reader {n}", body=body),
                      timeout=10)
    [first] = mailbox.wait(1)
    assert "Reader 0" in first.get_content()  # the first one at once, as a single notice
    assert len(mailbox.wait(2, timeout=1.0)) == 1  # the rest wait for the window to end
    assert digest.send_due(endpoint.config, endpoint.store, now=utcnow() + timedelta(minutes=16))
    later = mailbox.wait(2)[1]
    text = later.get_content()
    assert later["Subject"].endswith("5 new entries (4 waiting for moderation)")
    assert "1 spam" in text and "4 pending" in text
    assert "Reader 1" in text and "Reader 3" not in text  # spam is counted, never listed


def test_no_second_message_within_the_window(start_endpoint, mailbox: Mailbox) -> None:
    endpoint = start_endpoint(SMTP_HOST=mailbox.host, SMTP_PORT=mailbox.port, NOTIFY_EMAIL="ed@example.org")
    requests.post(f"{endpoint.url}/api/comments", json=comment_fields(), timeout=10)
    mailbox.wait(1)
    assert not digest.send_due(endpoint.config, endpoint.store, now=utcnow() + timedelta(minutes=5))


def test_zero_minutes_mails_every_entry(start_endpoint, mailbox: Mailbox) -> None:
    endpoint = start_endpoint(SMTP_HOST=mailbox.host, SMTP_PORT=mailbox.port, NOTIFY_EMAIL="ed@example.org",
                              NOTIFY_BATCH_MINUTES=0)
    for n in range(3):
        requests.post(f"{endpoint.url}/api/comments", json=comment_fields(body=f"c{n}"), timeout=10)
    assert len(mailbox.wait(3)) == 3
