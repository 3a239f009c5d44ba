"""The hostile corpus, taken in through every route, approved and built, then LOADED in Chromium.

A payload that worked would set ``window.__pwned``, open a dialog, leave an event handler or a
script URL in the page, or make the browser fetch from another origin. None may.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from pelican.plugins.engagement.store import Store

from tests.security import hostile
from tests.security.conftest import HostileSite
from tests.support.endpoint import OPEN

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: What a page may not contain once the browser has parsed it (reader content or not).
DOM_PROBE = """() => {
  const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'];
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' ' + name);
      if (URL_ATTRIBUTES.includes(name) && /^(javascript|data|vbscript):/.test(value)) {
        bad.push(el.tagName + ' ' + name + '=' + value.slice(0, 40));
      }
    }
  }
  for (const tag of ['iframe', 'object', 'embed', 'base', 'form[action*="evil"]', 'meta[http-equiv]']) {
    for (const el of document.querySelectorAll(tag)) bad.push('element ' + tag);
  }
  return bad;
}"""


@dataclass
class Visit:
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    pwned: Any = None
    dom_problems: list[str] = field(default_factory=list)
    comments: int = 0


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="module")
def article_visit(hostile_site: HostileSite, browser) -> Visit:
    return _visit(browser, hostile_site, hostile_site.article_url)


def _watched_page(browser, site: HostileSite, url: str) -> tuple[Any, Any, Visit]:
    """A fresh browser context with ``url`` loaded, every dialog and off-site request recorded."""
    visit = Visit()
    allowed = {_origin(site.site_url), _origin(site.endpoint_url)}
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: _note_request(visit, allowed, request.url))
    page.goto(url, wait_until="load")
    return context, page, visit


def _visit(browser, site: HostileSite, url: str) -> Visit:
    context, page, visit = _watched_page(browser, site, url)
    page.wait_for_timeout(500)  # late timers, lazy loads
    page.mouse.move(10, 10)
    for handle in page.query_selector_all("main a")[:300]:
        handle.hover()  # would fire any onmouseover that slipped through
    visit.pwned = page.evaluate("() => window.__pwned")
    visit.dom_problems = page.evaluate(DOM_PROBE)
    visit.comments = page.evaluate("() => document.querySelectorAll('[id^=comment-]').length")
    context.close()
    return visit


def _note_request(visit: Visit, allowed: set[str], url: str) -> None:
    if url.startswith(("http://", "https://")) and _origin(url) not in allowed:
        visit.foreign_requests.append(url)


def test_no_hostile_post_is_answered_with_a_server_error(hostile_site: HostileSite) -> None:
    errors = [answer for answer in hostile_site.answers if answer[2] >= 500]
    assert errors == []


def test_the_corpus_reached_the_page(hostile_site: HostileSite, article_visit: Visit) -> None:
    """Guards the guard: the page under test really holds the approved hostile entries."""
    store = Store.open(hostile_site.store_url)
    try:
        approved = store.approved(OPEN)
    finally:
        store.close()
    kinds = {entry.kind for entry in approved}
    assert {"comment", "webmention", "pingback", "trackback"} <= kinds
    assert sum(1 for entry in approved if entry.kind == "comment") >= len(hostile.BODIES)
    assert article_visit.comments >= len(hostile.BODIES)


def test_no_injected_script_runs(article_visit: Visit) -> None:
    assert article_visit.pwned is None
    assert article_visit.dialogs == []


def test_no_request_leaves_the_site(article_visit: Visit) -> None:
    assert article_visit.foreign_requests == []


def test_no_handler_or_script_url_survives_in_the_dom(article_visit: Visit) -> None:
    assert article_visit.dom_problems == []


def test_front_page_with_counts_is_clean(hostile_site: HostileSite, browser) -> None:
    visit = _visit(browser, hostile_site, hostile_site.site_url + "/")
    assert (visit.pwned, visit.dialogs, visit.foreign_requests, visit.dom_problems) == (None, [], [], [])


@pytest.fixture
def reader_page(hostile_site: HostileSite, browser) -> Iterator[tuple[Any, Visit]]:
    context, page, visit = _watched_page(browser, hostile_site, hostile_site.article_url)
    yield page, visit
    context.close()


@pytest.mark.parametrize("index", [0, 2, 16])
def test_script_path_shows_the_pending_comment_inertly(reader_page, index: int) -> None:
    """The page's own script posts JSON and shows the answer in place: that copy must be inert too."""
    page, visit = reader_page
    page.fill("#respond [name=name]", hostile.NAMES[1])
    page.fill("#respond [name=body]", hostile.BODIES[index])
    page.click("#respond .eg-submit button")
    page.wait_for_selector(".eg-pending-comment", timeout=10_000)
    page.wait_for_timeout(300)
    for handle in page.query_selector_all(".eg-pending-comment a"):
        handle.hover()
    assert page.evaluate("() => window.__pwned") is None
    assert visit.dialogs == [] and visit.foreign_requests == []
    assert page.evaluate(DOM_PROBE) == []
