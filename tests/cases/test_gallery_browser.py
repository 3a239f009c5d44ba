"""What a reader does on the gallery and a case card, in headless Chromium.

The site is served from its build on 127.0.0.1; requests to SITEURL are routed to that server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.support.servers import serve_wsgi, static_app
from tests.support.sites import build_site, write_article

pytestmark = pytest.mark.browser
SITEURL = "http://127.0.0.1:8000"
SHOT = "```case\nbrand: Tesco\nverdict: beauty\nplatform: Facebook\nresponse_time: 30 minutes\n" \
       "screenshot: {static}/images/shot.png\nalt: Tesco's reply, a short poem\n```\n"


FULL = """## A full case

```case
brand: Glimmerbrew Coffee Co.
platform: Mastodon
customer: Priya Example
customer_handle: @priya@social.example
customer_said: Third cold latte this week at the Harbour Street Glimmerbrew. Is anyone listening?
customer_at: 2024-02-27 08:14
reply_by: Sam at Glimmerbrew
brand_handle: @glimmerbrew@social.example
brand_said: Priya, that is three times too many, and I'm sorry. Your next three lattes are on us.
replied_at: 2024-02-27 11:26
verdict: beauty
lesson: Name the problem in the customer's own words, then make it right.
link: https://social.example/@priya/1
```
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.cases.standin import PNG

    root = tmp_path_factory.mktemp("gallery-browser")
    content = root / "content"
    (content / "images").mkdir(parents=True)
    (content / "images" / "shot.png").write_bytes(PNG)
    write_article(content / "articles", "one", SHOT + "\n```case\nbrand: Acme\nverdict: beast\n"
                  "platform: Twitter\nresponse_time: 10 hours\n```\n", date="2023-01-01 10:00")
    write_article(content / "articles", "two", "```case\nbrand: Tesco\nverdict: beast\nplatform: Twitter\n"
                  "response_time: 5 minutes\n```\n", date="2024-01-01 10:00")
    write_article(content / "articles", "three", FULL, date="2025-01-01 10:00")
    output = build_site(root, content)
    with serve_wsgi(static_app(output)) as base:
        yield base


def _context(browser: Any, served: str, **options: Any) -> Any:
    """A browser context that fetches the site's own (absolute) URLs from the test server."""
    context = browser.new_context(**options)
    context.route(f"{SITEURL}/**",
                  lambda route: route.continue_(url=route.request.url.replace(SITEURL, served)))
    return context


@pytest.fixture
def page(browser: Any, served: str) -> Iterator[Any]:
    context = _context(browser, served)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _visible_brands(page: Any) -> list[str]:
    return page.eval_on_selector_all(".gallery-item:not([hidden])",
                                     "items => items.map(i => i.dataset.brand)")


def test_script_filters_the_gallery_in_place_and_keeps_the_url(page: Any) -> None:
    page.goto(f"{SITEURL}/cases/")
    page.evaluate("window.notReloaded = true")
    page.locator(".case-filter").get_by_role("link", name="Tesco 2").click()
    assert sorted(_visible_brands(page)) == ["Tesco", "Tesco"]
    assert page.url == f"{SITEURL}/cases/brand/tesco/"
    assert page.evaluate("window.notReloaded") is True  # filtered in place, no page load
    assert page.locator("h1").inner_text() == "Tesco — 2 cases"
    assert page.locator("[role=status]").inner_text() == "2 cases shown"
    current = page.locator('.case-filter a[aria-current="page"]').all_text_contents()
    assert [" ".join(text.split()) for text in current] == ["Tesco 2", "Newest"]


def test_script_orders_by_response_time_in_place(page: Any) -> None:
    page.goto(f"{SITEURL}/cases/")
    page.locator(".case-filter").get_by_role("link", name="Fastest reply").click()
    order = page.eval_on_selector_all(".gallery-item", "items => items.map(i => i.dataset.responseSeconds)")
    assert order == ["300", "1800", "11520", "36000"]
    assert page.url == f"{SITEURL}/cases/by-response-time/"
    page.locator(".case-filter").get_by_role("link", name="Beasts 2").click()
    assert page.url == f"{SITEURL}/cases/verdict/beast/?order=fastest"  # facets: one generated order
    assert _visible_brands(page) == ["Tesco", "Acme"]


def test_script_sorts_a_facet_page_in_place_and_on_load(page: Any) -> None:
    page.goto(f"{SITEURL}/cases/verdict/beauty/")
    page.evaluate("window.notReloaded = true")
    assert _visible_brands(page) == ["Glimmerbrew Coffee Co.", "Tesco"]  # newest article first
    page.locator(".case-order").get_by_role("link", name="Fastest reply").click()
    assert page.evaluate("window.notReloaded") is True
    assert page.url == f"{SITEURL}/cases/verdict/beauty/?order=fastest"
    assert _visible_brands(page) == ["Tesco", "Glimmerbrew Coffee Co."]  # 30 minutes, then 3 hours
    assert page.locator("h1").inner_text() == "Beauties — 2 cases, fastest reply first"
    page.reload()
    assert _visible_brands(page) == ["Tesco", "Glimmerbrew Coffee Co."]
    assert page.locator('.case-order a[aria-current="page"]').all_text_contents() == ["Fastest reply"]
    page.locator(".case-order").get_by_role("link", name="Newest").click()
    assert page.url == f"{SITEURL}/cases/verdict/beauty/"
    assert _visible_brands(page) == ["Glimmerbrew Coffee Co.", "Tesco"]


def test_without_script_the_facet_links_filter(browser: Any, served: str) -> None:
    context = _context(browser, served, java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{SITEURL}/cases/")
        tab.locator(".case-filter").get_by_role("link", name="Twitter 2").click()
        assert tab.url == f"{SITEURL}/cases/platform/twitter/"
        assert sorted(_visible_brands(tab)) == ["Acme", "Tesco"]
        assert tab.locator("h1").inner_text() == "Twitter — 2 cases"
        assert not tab.locator(".case-order").is_visible()  # nothing to sort with, so no order links
    finally:
        context.close()


def test_screenshot_opens_in_a_dialog_and_escape_returns_focus(page: Any) -> None:
    page.goto(f"{SITEURL}/2023/01/one/")
    link = page.locator("a[data-engagement-lightbox]")
    link.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.case-lightbox")
    assert dialog.evaluate("d => d.open")
    assert dialog.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.dataset.engagementLightbox") == "case-tesco-shot"


def test_lightbox_close_button_closes_it(page: Any) -> None:
    page.goto(f"{SITEURL}/2023/01/one/")
    page.locator("a[data-engagement-lightbox]").click()
    dialog = page.locator("dialog.case-lightbox")
    dialog.get_by_role("button", name="Close").click()
    assert not dialog.evaluate("d => d.open")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["cases/", "cases/by-response-time/", "cases/brand/tesco/?order=fastest",
                                  "2023/01/one/", "2025/01/three/"])
def test_gallery_and_cards_have_no_axe_violations(browser: Any, served: str, path: str, scheme: str) -> None:
    context = _context(browser, served, color_scheme=scheme)
    try:
        tab = context.new_page()
        tab.goto(f"{SITEURL}/{path}")
        results = Axe().run(tab, options={"resultTypes": ["violations"]})
    finally:
        context.close()
    found = [(v["id"], [node["target"] for node in v["nodes"]][:4]) for v in results.response["violations"]]
    assert found == []


@pytest.mark.parametrize("path", ["cases/", "2025/01/three/", "2023/01/one/"])
def test_cards_and_gallery_fit_320_pixels(browser: Any, served: str, path: str) -> None:
    context = _context(browser, served, viewport={"width": 320, "height": 700})
    try:
        tab = context.new_page()
        tab.goto(f"{SITEURL}/{path}")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_quoted_posts_do_not_inherit_the_theme_quote_style(page: Any) -> None:
    page.goto(f"{SITEURL}/2025/01/three/")
    style = page.locator(".case-post > blockquote").first.evaluate(
        "q => { const s = getComputedStyle(q);"
        " return [s.paddingLeft, s.borderLeftWidth, s.backgroundColor] }")
    assert style == ["0px", "0px", "rgba(0, 0, 0, 0)"]
