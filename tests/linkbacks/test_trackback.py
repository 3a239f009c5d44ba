"""Receiving TrackBack pings as plain form posts; the spec's XML answers; the queued link check."""

from __future__ import annotations

from urllib.parse import urlencode

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


def _wordpress_ping(endpoint, *, url: str, title: str, excerpt: str, blog_name: str) -> requests.Response:
    """A ping written the way WordPress's ``trackback()`` writes it: the title went through
    ``the_title`` (wptexturize turns quotes into ``&#8220;``/``&#8221;``/``&#8217;``), the excerpt
    through ``wp_html_excerpt(…, 252, '&#8230;')``, the blog name is stored HTML-escaped; WP_Http
    form-encodes the array with ``http_build_query`` and names the blog's charset."""
    body = urlencode({"title": title, "url": url, "blog_name": blog_name, "excerpt": excerpt})
    return requests.post(
        f"{endpoint.url}/trackback/{OPEN_KEY}", data=body.encode("ascii"), timeout=10,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                 "User-Agent": "WordPress/6.5; https://blog.example"},
    )


def test_wordpress_character_references_are_stored_as_characters(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    response = _wordpress_ping(
        endpoint, url=source, title="Why &#8220;understanding&#8221; isn&#8217;t enough",
        excerpt="We&#8217;ve been thinking about support &amp; tone for a while&#8230;",
        blog_name="Acme &amp; Co",
    )
    assert _answer(response) == ("0", None)
    [entry] = endpoint.store.list(kind="trackback")
    assert entry.title == "Why \u201cunderstanding\u201d isn\u2019t enough"
    assert entry.blog_name == entry.author_name == "Acme & Co"
    assert entry.body_source == "We\u2019ve been thinking about support & tone for a while\u2026"
    assert entry.body_html.count("&amp;") == 1 and "&#8217;" not in entry.body_html


def _form_in(charset: str, **fields: str) -> bytes:
    return urlencode(fields, encoding=charset).encode("ascii")


def test_movable_type_latin1_form_is_decoded_with_its_charset(endpoint, peer):
    """Movable Type posts in its publishing charset and says so in the Content-Type."""
    source = peer.page("/post", linking_page(endpoint.open_url))
    response = requests.post(
        f"{endpoint.url}/trackback/{OPEN_KEY}", timeout=10,
        data=_form_in("iso-8859-1", url=source, title="Caf\u00e9 cr\u00e8me", excerpt="D\u00e9j\u00e0 vu",
                      blog_name="Le Blog \u00e0 Z"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1",
                 "User-Agent": "MovableType/4.38"},
    )
    assert _answer(response) == ("0", None)
    [entry] = endpoint.store.list(kind="trackback")
    assert (entry.title, entry.body_source, entry.blog_name) == (
        "Caf\u00e9 cr\u00e8me", "D\u00e9j\u00e0 vu", "Le Blog \u00e0 Z")


def test_form_without_a_charset_is_read_as_utf8(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    response = requests.post(
        f"{endpoint.url}/trackback/{OPEN_KEY}", timeout=10,
        data=_form_in("utf-8", url=source, title="Caf\u00e9"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert _answer(response) == ("0", None)
    assert endpoint.store.list(kind="trackback")[0].title == "Caf\u00e9"


def test_undecodable_form_is_refused_with_the_spec_error(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    response = requests.post(
        f"{endpoint.url}/trackback/{OPEN_KEY}", timeout=10,
        data=_form_in("iso-8859-1", url=source, title="Caf\u00e9"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert response.status_code == 200
    error, message = _answer(response)
    assert error == "1" and "utf-8" in message.lower()
    assert endpoint.store.list(kind="trackback") == []


def test_unknown_charset_is_refused_with_the_spec_error(endpoint, peer):
    source = peer.page("/post", linking_page(endpoint.open_url))
    response = requests.post(
        f"{endpoint.url}/trackback/{OPEN_KEY}", timeout=10,
        data=_form_in("utf-8", url=source, title="Caf\u00e9"),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=x-klingon"},
    )
    error, message = _answer(response)
    assert error == "1" and "x-klingon" in message
