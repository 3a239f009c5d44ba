"""Endpoint discovery against local target pages, one Webmention discovery rule per test
(after webmention.rocks), then the Pingback and TrackBack fallbacks."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement import net
from pelican.plugins.engagement.linkbacks.discovery import Endpoint, discover

POLICY = net.FetchPolicy(allowed_private_hosts=frozenset({"127.0.0.1"}), timeout=5)


def _discover(url: str) -> Endpoint | None:
    with net.Fetcher(POLICY) as fetcher:
        return discover(url, fetcher)


def _html(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


def test_link_header_with_absolute_url(peer):
    url = peer.page("/t", _html(), headers={"Link": f'<{peer.url}/endpoint>; rel="webmention"'})
    assert _discover(url) == Endpoint("webmention", peer.url + "/endpoint")


def test_link_header_with_relative_url(peer):
    url = peer.page("/a/t", _html(), headers={"Link": '<endpoint>; rel="webmention"'})
    assert _discover(url).url == peer.url + "/a/endpoint"


def test_link_header_with_unquoted_rel_and_odd_case(peer):
    url = peer.page("/t", _html(), headers={"LinK": "</e>; REL=Webmention"})
    assert _discover(url).url == peer.url + "/e"


def test_link_header_with_several_rel_values(peer):
    url = peer.page("/t", _html(), headers={"Link": '</e>; rel="webmention somethingelse"'})
    assert _discover(url).url == peer.url + "/e"


def test_link_header_among_other_links(peer):
    header = '</other>; rel="other", </e>; rel="webmention"'
    url = peer.page("/t", _html(), headers={"Link": header})
    assert _discover(url).url == peer.url + "/e"


def test_html_link_element_relative(peer):
    url = peer.page("/dir/t", _html('<link rel="webmention" href="../e">'))
    assert _discover(url).url == peer.url + "/e"


def test_html_a_element(peer):
    url = peer.page("/t", _html(body='<a rel="webmention" href="/e">endpoint</a>'))
    assert _discover(url).url == peer.url + "/e"


def test_html_rel_list(peer):
    url = peer.page("/t", _html('<link rel="somethingelse webmention" href="/e">'))
    assert _discover(url).url == peer.url + "/e"


def test_header_wins_over_html(peer):
    url = peer.page("/t", _html('<link rel="webmention" href="/html">'),
                    headers={"Link": '</header>; rel="webmention"'})
    assert _discover(url).url == peer.url + "/header"


def test_first_element_in_document_order_wins(peer):
    body = '<a rel="webmention" href="/first">a</a><link rel="webmention" href="/second">'
    url = peer.page("/t", _html(body=body))
    assert _discover(url).url == peer.url + "/first"


def test_empty_href_means_the_page_itself(peer):
    url = peer.page("/t", _html('<link rel="webmention" href="">'))
    assert _discover(url).url == url


def test_query_string_is_kept(peer):
    url = peer.page("/t", _html('<link rel="webmention" href="/e?version=1&token=a">'))
    assert _discover(url).url == peer.url + "/e?version=1&token=a"


def test_relative_url_resolves_against_the_url_after_redirects(peer):
    peer.page("/final/page", _html('<link rel="webmention" href="e">'))
    url = peer.page("/start", "", status=302, headers={"Location": "/final/page"})
    assert _discover(url).url == peer.url + "/final/e"


def test_elements_in_html_comments_are_ignored(peer):
    head = '<!-- <link rel="webmention" href="/commented"> --><link rel="webmention" href="/real">'
    url = peer.page("/t", _html(head))
    assert _discover(url).url == peer.url + "/real"


def test_element_without_href_is_skipped(peer):
    url = peer.page("/t", _html('<link rel="webmention"><link rel="webmention" href="/e">'))
    assert _discover(url).url == peer.url + "/e"


def test_pingback_header_when_no_webmention(peer):
    url = peer.page("/t", _html(), headers={"X-Pingback": f"{peer.url}/xmlrpc"})
    assert _discover(url) == Endpoint("pingback", peer.url + "/xmlrpc")


def test_pingback_link_element(peer):
    url = peer.page("/t", _html(f'<link rel="pingback" href="{peer.url}/xmlrpc.php">'))
    assert _discover(url) == Endpoint("pingback", peer.url + "/xmlrpc.php")


def test_webmention_preferred_over_pingback(peer):
    url = peer.page("/t", _html('<link rel="webmention" href="/e">'),
                    headers={"X-Pingback": f"{peer.url}/xmlrpc"})
    assert _discover(url).protocol == "webmention"


def test_trackback_rdf_block(peer):
    rdf = ('<!-- <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">'
           '<rdf:Description rdf:about="{u}" dc:identifier="{u}" dc:title="T" '
           'trackback:ping="{p}" /></rdf:RDF> -->')
    url = peer.url + "/t"
    peer.page("/t", _html(body=rdf.format(u=url, p=peer.url + "/tb/1")))
    assert _discover(url) == Endpoint("trackback", peer.url + "/tb/1")


def test_page_without_endpoint(peer):
    assert _discover(peer.page("/t", _html(body="<p>nothing</p>"))) is None


def test_discovery_never_fetches_private_addresses():
    with pytest.raises(net.BlockedAddress):
        _discover("http://localhost/post")
