"""Receiving pingbacks from Python's own XML-RPC client: success, the spec's fault codes, XML guards."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests

from tests.linkbacks.conftest import OPEN_KEY, linking_page


def _ping(endpoint, source: str, target: str) -> str:
    proxy = xmlrpc.client.ServerProxy(endpoint.url + "/pingback")
    return proxy.pingback.ping(source, target)


def _fault(endpoint, source: str, target: str) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        _ping(endpoint, source, target)
    return caught.value


@pytest.fixture
def detailed(make_endpoint):
    with make_endpoint(PINGBACK_FAULT_DETAIL=True) as endpoint:
        yield endpoint


def test_pingback_is_verified_and_stored_pending(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url, title="Service stories"))
    assert "registered" in _ping(endpoint, source, endpoint.open_url)
    [entry] = endpoint.store.list(kind="pingback")
    assert (entry.thread, entry.status, entry.verification) == (OPEN_KEY, "pending", "verified")
    assert (entry.title, entry.blog_name, entry.source_url) == ("Service stories", "Peer Blog", source)
    assert "this article" in entry.body_source


def test_fetch_names_the_requester_like_wordpress(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    _ping(endpoint, source, endpoint.open_url)
    [request] = [r for r in peer.requests if r.path == "/post"]
    assert request.headers["X-Pingback-Forwarded-For"] == "127.0.0.1"
    assert "Webmention" in request.headers["User-Agent"]


def test_second_ping_is_fault_48(make_endpoint_on, peer):
    with make_endpoint_on() as endpoint:
        source = peer.page("/post", linking_page(endpoint.open_url))
        _ping(endpoint, source, endpoint.open_url)
        assert _fault(endpoint, source, endpoint.open_url).faultCode == 48


def test_unknown_target_is_fault_32(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    assert _fault(endpoint, source, endpoint.site_url + "/nope/").faultCode == 32


def test_closed_target_is_fault_33(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.closed_url))
    assert _fault(endpoint, source, endpoint.closed_url).faultCode == 33


def test_no_link_is_fault_17_with_detail(detailed, peer):
    source = peer.page("/post", linking_page("http://elsewhere.example/"))
    assert _fault(detailed, source, detailed.open_url).faultCode == 17
    assert not detailed.store.list(kind="pingback")


def test_missing_source_is_fault_16_with_detail(detailed, peer):
    assert _fault(detailed, peer.url + "/missing", detailed.open_url).faultCode == 16


def test_unreachable_source_is_fault_50_with_detail(detailed):
    # A closed port on an allowed host: the connection is refused.
    assert _fault(detailed, "http://127.0.0.1:9/post", detailed.open_url).faultCode == 50


def test_source_faults_are_generic_by_default(endpoint, peer):
    """Without PINGBACK_FAULT_DETAIL, no-link, missing and unreachable look the same (CVE-2013-0235)."""
    nolink = peer.page("/post", linking_page("http://elsewhere.example/"))
    faults = [_fault(endpoint, source, endpoint.open_url) for source in
              (nolink, peer.url + "/missing", "http://127.0.0.1:9/post")]
    assert {(f.faultCode, f.faultString) for f in faults} == {(0, "")}


def test_rate_limit_is_fault_49(make_endpoint, peer):
    with make_endpoint(LINKBACK_RATE_LIMIT=1) as endpoint:
        first = peer.page("/a", linking_page(endpoint.open_url))
        second = peer.page("/b", linking_page(endpoint.open_url))
        _ping(endpoint, first, endpoint.open_url)
        assert _fault(endpoint, second, endpoint.open_url).faultCode == 49


def test_form_content_type_is_accepted(endpoint, peer):
    """@remy/webmention posts XML-RPC with a form Content-Type; we must not refuse it."""
    source = peer.page("/post", linking_page(endpoint.open_url))
    body = xmlrpc.client.dumps((source, endpoint.open_url), "pingback.ping")
    response = requests.post(endpoint.url + "/pingback", data=body.encode(), timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert xmlrpc.client.loads(response.content)[0][0].startswith("Pingback from")


def test_unknown_method_is_a_fault(endpoint):
    proxy = xmlrpc.client.ServerProxy(endpoint.url + "/pingback")
    with pytest.raises(xmlrpc.client.Fault):
        proxy.system.listMethods()


def test_doctype_is_refused_before_entities_are_expanded(endpoint, peer):
    """A DTD whose entity would expand to a valid target: accepted only if the DTD were honoured."""
    source = peer.page("/post", linking_page(endpoint.open_url))
    body = (f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY t "{endpoint.open_url}">]>'
            f"<methodCall><methodName>pingback.ping</methodName><params>"
            f"<param><value><string>{source}</string></value></param>"
            f"<param><value><string>&t;</string></value></param></params></methodCall>")
    response = requests.post(endpoint.url + "/pingback", data=body.encode(), timeout=10)
    with pytest.raises(xmlrpc.client.Fault) as caught:
        xmlrpc.client.loads(response.content)
    assert caught.value.faultCode == 0 and "well-formed" in caught.value.faultString
    assert not endpoint.store.list(kind="pingback")


def test_xml_bomb_is_refused(endpoint):
    # "Billion laughs": each entity is ten of the previous one, 10**9 "lol"s in all.
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    body = (f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY l0 "lol">{entities}]>'
            "<methodCall><methodName>pingback.ping</methodName><params>"
            "<param><value><string>&l9;</string></value></param></params></methodCall>")
    response = requests.post(endpoint.url + "/pingback", data=body.encode(), timeout=10)
    with pytest.raises(xmlrpc.client.Fault) as caught:
        xmlrpc.client.loads(response.content)
    assert "well-formed" in caught.value.faultString


def test_oversized_body_is_refused(endpoint):
    body = b"<methodCall>" + b" " * (65 * 1024) + b"</methodCall>"
    response = requests.post(endpoint.url + "/pingback", data=body, timeout=10)
    assert response.status_code == 413
