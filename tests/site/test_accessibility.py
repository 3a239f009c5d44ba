"""axe-core finds no accessibility violations on any page type, in the light and the dark scheme.

The pages are served from the built output on 127.0.0.1 and opened in headless Chromium. The site's
absolute URLs name the development address (SITEURL); the browser context routes that address to the
test server, so stylesheets and links load from the build under test, never from whatever else may
listen on port 8000.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.site.pages import PAGE_TYPES, SITEURL, page_url
from tests.support.servers import serve_wsgi, static_app

AXE = Axe()


@pytest.fixture(scope="module")
def served(seed_site: Path) -> Iterator[str]:
    with serve_wsgi(static_app(seed_site)) as base:
        yield base


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme_page(request: pytest.FixtureRequest, browser: Any, served: str) -> Iterator[Any]:
    context = routed_context(browser, served, request.param)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def violations(page: Any) -> list[str]:
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_has_no_axe_violations(scheme_page: Any, kind: str) -> None:
    response = scheme_page.goto(page_url(PAGE_TYPES[kind]))
    assert response is not None and response.ok
    assert scheme_page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Charter")
    assert violations(scheme_page) == []


@pytest.mark.parametrize("path", ["cases/index.html", "cases/brand/jetblue/index.html",
                                  "cases/by-response-time/index.html"])
def test_gallery_pages_have_no_axe_violations(scheme_page: Any, path: str) -> None:
    response = scheme_page.goto(page_url(path))
    assert response is not None and response.ok
    assert violations(scheme_page) == []


def routed_context(browser: Any, served: str, scheme: str) -> Any:
    """A browser context in ``scheme`` that fetches the site's own URLs from the test server.

    Every other request (the comment endpoint, any other site) is refused, so what the page shows
    never depends on what else runs on this machine or on the network.
    """
    context = browser.new_context(color_scheme=scheme)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(f"{SITEURL}/"):
            route.continue_(url=url.replace(SITEURL, served, 1))
        elif url.startswith(f"{served}/") or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    return context


def test_dark_scheme_changes_the_colours(browser: Any, served: str) -> None:
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = routed_context(browser, served, scheme)
        page = context.new_page()
        page.goto(f"{SITEURL}/about/")
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert backgrounds["light"] != backgrounds["dark"]


def test_axe_reports_a_page_with_known_faults(browser: Any, tmp_path: Path) -> None:
    """The check itself works: an image without alt text and grey-on-grey text are found."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>Faulty</title><main><h1>Faulty</h1><img src="x.png">'
        '<p style="color:#aaa;background:#bbb">faint</p></main></html>',
        "utf-8",
    )
    with serve_wsgi(static_app(tmp_path)) as base:
        page = browser.new_page()
        page.goto(f"{base}/")
        found = {line.split(" ")[0] for line in violations(page)}
        page.close()
    assert {"image-alt", "color-contrast"} <= found


def test_no_page_type_scrolls_sideways_at_320_pixels(browser: Any, served: str) -> None:
    context = routed_context(browser, served, "light")
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for kind, relpath in PAGE_TYPES.items():
        page.goto(page_url(relpath))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[kind] = width
    context.close()
    assert too_wide == {}


def test_skip_link_is_first_in_tab_order_and_visible_when_focused(scheme_page: Any) -> None:
    scheme_page.goto(page_url(PAGE_TYPES["article"]))
    scheme_page.keyboard.press("Tab")
    focused = scheme_page.evaluate(
        "(() => { const a = document.activeElement; const r = a.getBoundingClientRect();"
        " return {text: a.textContent, top: r.top, outline: getComputedStyle(a).outlineStyle}; })()"
    )
    assert focused["text"] == "Skip to content"
    assert focused["top"] >= 0
    assert focused["outline"] != "none"


def test_keyboard_focus_on_a_link_shows_a_ring(scheme_page: Any) -> None:
    scheme_page.goto(page_url(PAGE_TYPES["index"]))
    scheme_page.keyboard.press("Tab")
    scheme_page.keyboard.press("Tab")
    ring = scheme_page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {tag: document.activeElement.tagName, style: s.outlineStyle,"
        " width: parseFloat(s.outlineWidth)}; })()"
    )
    assert ring == {"tag": "A", "style": "solid", "width": 3}
