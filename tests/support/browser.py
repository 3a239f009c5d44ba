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
