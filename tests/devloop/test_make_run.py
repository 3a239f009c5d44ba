"""`make run PORT=… ENDPOINT_PORT=…` serves a working site on the ports it was given.

The pages' own links, stylesheets and comment form must point at the ports being served, or the
page is unstyled and comments fail: the test starts `make run` on two free ports in a copy of the
project, reads the pages the way a browser would and posts a comment through the form it finds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup

from tests.support.project import copy_project, free_port, make_command

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("make") is None, reason="needs make")]

ARTICLE = "2013/04/the-now-of-customer-service/"
#: How long the first build and both servers may take to come up on a busy machine.
START_DEADLINE = 240


@dataclass(frozen=True)
class Running:
    site: str
    endpoint: str
    log: Path


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make run stopped early:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    project = copy_project(tmp_path_factory.mktemp("project"))
    port, endpoint_port = free_port(), free_port()
    log = project / "make-run.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            make_command("run", f"PORT={port}", f"ENDPOINT_PORT={endpoint_port}"),
            cwd=project, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )
    site, endpoint = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{endpoint_port}"
    try:
        _wait_for(f"{site}/", process, log)
        _wait_for(f"{endpoint}/healthz", process, log)
        yield Running(site, endpoint, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _page(url: str) -> BeautifulSoup:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, url
    return BeautifulSoup(response.text, "html.parser")


def test_pages_point_at_the_port_served(running: Running) -> None:
    page = _page(f"{running.site}/{ARTICLE}")
    assert page.find("link", rel="canonical")["href"] == f"{running.site}/{ARTICLE}"
    stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert stylesheets
    for href in stylesheets:
        assert href.startswith("/"), href  # the site's own files: root-relative, so on the port served
        assert requests.get(urljoin(running.site, href), timeout=10).status_code == 200, href


def test_comment_form_posts_to_the_endpoint_port(running: Running) -> None:
    form = _page(f"{running.site}/{ARTICLE}").find("form", id="comment-form")
    assert form["action"] == f"{running.endpoint}/comments"
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input")
              if field.get("name") and field.get("type") != "checkbox"}  # unticked boxes send nothing
    fields |= {"name": "Port Tester", "body": "Posted through the form make run serves.", "homepage": ""}
    response = requests.post(form["action"], data=fields, allow_redirects=False, timeout=30)
    assert response.status_code == 303, response.text
    assert response.headers["Location"].startswith(f"{running.site}/{ARTICLE}#comment-")


def test_script_calls_from_the_page_are_allowed(running: Running) -> None:
    # The page's script posts to data-api from the site's origin: the endpoint must accept it.
    form = _page(f"{running.site}/{ARTICLE}").find("form", id="comment-form")
    response = requests.options(form["data-api"], timeout=10, headers={
        "Origin": running.site, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert response.headers.get("Access-Control-Allow-Origin") == running.site
