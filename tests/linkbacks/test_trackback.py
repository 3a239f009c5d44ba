"""Receiving TrackBack pings as plain form posts; the spec's XML answers; the queued link check."""

from __future__ import annotations

import requests
from defusedxml.ElementTree import fromstring
from pelican.plugins.engagement.linkbacks.worker import verify_queued

from tests.linkbacks.conftest import CLOSED_KEY, OPEN_KEY, linking_page


def _answer(response: requests.Response) -> tuple[str, str | None]:
    root = fromstring(response.content)
    return root.findtext("error"), root.findtext("message")


def _ping(endpoint, key: str = OPEN_KEY, **form: str) -> requests.Response:
    return requests.post(f"{endpoint.url}/trackback/{key}", data=form, timeout=10)


def test_form_post_is_accepted_with_the_spec_answer(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    response = _ping(endpoint, url=source, title="Foo Bar", excerpt="My Excerpt", blog_name="Foo")
    assert response.status_code == 200
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert _answer(response) == ("0", None)
    [entry] = endpoint.store.list(kind="trackback")
    assert (entry.title, entry.blog_name, entry.body_source) == ("Foo Bar", "Foo", "My Excerpt")
    assert (entry.status, entry.source_url) == ("pending", source)


def test_missing_url_is_an_error_response(endpoint):
    response = _ping(endpoint, title="No URL")
    assert response.status_code == 200
    error, message = _answer(response)
    assert error == "1" and "url" in message


def test_get_with_query_parameters_is_tolerated(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    response = requests.get(f"{endpoint.url}/trackback/{OPEN_KEY}", params={"url": source}, timeout=10)
    assert _answer(response) == ("0", None)


def test_unknown_article_is_404_with_xml(endpoint, peer):
    response = _ping(endpoint, "2099/01/nothing/", url=peer.url + "/post")
    assert response.status_code == 404 and _answer(response)[0] == "1"


def test_closed_article_refuses(endpoint, peer):
    assert _answer(_ping(endpoint, CLOSED_KEY, url=peer.url + "/post"))[0] == "1"


def test_excerpt_is_shown_as_text_not_html(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    _ping(endpoint, url=source, excerpt='<script>alert(1)</script> & <a href="x">y</a>')
    [entry] = endpoint.store.list(kind="trackback")
    assert "<script>" not in entry.body_html and "&lt;script&gt;" in entry.body_html


def test_repeated_ping_is_refused(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    _ping(endpoint, url=source)
    assert _answer(_ping(endpoint, url=source)) == ("1", "This trackback was already registered.")


def test_trackback_is_verified_like_a_pingback(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    _ping(endpoint, url=source, title="Kept title")
    [entry] = endpoint.store.list(kind="trackback")
    entry = endpoint.wait_settled(entry.id)
    assert (entry.verification, entry.title) == ("verified", "Kept title")


def test_trackback_from_a_page_without_the_link_is_removed(endpoint, peer):
    source = peer.page("/spam", linking_page("http://pills.example/"))
    _ping(endpoint, url=source, title="Cheap pills")
    [entry] = endpoint.store.list(kind="trackback")
    assert endpoint.wait_settled(entry.id).status == "deleted"


def test_worker_function_settles_the_queue(endpoint, peer):
    """What `engagement worker --once` runs, called directly (the thread may also be running)."""
    source = peer.page("/post", linking_page(endpoint.open_url))
    _ping(endpoint, url=source)
    verify_queued(endpoint.store, endpoint.config.engagement, endpoint.app.extensions["engagement"].manifest)
    [entry] = endpoint.store.list(kind="trackback")
    assert entry.verification == "verified"
