"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, for reader-level tests.

Playwright's own browser download is not used: the machine's Chromium is. Where it is missing the
browser tests are skipped on a developer's machine, but fail in CI (``CI`` set), where `.ci/run`
installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError  # unreachable


@contextmanager
def launch() -> Iterator[Any]:
    """A headless Chromium browser; close it when done."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def assert_axe_clean(page: Any, shot_name: str) -> None:
    """axe-core finds no violation on ``page``. With ENGAGEMENT_SCREENSHOTS=DIR the page is also
    kept as DIR/``shot_name``.png, full length, for a person to look at."""
    from pathlib import Path

    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()
    shots = os.environ.get("ENGAGEMENT_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{shot_name}.png"), full_page=True)
