"""The two ways the endpoint really runs: `engagement serve` (make run) and gunicorn (production)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.support.endpoint import SETTINGS_FILE_THREAD, CliSite, make_site

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> CliSite:
    return make_site(tmp_path_factory.mktemp("serve-site"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start a server process and wait until /healthz answers; stop it afterwards."""
    process = subprocess.Popen(command, env={**os.environ, **(env or {})},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or workers still booting
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"{command[0]} did not start:\n{output}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:  # gunicorn waits for its workers to finish; a busy machine may take a while
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _comment(base: str) -> requests.Response:
    fields = {"thread": SETTINGS_FILE_THREAD, "name": "Ann", "body": "Hi"}
    return requests.post(f"{base}/comments", data=fields,
                         allow_redirects=False, timeout=10)


def test_engagement_serve_accepts_a_comment(site: CliSite) -> None:
    port = _free_port()
    command = [str(BIN / "engagement"), "serve", "--settings", str(site.settings_file),
               "--host", "127.0.0.1", "--port", str(port)]
    with running(command, port) as base:
        assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok", "threads": 1}
        assert _comment(base).status_code == 303


def test_gunicorn_runs_the_wsgi_module(site: CliSite) -> None:
    port = _free_port()
    command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
               "--control-socket", str(site.root / "gunicorn.ctl"),
               "pelican.plugins.engagement.endpoint.wsgi:app"]
    with running(command, port, env={"ENGAGEMENT_SETTINGS": str(site.settings_file)}) as base:
        answers = [_comment(base).status_code for _ in range(3)]
    assert answers == [303, 303, 303]
