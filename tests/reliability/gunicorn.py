"""The endpoint as production runs it: gunicorn with several worker processes, on 127.0.0.1.

Each server is started in its own process group, so a test can SIGKILL the master and all of its
workers at once (a power cut, an OOM kill) and start a fresh one on the same database.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.support.endpoint import BuiltSite
from tests.support.sites import REPO, THEME

GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 4
START_TIMEOUT = 30.0


def write_settings(folder: Path, site: BuiltSite, database_url: str, *, pelican: dict[str, Any] | None = None,
                   **engagement: Any) -> Path:
    """A site settings file: the repository's pelicanconf.py, the built test site's content and output
    (so its threads manifest), this store, some Pelican settings and some ENGAGEMENT_* settings (names
    without the prefix)."""
    values = {
        **(pelican or {}),
        "PATH": str(site.content),
        "OUTPUT_PATH": str(site.output),
        "THEME": str(THEME),
        "ENGAGEMENT_DATABASE_URL": database_url,
    }
    values.update({f"ENGAGEMENT_{name}": value for name, value in engagement.items()})
    path = folder / "loadsite.py"
    # The repository's settings are loaded by path: Pelican registers every settings file it reads
    # as a module under its file name, so ``import pelicanconf`` may find another test's file.
    path.write_text(
        "import importlib.util as _util\n"
        f"_spec = _util.spec_from_file_location('_repository_conf', {str(REPO / 'pelicanconf.py')!r})\n"
        "_base = _util.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(_base)\n"
        "globals().update({k: v for k, v in vars(_base).items() if k.isupper()})\n"
        + "".join(f"{name} = {value!r}\n" for name, value in values.items()),
        "utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Gunicorn:
    """One running gunicorn (master + workers) serving ``pelican.plugins.engagement.endpoint.wsgi:app``."""

    settings_file: Path
    log_file: Path
    workers: int = WORKERS
    #: More gunicorn options (``("--worker-class", "gthread")``), before the app path.
    args: tuple[str, ...] = ()
    #: The WSGI app (a test may wrap the endpoint's; give ``("--pythonpath", REPO)`` in ``args``).
    app: str = "pelican.plugins.engagement.endpoint.wsgi:app"
    process: subprocess.Popen[bytes] | None = None
    url: str = ""

    def start(self) -> str:
        self.launch()
        self._wait_healthy()
        return self.url

    def launch(self) -> str:
        """Start master and workers without waiting (several instances can start together)."""
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGEMENT_")}
        env["ENGAGEMENT_SETTINGS"] = str(self.settings_file)
        log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{port}",
             "--graceful-timeout", "2", "--timeout", "60", *self.args,
             self.app],
            cwd=self.settings_file.parent, env=env, stdout=log, stderr=log,
            start_new_session=True,  # its own process group: SIGKILL reaches master and workers
        )
        log.close()
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start:\n{self.log_file.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or workers still booting
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not become healthy:\n{self.log_file.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the master and every worker: no shutdown code runs."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        _wait_group_gone(self.process.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        _wait_group_gone(self.process.pid)


def _wait_group_gone(pgid: int) -> None:
    """Workers die a moment after the master; wait until nothing of the group is left."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


@contextmanager
def gunicorn(settings_file: Path, **options: Any) -> Iterator[Gunicorn]:
    server = Gunicorn(settings_file, settings_file.with_suffix(".log"), **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()
