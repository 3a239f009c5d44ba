"""Akismet on trackbacks, pingbacks and webmentions, against the stand-in server on loopback: each
is checked once its source is verified, with Akismet's comment_type for its kind and the sending
page as its URL; spam is kept as spam, an unanswered check holds it (never auto-approved), and a
moderator's decision on a linkback is reported back."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pelican.plugins.engagement.moderation import actions

from tests.linkbacks.conftest import OPEN_KEY, Endpoint, Peer, linking_page, reply_page
from tests.support.akismet import KEY, StandIn, akismet

__all__ = ["akismet"]  # the stand-in's fixture, used here


@pytest.fixture
def checked(make_endpoint, akismet: StandIn) -> Iterator[Endpoint]:
    """Our endpoint with Akismet on, pointed at the stand-in (auto-approval on, to show a hold wins)."""
    with make_endpoint(AKISMET_KEY=KEY, AKISMET_URL=akismet.url, AKISMET_TIMEOUT=10.0,
                       WEBMENTION_AUTO_APPROVE=True) as endpoint:
        yield endpoint


def _checks(akismet: StandIn) -> list[dict[str, str]]:
    return [form for path, form in akismet.calls if path == "/1.1/comment-check"]


def _webmention(endpoint: Endpoint, peer: Peer, path: str = "/reply") -> Any:
    source = peer.page(path, reply_page(endpoint.open_url, text="Cheap watches at my shop"))
    answer = requests.post(endpoint.url + "/webmention", data={"source": source, "target": endpoint.open_url},
                           headers={"User-Agent": "Sender 2.0"}, timeout=10)
    assert answer.status_code == 202
    [entry] = endpoint.store.list(kind="webmention")
    return endpoint.wait_settled(entry.id)


def test_webmention_akismet_calls_spam_is_kept_as_spam(checked: Endpoint, peer: Peer,
                                                       akismet: StandIn) -> None:
    akismet.verdict = "true"
    entry = _webmention(checked, peer)
    assert (entry.verification, entry.status) == ("verified", "spam")
    assert entry.moderation_reason == "akismet: Akismet says spam"
    assert checked.store.moderation_history(entry.id)[-1]["actor"] == "rules"
    [sent] = _checks(akismet)
    assert sent["comment_type"] == "webmention" and sent["comment_author_url"] == entry.source_url
    assert (sent["comment_author"], sent["comment_content"]) == ("Ada Peer", "Cheap watches at my shop")
    assert (sent["user_ip"], sent["user_agent"]) == ("127.0.0.1", "Sender 2.0")
    assert (sent["permalink"], sent["blog"]) == (checked.open_url, checked.site_url + "/")


def test_webmention_akismet_lets_through_is_auto_approved(checked: Endpoint, peer: Peer,
                                                          akismet: StandIn) -> None:
    entry = _webmention(checked, peer)
    assert (entry.status, entry.moderation_reason) == ("approved", None)
    assert len(_checks(akismet)) == 1


def test_unanswered_check_holds_a_webmention_instead_of_approving_it(checked: Endpoint, peer: Peer,
                                                                     akismet: StandIn) -> None:
    akismet.verdict = "error"
    entry = _webmention(checked, peer)
    assert (entry.verification, entry.status) == ("verified", "pending")
    assert entry.moderation_reason == "akismet: not checked (Akismet answered 500); held for a person"
    history = checked.store.moderation_history(entry.id)
    assert [(r["action"], r["actor"]) for r in history] == [("held", "rules")]


def test_trackback_is_checked_as_a_trackback(checked: Endpoint, peer: Peer, akismet: StandIn) -> None:
    akismet.verdict = "true"
    source = peer.page("/post", linking_page(checked.open_url))
    ping = {"url": source, "title": "Replica deals", "excerpt": "Best replicas", "blog_name": "Deals"}
    requests.post(f"{checked.url}/trackback/{OPEN_KEY}", data=ping, timeout=10)
    [entry] = checked.store.list(kind="trackback")
    entry = checked.wait_settled(entry.id)
    assert (entry.status, entry.moderation_reason) == ("spam", "akismet: Akismet says spam")
    [sent] = _checks(akismet)
    assert (sent["comment_type"], sent["comment_author"], sent["comment_content"]) == (
        "trackback", "Deals", "Best replicas")
    assert sent["comment_author_url"] == source


def test_pingback_is_checked_when_it_arrives(checked: Endpoint, peer: Peer, akismet: StandIn) -> None:
    akismet.verdict = "true"
    source = peer.page("/post", linking_page(checked.open_url))
    answer = xmlrpc.client.ServerProxy(checked.url + "/pingback").pingback.ping(source, checked.open_url)
    assert "registered" in answer  # the sender learns nothing
    [entry] = checked.store.list(kind="pingback")
    assert (entry.status, entry.moderation_reason) == ("spam", "akismet: Akismet says spam")
    [sent] = _checks(akismet)
    assert (sent["comment_type"], sent["comment_author_url"]) == ("pingback", source)
    assert sent["user_ip"] == "127.0.0.1"


def test_resent_webmention_a_moderator_approved_is_not_checked_again(checked: Endpoint, peer: Peer,
                                                                     akismet: StandIn) -> None:
    entry = _webmention(checked, peer)
    assert entry.status == "approved"  # Akismet said not spam; auto-approval is on
    akismet.verdict = "true"
    requests.post(checked.url + "/webmention", data={"source": entry.source_url, "target": checked.open_url},
                  timeout=10)
    assert checked.wait_settled(entry.id).status == "approved"
    assert len(_checks(akismet)) == 1


def test_disallowed_source_is_spam_without_asking_akismet(make_endpoint, peer: Peer,
                                                          akismet: StandIn) -> None:
    with make_endpoint(AKISMET_KEY=KEY, AKISMET_URL=akismet.url, DISALLOWED_KEYS=["watches"]) as endpoint:
        entry = _webmention(endpoint, peer)
    assert (entry.status, entry.moderation_reason) == ("spam", "disallowed: “watches” in the text")
    assert _checks(akismet) == []


def test_moderators_decision_on_a_linkback_is_reported(checked: Endpoint, peer: Peer,
                                                       akismet: StandIn) -> None:
    akismet.verdict = "true"
    entry = _webmention(checked, peer)
    actions.moderate(checked.config, checked.store, entry.id, "approve", actor="test")
    [(path, sent)] = [(path, form) for path, form in akismet.calls if "submit" in path]
    assert (path, sent["comment_type"], sent["user_ip"]) == ("/1.1/submit-ham", "webmention", "127.0.0.1")


def test_without_a_key_no_linkback_is_sent_or_keeps_the_senders_address(make_endpoint, peer: Peer,
                                                                        akismet: StandIn) -> None:
    with make_endpoint(AKISMET_URL=akismet.url) as endpoint:
        entry = _webmention(endpoint, peer)
    assert entry.status == "pending" and entry.spam_context is None
    assert akismet.calls == []
