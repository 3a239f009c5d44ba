"""Property-based tests (hypothesis) for the paths that turn untrusted text into our pages or records.

- Markdown/sanitizer: whatever a reader types or a remote site sends, the HTML holds only the
  allow-listed elements and attributes, links are http(s)/mailto, and sanitizing is idempotent.
- Parsers: the WXR importer fails only with its clean ``ImportFormatError``; the XML-RPC reader only
  with ``MalformedCall`` (and reads back every well-formed call); an oEmbed/Mastodon JSON answer of
  any shape gives a card or an ``EmbedError``; a source page of any shape gives a report or a
  ``VerificationFailed``.
"""

from __future__ import annotations

import json
import tempfile
import xmlrpc.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pelican.plugins.engagement.cases.cards import card_from_entry, image_urls
from pelican.plugins.engagement.cases.oembed import EmbedError, _check_oembed, _entry
from pelican.plugins.engagement.importers.common import ImportFormatError
from pelican.plugins.engagement.importers.wordpress import read_wxr
from pelican.plugins.engagement.linkbacks import pingback
from pelican.plugins.engagement.linkbacks.verify import VerificationFailed, read_source
from pelican.plugins.engagement.markup import (
    ALLOWED_TAGS,
    URL_SCHEMES,
    plain_text_to_html,
    render_comment,
    sanitize_html,
)
from pelican.plugins.engagement.net import FetchResult
from pelican.plugins.engagement.store import MENTION_TYPES
from requests.structures import CaseInsensitiveDict

from tests.importers.exports import Comment, Post, wxr
from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning")
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces attackers combine; hypothesis glues them together with arbitrary text.
FRAGMENTS = [
    "<script>", "</script>", "<img src=x onerror=", "<svg onload=", "javascript:", "data:", "vbscript:",
    "jav&#x09;ascript:", "&#106;avascript:", "<a href=\"", "\">", "<a href=", "[x](", ")", "](", "<",
    ">", "\"", "'", "`", "```", "<style>", "<iframe", "<!--", "-->", "<![CDATA[", "]]>", "\x00",
    "\u202e", "\u200b", "<math>", "<mglyph>", "<noscript>", "<p title=\"", "</p>", "\n\n", "*", "_",
    "http://evil.example/", "mailto:", "&lt;", "&amp;", "&#0;", "<base href=", "<form action=",
]
hostile_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25).map("".join)


def assert_inert(fragment: str) -> None:
    """Only allow-listed elements; no attribute but ``href``/``rel`` on links (and the harmless
    ``title``/``lang`` anywhere); safe link schemes."""
    soup = BeautifulSoup(fragment, "html.parser")
    for element in soup.find_all(True):
        assert element.name in ALLOWED_TAGS, f"<{element.name}> in {fragment!r}"
        allowed = {"title", "lang"} | ({"href", "rel"} if element.name == "a" else set())
        assert set(element.attrs) <= allowed, f"{element.attrs} on <{element.name}> in {fragment!r}"
        if element.name == "a" and element.get("href") is not None:
            assert urlsplit(element["href"]).scheme.lower() in URL_SCHEMES, element["href"]
            assert "nofollow" in element.get("rel", [])


# --- Markdown and the sanitizer ---------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(st.one_of(hostile_text, st.text(), st.sampled_from(hostile.BODIES)))
def test_rendered_comment_is_always_inert(text: str) -> None:
    assert_inert(render_comment(text))


@PROPERTY_SETTINGS
@given(st.one_of(hostile_text, st.text(), st.sampled_from(hostile.BODIES)))
def test_sanitized_html_is_always_inert(fragment: str) -> None:
    assert_inert(sanitize_html(fragment))


@PROPERTY_SETTINGS
@given(st.one_of(hostile_text, st.text(), st.sampled_from(hostile.BODIES)))
@example("<a href='http://x.example/'>a</a><<b>")
def test_sanitize_is_idempotent(fragment: str) -> None:
    once = sanitize_html(fragment)
    assert sanitize_html(once) == once


@PROPERTY_SETTINGS
@given(st.one_of(hostile_text, st.text()))
def test_plain_text_shows_as_text(text: str) -> None:
    rendered = plain_text_to_html(text)
    assert_inert(rendered)
    assert {e.name for e in BeautifulSoup(rendered, "html.parser").find_all(True)} <= {"p", "br"}


# --- XML-RPC (pingback) -------------------------------------------------------------------------------

xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


@PROPERTY_SETTINGS
@given(xml_text, xml_text)
def test_every_well_formed_pingback_call_is_read_back(source: str, target: str) -> None:
    body = xmlrpc.client.dumps((source, target), methodname=pingback.METHOD).encode("utf-8")
    assert pingback.parse_call(body) == (pingback.METHOD, [source, target])


def _mutations(document: str) -> st.SearchStrategy[bytes]:
    """A valid document cut, spliced or sprinkled with junk (and bytes that are not UTF-8)."""
    data = document.encode("utf-8")
    size = len(data)
    cut = st.integers(0, size).map(lambda i: data[:i])
    spliced = st.tuples(st.integers(0, size), st.integers(0, size), st.binary(max_size=40)).map(
        lambda t: data[:min(t[0], t[1])] + t[2] + data[max(t[0], t[1]):])
    junk = [*FRAGMENTS, "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", "<wp:>", "\xff\xfe"]
    inserted = st.tuples(st.integers(0, size), st.sampled_from(junk)).map(
        lambda t: data[:t[0]] + t[1].encode("utf-8", "surrogatepass") + data[t[0]:])
    return st.one_of(cut, spliced, inserted, st.binary(max_size=200))


CALL = xmlrpc.client.dumps(("http://a.example/post", "http://b.example/article/"),
                           methodname=pingback.METHOD)


@PROPERTY_SETTINGS
@given(_mutations(CALL))
def test_pingback_reader_fails_only_cleanly(body: bytes) -> None:
    try:
        method, params = pingback.parse_call(body)
    except pingback.MalformedCall:
        return
    assert isinstance(method, str) and isinstance(params, list)


# --- WXR (WordPress import) ---------------------------------------------------------------------------

EXPORT = wxr("1.2", [Post(1, "A <b>post</b>", "a-post", comments=[Comment(1), Comment(2, parent=1)])])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations(EXPORT))
def test_wxr_reader_fails_only_with_its_clean_error(document: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        path.write_bytes(document)
        try:
            export = read_wxr(path)
        except ImportFormatError as error:
            assert str(error)
            return
        assert all(post.title is not None for post in export.posts)


# --- oEmbed / Mastodon JSON ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
OEMBED_KEYS = ["type", "version", "title", "author_name", "author_url", "provider_name", "html", "url",
               "thumbnail_url", "width", "height"]
oembed_payloads = st.dictionaries(st.sampled_from(OEMBED_KEYS), json_values, max_size=8).flatmap(
    lambda d: st.sampled_from(["rich", "video", "photo", "link", None, 3]).map(lambda t: {**d, "type": t}))
MASTODON_KEYS = ["content", "account", "media_attachments", "created_at", "url"]
mastodon_payloads = st.dictionaries(st.sampled_from(MASTODON_KEYS), json_values, max_size=5).flatmap(
    lambda d: st.dictionaries(st.sampled_from(["acct", "url", "display_name", "avatar"]), json_values,
                              max_size=4).map(lambda account: {**d, "account": account}))


def _card_is_safe(entry: dict, url: str) -> None:
    assert all(isinstance(image, str) for image in image_urls(entry))
    card = card_from_entry(url, entry)
    assert json.dumps(card)  # plain data, fit for the snapshot and the template
    for key in ("author_url", "video_embed"):
        value = card.get(key) or ""
        assert value == "" or urlsplit(value).scheme in ("http", "https"), (key, value)
    assert_inert_text_html(card.get("text_html", ""))


def assert_inert_text_html(fragment: str) -> None:
    soup = BeautifulSoup(fragment, "html.parser")
    for element in soup.find_all(True):
        assert element.name in {"p", "br", "a"}, element.name
        if element.name == "a":
            assert urlsplit(element.get("href", "")).scheme in ("http", "https", "")


@PROPERTY_SETTINGS
@given(oembed_payloads)
def test_any_oembed_answer_gives_a_safe_card_or_a_clean_error(payload: dict) -> None:
    try:
        entry = _entry("oembed", "x", "https://provider.example/oembed", _check_oembed(payload, "oEmbed"))
    except EmbedError:
        return
    _card_is_safe(entry, "https://provider.example/post/1")


@PROPERTY_SETTINGS
@given(mastodon_payloads)
@example({"content": "<p>x</p>", "account": [], "media_attachments": [{"preview_url": ["a"]}]})
@example({"content": 5, "account": {"url": ["x"]}, "media_attachments": 7})
def test_any_mastodon_status_gives_a_safe_card(payload: dict) -> None:
    entry = _entry("mastodon", "mastodon", "https://social.example/api/v1/statuses/1", payload)
    _card_is_safe(entry, "https://social.example/@a/1")


# --- microformats (linkback verification) ---------------------------------------------------------------

TARGET = "http://127.0.0.1:8000/2024/01/open-thread/"
MF2_CLASSES = ["h-entry", "h-card", "h-cite", "p-name", "p-author", "u-url", "u-photo", "e-content",
               "u-in-reply-to", "u-like-of", "u-repost-of", "u-bookmark-of", "p-content", "dt-published"]
elements = st.tuples(
    st.sampled_from(["div", "a", "p", "span", "img", "article"]),
    st.lists(st.sampled_from(MF2_CLASSES), max_size=3),
    st.sampled_from([TARGET, "", "javascript:alert(1)", "http://evil.example/", "/relative", TARGET + "#c"]),
    hostile_text,
)


def _page(parts: list[tuple[str, list[str], str, str]], link_target: bool) -> bytes:
    html = "".join(f'<{tag} class="{" ".join(classes)}" href="{href}" src="{href}">{text}' for tag, classes,
                   href, text in parts)
    if link_target:
        html += f'<a href="{TARGET}">the article</a>'
    return f"<!doctype html><html><head><title>t</title></head><body>{html}</body></html>".encode()


@PROPERTY_SETTINGS
@given(st.lists(elements, max_size=12), st.booleans(),
       st.sampled_from(["text/html", "text/html; charset=utf-8", "application/json", "text/plain", ""]))
def test_any_source_page_gives_a_report_or_a_clean_failure(parts, link_target: bool, media: str) -> None:
    content = _page(parts, link_target)
    if media == "application/json":
        content = json.dumps({"items": [{"type": ["h-entry"], "properties": {"in-reply-to": [TARGET]}}]}
                             if link_target else {"x": [p[3] for p in parts]}).encode()
    headers = CaseInsensitiveDict({"Content-Type": media} if media else {})
    result = FetchResult("http://source.example/post", 200, headers, content)
    try:
        report = read_source("http://source.example/post", result, TARGET)
    except VerificationFailed:
        return
    assert report.mention_type in MENTION_TYPES
    assert isinstance(report.author_name, str) and isinstance(report.content, str)
    for url in (report.author_url, report.author_photo_url):
        assert url is None or urlsplit(url).scheme in ("http", "https"), url
