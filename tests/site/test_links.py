"""No page links to a missing local file or anchor, and no page loads anything from another site."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.pages import (
    ENDPOINT_URL,
    LOADING_RELS,
    SITEURL,
    anchors,
    html_files,
    links,
    local_file,
    origin,
    soup,
)

OUR_ORIGINS = {origin(SITEURL), origin(ENDPOINT_URL)}


def broken_links(output: Path) -> list[str]:
    broken = []
    for relpath in html_files(output):
        for link in links(output, relpath):
            target = local_file(output, link.url)
            fragment = link.url.partition("#")[2]
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{relpath}: <{link.tag}> {link.url} (no file {target.relative_to(output)})")
            elif (
                fragment
                and target.suffix == ".html"
                and fragment not in anchors(output, str(target.relative_to(output)))
            ):
                broken.append(f"{relpath}: <{link.tag}> {link.url} (no id {fragment!r})")
    return broken


def test_seed_site_has_no_broken_local_links(seed_site: Path) -> None:
    assert broken_links(seed_site) == []


def test_paginated_site_has_no_broken_local_links(paged_site: Path) -> None:
    assert broken_links(paged_site) == []


def test_link_checker_reports_a_missing_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        f'<a href="{SITEURL}/gone/">x</a><a href="#nowhere">y</a><a href="https://example.org/">z</a>',
        "utf-8",
    )
    assert broken_links(tmp_path) == [
        f"index.html: <a> {SITEURL}/gone/ (no file gone/index.html)",
        f"index.html: <a> {SITEURL}/#nowhere (no id 'nowhere')",
    ]


@pytest.mark.parametrize("tag", ["script", "link", "img", "iframe", "source", "video", "audio"])
def test_no_page_loads_resources_from_another_origin(seed_site: Path, tag: str) -> None:
    foreign = []
    for relpath in html_files(seed_site):
        for element in soup(seed_site, relpath).find_all(tag):
            if tag == "link" and not set(element.get("rel", [])) & LOADING_RELS:
                continue  # alternate, canonical, webmention … are addresses, not loads
            address = element.get("href") or element.get("src")
            if (
                address
                and address.startswith(("http:", "https:", "//"))
                and origin(address) not in OUR_ORIGINS
            ):
                foreign.append(f"{relpath}: <{tag}> {address}")
    assert foreign == []
