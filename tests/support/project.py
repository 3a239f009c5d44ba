"""Run the project's own Makefile targets in a throw-away copy of the project.

`make run`, `make ci-build` and `make test` write where a developer's own work lives (`output/`,
`var/engagement.sqlite3`); a test runs them in a copy of the site's files instead, with the
virtualenv the tests run in (the Makefile's `VENV`), so nothing is installed or overwritten.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.sites import REPO

#: The files a site build and the Makefile's targets read (the plugin comes from the virtualenv).
PROJECT_FILES = ("Makefile", "pelicanconf.py", "publishconf.py", "plugins/site_feeds.py",
                 "plugins/site_search.py", ".ci/postgres_url.py")
PROJECT_FOLDERS = ("content", "theme")
VENV = Path(sys.prefix)


def copy_project(destination: Path) -> Path:
    """Copy what the Makefile needs into ``destination``; returns it."""
    for name in PROJECT_FILES:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    for name in PROJECT_FOLDERS:
        shutil.copytree(REPO / name, destination / name)
    return destination


def make_command(*arguments: str) -> list[str]:
    """``make`` with this virtualenv, never (re)installing it from inside a test."""
    return ["make", "-s", f"VENV={VENV}", "-o", f"{VENV}/.installed", *arguments]


def run_make(project: Path, *arguments: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(make_command(*arguments), cwd=project, capture_output=True, text=True,
                          timeout=timeout, check=False)


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
