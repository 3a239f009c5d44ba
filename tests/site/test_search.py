"""Static search (plugins/site_search.py + theme/templates/search.html), in Chromium: Pagefind's index
and UI come from the site's own output, a query finds an article, the case filters narrow it, the
page is axe-clean in both schemes, and without JavaScript it lists where to browse instead."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from tests.support.servers import serve_wsgi, static_app
from tests.support.sites import build_site

pytestmark = pytest.mark.browser
SMCHAT = "Understanding is Underused in Customer Service"


class _Later:
    app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The seed site built at the address it is served from, with the search index on."""
    later = _Later()
    with serve_wsgi(later) as url:
        output = build_site(tmp_path_factory.mktemp("search"), SITEURL=url, FEED_DOMAIN=url,
                            SEARCH_INDEX=True)
        later.app = static_app(output)
        yield url, output


def _search_page(browser: Any, url: str, scheme: str = "light", query: str = "") -> tuple[Any, list[str]]:
    context = browser.new_context(color_scheme=scheme)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(f"{url}/search/" + (f"?q={query}" if query else ""))
    return page, requested


def _titles(page: Any) -> list[str]:
    """The pages found (not their sections, which Pagefind lists nested under each page)."""
    titles = page.locator(".pagefind-ui__result-title:not(.pagefind-ui__result-nested *)")
    return [text.strip() for text in titles.all_inner_texts()]


def test_the_build_writes_the_index_and_the_ui_into_the_output(indexed: tuple[str, Path]) -> None:
    _url, output = indexed
    for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-entry.json"):
        assert (output / "pagefind" / name).is_file(), name


def test_typing_a_query_shows_the_matching_article(browser: Any, indexed: tuple[str, Path]) -> None:
    url, _output = indexed
    page, requested = _search_page(browser, url)
    page.locator("#search input").fill("Eliason")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=30_000)
    assert _titles(page) == [SMCHAT]
    link = page.locator(".pagefind-ui__result-link").first.get_attribute("href")
    assert link.startswith("/2012/08/understanding-is-underused-in-customer-service/")  # root-relative
    assert "q=Eliason" in page.url  # the address follows the query
    # Index, UI, worker and WebAssembly all came from this site: nothing from a CDN or anywhere else.
    assert requested and all(r.startswith(f"{url}/") or r.startswith("data:") for r in requested), requested
    page.context.close()


def test_a_brand_filter_narrows_the_results(browser: Any, indexed: tuple[str, Path]) -> None:
    url, _output = indexed
    page, _requested = _search_page(browser, url, query="customer")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=30_000)
    everything = _titles(page)
    assert len(everything) > 1
    before = page.inner_text(".pagefind-ui__message")
    page.locator(".pagefind-ui__filter-name", has_text="Brand").click()
    page.get_by_label("JetBlue").check()
    page.wait_for_function("m => document.querySelector('.pagefind-ui__message').innerText !== m", arg=before,
                           timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.pagefind-ui__result').length === 1", timeout=30_000)
    (only,) = _titles(page)
    assert only in everything
    page.goto(urljoin(page.url, page.locator(".pagefind-ui__result-link").first.get_attribute("href")))
    assert page.locator("figure.case-card .case-head", has_text="JetBlue").count() == 1
    page.context.close()


def test_the_filters_are_the_case_heads_words(browser: Any, indexed: tuple[str, Path]) -> None:
    """Pagefind takes each filter from a case card's head as printed (Sainsbury&#39;s reads
    Sainsbury's), counted once a card (two articles hold the six cases); a card that names no
    platform adds none."""
    url, _output = indexed
    page, _requested = _search_page(browser, url)
    filters = page.evaluate(f"""async () => {{
        const pagefind = await import("{url}/pagefind/pagefind.js");
        return await pagefind.filters();
    }}""")
    assert filters == {
        "brand": {"British Airways": 1, "Domino's": 1, "JetBlue": 1, "Pigalle Boston": 1,
                  "Sainsbury's": 1, "Tesco": 1},
        "platform": {"Twitter": 1},
        "verdict": {"Beast": 2, "Beauty": 4},
    }
    page.context.close()


def test_the_verdict_filter_reads_as_words(browser: Any, indexed: tuple[str, Path]) -> None:
    url, _output = indexed
    page, _requested = _search_page(browser, url, query="customer")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=30_000)
    before = page.inner_text(".pagefind-ui__message")
    verdict = page.locator(".pagefind-ui__filter-name", has_text="Verdict")
    verdict.wait_for(timeout=60_000)  # the filter panel loads its own index after the first results
    verdict.click()
    page.get_by_label("Beast").check()
    page.wait_for_function("m => document.querySelector('.pagefind-ui__message').innerText !== m", arg=before,
                           timeout=30_000)
    assert page.locator(".pagefind-ui__result").count() >= 1
    for href in [a.get_attribute("href") for a in page.locator(
            ".pagefind-ui__result-link:not(.pagefind-ui__result-nested *)").all()]:
        assert BeautifulSoup(page.context.request.get(urljoin(page.url, href)).text(), "html.parser").select(
            "figure.case-card.case-beast"), href
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_with_results_is_axe_clean(
    browser: Any, indexed: tuple[str, Path], scheme: str
) -> None:
    url, _output = indexed
    page, _requested = _search_page(browser, url, scheme, query="customer")
    page.locator(".pagefind-ui__result").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # excerpts and filter counts settle
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    assert [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in found] == []
    page.context.close()


def test_without_javascript_the_page_lists_where_to_browse(browser: Any, indexed: tuple[str, Path]) -> None:
    url, _output = indexed
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{url}/search/")
    assert "Searching needs JavaScript" in page.inner_text("main")
    links = {text.strip(): href for text, href in zip(
        page.locator(".search-browse a").all_inner_texts(),
        [a.get_attribute("href") for a in page.locator(".search-browse a").all()], strict=True)}
    assert links["Every article, newest first"] == "/archives/"
    assert links["the beauties"] == "/cases/verdict/beauty/"
    for href in links.values():
        assert context.request.get(urljoin(page.url, href)).ok, href
    context.close()
