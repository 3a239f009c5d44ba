"""E-mail through a real SMTP server on loopback: the editor's notice, double opt-in, reply notices
and one-click unsubscribe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from pelican.plugins.engagement.moderation import actions as moderation
from pelican.plugins.engagement.moderation import subscriptions

from tests.support.endpoint import OPEN, Endpoint, comment_fields
from tests.support.smtp import Mailbox, smtp_server


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def mailing_endpoint(start_endpoint, mailbox: Mailbox) -> Endpoint:
    return start_endpoint(SMTP_HOST=mailbox.host, SMTP_PORT=mailbox.port, MAIL_FROM="blog@example.org",
                          RATE_LIMIT=0)


def post(endpoint: Endpoint, **changes: str) -> dict:
    answer = requests.post(f"{endpoint.url}/api/comments", json=comment_fields(**changes), timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


def link(text: str, kind: str) -> str:
    return re.search(rf"https?://\S+/notifications/{kind}/\S+", text).group(0)


def local(endpoint: Endpoint, url: str) -> str:
    """The link as the test server serves it (the mail uses the configured public ENDPOINT_URL)."""
    return endpoint.url + urlsplit(url).path


def test_editor_is_told_about_a_new_comment(start_endpoint, mailbox: Mailbox) -> None:
    endpoint = start_endpoint(
        SMTP_HOST=mailbox.host, SMTP_PORT=mailbox.port, NOTIFY_EMAIL="editor@example.org"
    )
    created = post(endpoint, name="Ann Reader", body="What a story.")
    [message] = mailbox.wait(1)
    assert message["To"] == "editor@example.org"
    assert message["Subject"] == "[CXperience] New comment on “Open Thread”"
    text = message.get_content()
    assert "Ann Reader" in text and "What a story." in text
    assert f"engagement moderate approve {created['id']}" in text


def test_notify_request_sends_one_confirmation(mailing_endpoint: Endpoint, mailbox: Mailbox) -> None:
    post(mailing_endpoint, notify="1")
    [message] = mailbox.wait(1)
    assert message["To"] == "ann@example.org"
    assert message["From"] == "blog@example.org"
    assert "confirm" in message["Subject"].lower()
    unsubscribe = link(message.get_content(), "unsubscribe")
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_confirmation_link_needs_the_button(mailing_endpoint: Endpoint, mailbox: Mailbox) -> None:
    post(mailing_endpoint, notify="1")
    confirm = local(mailing_endpoint, link(mailbox.wait(1)[0].get_content(), "confirm"))
    token = confirm.rsplit("/", 1)[1]
    opened = requests.get(confirm, timeout=10)
    assert opened.status_code == 200 and "<form method=\"post\">" in opened.text
    assert not subscriptions.find(mailing_endpoint.store, token).confirmed  # a link preview changes nothing
    pressed = requests.post(confirm, timeout=10)
    assert "Reply notices are on" in pressed.text
    assert subscriptions.find(mailing_endpoint.store, token).confirmed


def _confirmed_comment(endpoint: Endpoint, mailbox: Mailbox) -> tuple[int, str]:
    created = post(endpoint, notify="1")
    confirmation = mailbox.wait(1)[0].get_content()
    requests.post(local(endpoint, link(confirmation, "confirm")), timeout=10)
    moderation.moderate(endpoint.config, endpoint.store, created["id"], "approve", actor="test")
    return created["id"], link(confirmation, "unsubscribe")


def test_approved_reply_notifies_the_confirmed_subscriber(
    mailing_endpoint: Endpoint, mailbox: Mailbox
) -> None:
    parent, _ = _confirmed_comment(mailing_endpoint, mailbox)
    reply = post(mailing_endpoint, name="Bob", email="bob@example.org", body="I disagree.",
                 parent=str(parent))
    assert len(mailbox.wait(2, timeout=0.5)) == 1  # nothing while the reply waits for moderation
    moderation.moderate(mailing_endpoint.config, mailing_endpoint.store, reply["id"], "approve", actor="test")
    notice = mailbox.wait(2)[1]
    assert notice["To"] == "ann@example.org"
    text = notice.get_content()
    assert "Bob replied to your comment" in text and "I disagree." in text
    assert f"/{OPEN}#comment-{reply['id']}" in text
    assert notice["List-Unsubscribe"] == f"<{link(text, 'unsubscribe')}>"


def test_bulk_approval_sends_each_reply_notice_once(mailing_endpoint: Endpoint, mailbox: Mailbox) -> None:
    parent, _ = _confirmed_comment(mailing_endpoint, mailbox)
    replies = [post(mailing_endpoint, name=f"Reader {n}", email=f"r{n}@example.org", body=f"Answer {n}.",
                    parent=str(parent))["id"] for n in range(3)]
    other = post(mailing_endpoint, name="Cy", email="cy@example.org", body="Not a reply.")["id"]
    ids = [*replies, other]

    moderation.moderate_many(mailing_endpoint.config, mailing_endpoint.store, ids, "approve", actor="test")
    notices = mailbox.wait(4)[1:]
    assert sorted(n.get_content().split("replied")[0].strip() for n in notices) == [
        f"Reader {n}" for n in range(3)]
    assert {n["To"] for n in notices} == {"ann@example.org"}

    moderation.moderate_many(mailing_endpoint.config, mailing_endpoint.store, ids, "approve", actor="test")
    assert len(mailbox.wait(5, timeout=0.5)) == 4  # approving again mails nobody again


def test_unconfirmed_address_gets_no_reply_notice(mailing_endpoint: Endpoint, mailbox: Mailbox) -> None:
    parent = post(mailing_endpoint, notify="1")["id"]
    moderation.moderate(mailing_endpoint.config, mailing_endpoint.store, parent, "approve", actor="test")
    reply = post(mailing_endpoint, name="Bob", email="bob@example.org", parent=str(parent))["id"]
    moderation.moderate(mailing_endpoint.config, mailing_endpoint.store, reply, "approve", actor="test")
    assert len(mailbox.wait(2, timeout=0.5)) == 1  # only the confirmation request


def test_one_click_unsubscribe_stops_notices(mailing_endpoint: Endpoint, mailbox: Mailbox) -> None:
    parent, unsubscribe = _confirmed_comment(mailing_endpoint, mailbox)
    # What a mail client does with List-Unsubscribe-Post (RFC 8058).
    answer = requests.post(local(mailing_endpoint, unsubscribe), data={"List-Unsubscribe": "One-Click"},
                           timeout=10)
    assert answer.status_code == 200 and "Unsubscribed" in answer.text
    reply = post(mailing_endpoint, name="Bob", email="bob@example.org", parent=str(parent))["id"]
    moderation.moderate(mailing_endpoint.config, mailing_endpoint.store, reply, "approve", actor="test")
    assert len(mailbox.wait(2, timeout=0.5)) == 1


def test_confirmations_to_one_address_are_capped(mailing_endpoint: Endpoint, mailbox: Mailbox) -> None:
    for n in range(moderation.CONFIRMATIONS_PER_DAY + 2):
        post(mailing_endpoint, notify="1", body=f"comment {n}")
    cap = moderation.CONFIRMATIONS_PER_DAY
    assert len(mailbox.wait(cap + 1, timeout=1)) == cap


def test_comment_is_kept_when_the_mail_server_is_down(start_endpoint) -> None:
    endpoint = start_endpoint(SMTP_HOST="127.0.0.1", SMTP_PORT=9, NOTIFY_EMAIL="editor@example.org")
    created = post(endpoint)
    assert endpoint.store.require(created["id"]).status == "pending"
