"""Receiving webmentions: validation, 202 + status URL, async verification, updates and deletes."""

from __future__ import annotations

import re

import pytest
import requests
from ronkyuu.webmention import sendWebmention

from tests.linkbacks.conftest import OPEN_KEY, linking_page, reply_page


def _post(endpoint, source: str, target: str | None = None) -> requests.Response:
    target = target or endpoint.open_url
    return requests.post(endpoint.url + "/webmention", data={"source": source, "target": target},
                         timeout=10)


def _status_url(response: requests.Response) -> str:
    match = re.search(r"Status: (\S+)", response.text)
    assert match, response.text
    return match.group(1)


def test_independent_client_gets_202_with_status_url_and_no_location(endpoint, peer):
    source = peer.page("/reply", reply_page(endpoint.open_url))
    # ronkyuu discovers our endpoint on the article page itself.
    response = sendWebmention(source, endpoint.open_url, test_urls=False, timeout=10)
    assert response.status_code == 202
    assert "Location" not in response.headers
    status = requests.get(_status_url(response), timeout=10).json()
    assert status["source"] == source and status["target"] == endpoint.open_url


def test_verified_reply_takes_author_text_and_type_from_microformats(endpoint, peer):
    source = peer.page("/reply", reply_page(endpoint.open_url, text="I <b>disagree</b> & here is why"))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    entry = endpoint.wait_settled(entry.id)
    assert entry.verification == "verified"
    assert (entry.mention_type, entry.author_name) == ("reply", "Ada Peer")
    assert entry.author_url == peer.url + "/"
    assert entry.body_source == "I disagree & here is why"
    assert "&amp;" in entry.body_html and "<b>" not in entry.body_html
    assert entry.status == "pending" and entry.thread == OPEN_KEY


def test_like_is_recognised(endpoint, peer):
    source = peer.page("/like", reply_page(endpoint.open_url, kind="like-of", text="liked"))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    assert endpoint.wait_settled(entry.id).mention_type == "like"


def test_auto_approve_setting_approves_verified_mentions(make_endpoint, peer):
    with make_endpoint(WEBMENTION_AUTO_APPROVE=True) as endpoint:
        source = peer.page("/reply", reply_page(endpoint.open_url))
        _post(endpoint, source)
        [entry] = endpoint.store.list(kind="webmention")
        endpoint.wait_settled(entry.id)
        assert endpoint.store.require(entry.id).status == "approved"


def test_plain_page_falls_back_to_title_and_excerpt(endpoint, peer):
    source = peer.page("/plain", linking_page(endpoint.open_url, title="Why service matters"))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    entry = endpoint.wait_settled(entry.id)
    assert entry.mention_type == "mention"
    assert entry.title == "Why service matters" and entry.blog_name == "Peer Blog"
    assert entry.body_source.startswith("[…]") and "this article" in entry.body_source


def test_source_without_link_is_removed(endpoint, peer):
    source = peer.page("/nolink", linking_page("http://elsewhere.example/"))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    entry = endpoint.wait_settled(entry.id)
    assert (entry.verification, entry.status) == ("failed", "deleted")
    assert "does not link" in entry.verify_error


def test_link_must_match_exactly(endpoint, peer):
    source = peer.page("/near", linking_page(endpoint.open_url + "extra/"))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    assert endpoint.wait_settled(entry.id).status == "deleted"


def test_resend_updates_the_stored_mention(make_endpoint_on, peer):
    with make_endpoint_on() as endpoint:
        _resend_updates(endpoint, peer)


def _resend_updates(endpoint, peer):
    source = peer.page("/reply", reply_page(endpoint.open_url, text="First version"))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    endpoint.wait_settled(entry.id)
    endpoint.store.set_status(entry.id, "approved", actor="test")
    peer.page("/reply", reply_page(endpoint.open_url, text="Edited version"))
    assert _post(endpoint, source).status_code == 202
    entries = endpoint.store.list(kind="webmention")
    assert [e.id for e in entries] == [entry.id]
    updated = endpoint.wait_settled(entry.id)
    assert updated.body_source == "Edited version" and updated.status == "approved"


def test_resend_after_source_is_gone_removes_the_mention(endpoint, peer):
    source = peer.page("/reply", reply_page(endpoint.open_url))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    endpoint.wait_settled(entry.id)
    endpoint.store.set_status(entry.id, "approved", actor="test")
    peer.page("/reply", "<h1>Gone</h1>", status=410)
    _post(endpoint, source)
    removed = endpoint.wait_settled(entry.id)
    assert removed.status == "deleted" and "410" in removed.verify_error


def test_resend_after_link_removed_removes_the_mention(endpoint, peer):
    source = peer.page("/reply", reply_page(endpoint.open_url))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    endpoint.wait_settled(entry.id)
    peer.page("/reply", linking_page("http://elsewhere.example/"))
    _post(endpoint, source)
    assert endpoint.wait_settled(entry.id).status == "deleted"


def test_mention_removed_by_verifier_returns_when_link_is_back(endpoint, peer):
    source = peer.page("/reply", linking_page("http://elsewhere.example/"))
    _post(endpoint, source)
    [entry] = endpoint.store.list(kind="webmention")
    assert endpoint.wait_settled(entry.id).status == "deleted"
    peer.page("/reply", reply_page(endpoint.open_url))
    _post(endpoint, source)
    back = endpoint.wait_settled(entry.id)
    assert (back.verification, back.status) == ("verified", "pending")


def test_status_url_reports_verification(endpoint, peer):
    source = peer.page("/reply", reply_page(endpoint.open_url))
    status_url = _status_url(_post(endpoint, source))
    [entry] = endpoint.store.list(kind="webmention")
    endpoint.wait_settled(entry.id)
    assert requests.get(status_url, timeout=10).json()["verification"] == "verified"
    assert requests.get(endpoint.url + "/webmention/status/nope", timeout=10).status_code == 404


@pytest.mark.parametrize("forged", [{"Host": "attacker.example"},
                                    {"X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "http"}],
                         ids=["Host", "X-Forwarded-Host behind a trusted proxy"])
def test_status_url_comes_from_the_configured_endpoint_url_not_the_request(make_endpoint, peer, forged):
    configured = "https://engage.example.org/mentions"
    with make_endpoint(ENDPOINT_URL=configured, TRUSTED_PROXIES=1) as endpoint:
        source = peer.page("/reply", reply_page(endpoint.open_url))
        response = requests.post(endpoint.url + "/webmention", headers=forged, timeout=10,
                                 data={"source": source, "target": endpoint.open_url})
    assert response.status_code == 202, response.text
    [entry] = endpoint.store.list(kind="webmention")
    assert _status_url(response) == f"{configured}/webmention/status/{entry.uuid}"
    assert "attacker" not in response.text


def test_rejects_source_equal_to_target(endpoint):
    response = _post(endpoint, endpoint.open_url, endpoint.open_url)
    assert response.status_code == 400 and "different" in response.text


def test_rejects_non_http_source(endpoint):
    response = _post(endpoint, "ftp://example.com/post")
    assert response.status_code == 400 and "http" in response.text


def test_rejects_target_that_is_not_our_article(endpoint, peer):
    response = _post(endpoint, peer.url + "/x", endpoint.site_url + "/no/such/article/")
    assert response.status_code == 400 and "not an article" in response.text


def test_target_fragment_is_ignored(endpoint, peer):
    source = peer.page("/reply", reply_page(endpoint.open_url + "#comments"))
    assert _post(endpoint, source, endpoint.open_url + "#comments").status_code == 202


def test_rejects_closed_article(endpoint, peer):
    response = _post(endpoint, peer.url + "/x", endpoint.closed_url)
    assert response.status_code == 400 and "does not accept" in response.text


def test_missing_parameters_are_a_400(endpoint):
    response = requests.post(endpoint.url + "/webmention", data={"target": endpoint.open_url}, timeout=10)
    assert response.status_code == 400 and "source URL is missing" in response.text


def test_disabled_webmentions_are_refused(make_endpoint, peer):
    with make_endpoint(WEBMENTIONS=False) as endpoint:
        assert _post(endpoint, peer.url + "/x").status_code == 400
    assert not endpoint.store.list(kind="webmention")


def test_rate_limit_per_client(make_endpoint_on, peer):
    with make_endpoint_on(LINKBACK_RATE_LIMIT=2, LINKBACK_SOURCE_RATE_LIMIT=0) as endpoint:
        codes = [_post(endpoint, f"{peer.url}/p{n}").status_code for n in range(3)]
    assert codes == [202, 202, 429]


def test_rate_limit_per_source_host(make_endpoint, peer):
    with make_endpoint(LINKBACK_RATE_LIMIT=0, LINKBACK_SOURCE_RATE_LIMIT=2) as endpoint:
        codes = [_post(endpoint, f"{peer.url}/p{n}").status_code for n in range(3)]
        other_host = _post(endpoint, "http://other.example/post").status_code
    assert codes == [202, 202, 429] and other_host == 202


def test_queue_left_by_an_earlier_run_is_resumed_at_start(tmp_path, store, peer):
    from pelican.plugins.engagement.store import NewEntry, dedupe_key

    from tests.linkbacks.conftest import running_endpoint

    # The page does not link to us, so once the queue is resumed the entry is settled as failed.
    source = peer.page("/reply", linking_page("http://elsewhere.example/"))
    entry = store.add(NewEntry(thread=OPEN_KEY, kind="webmention", source_url=source,
                               verification="queued", dedupe_key=dedupe_key("linkback", OPEN_KEY, source)))
    with running_endpoint(tmp_path, store) as endpoint:
        assert endpoint.wait_settled(entry.id).verification == "failed"


def test_status_page_hides_network_detail(endpoint):
    status_url = _status_url(_post(endpoint, "http://127.0.0.1:9/closed-port"))
    [entry] = endpoint.store.list(kind="webmention")
    assert "could not connect" in endpoint.wait_settled(entry.id).verify_error  # for moderators
    status = requests.get(status_url, timeout=10).json()
    assert status["verification_error"] == "The source could not be verified."


def test_status_page_says_when_the_link_is_missing(endpoint, peer):
    status_url = _status_url(_post(endpoint, peer.page("/x", linking_page("http://elsewhere.example/"))))
    [entry] = endpoint.store.list(kind="webmention")
    endpoint.wait_settled(entry.id)
    assert requests.get(status_url, timeout=10).json()["verification_error"] == (
        "The source does not link to the target.")
