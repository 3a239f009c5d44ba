"""`make test` runs the PostgreSQL tests wherever a server answers, as CI does.

The detection lives in one place (`.ci/postgres_url.py`, called by the Makefile's `test` target,
which `.ci/run` calls). The wiring test runs the real `make test` with stand-ins for ruff and
pytest that record the environment pytest would have seen, and a real listener on a free loopback
port in place of PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.project import copy_project, free_port, make_command
from tests.support.sites import REPO

SCRIPT = REPO / ".ci" / "postgres_url.py"


@pytest.fixture
def listening() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections, as a PostgreSQL server's would."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def _probe(address: str) -> str:
    result = subprocess.run([sys.executable, str(SCRIPT), address], capture_output=True, text=True,
                            check=True, timeout=30)
    return result.stdout.strip()


def test_probe_names_a_server_that_answers(listening: int) -> None:
    assert _probe(f"127.0.0.1:{listening}") == f"postgresql+psycopg://postgres@127.0.0.1:{listening}/test"


def test_probe_says_nothing_when_no_server_answers() -> None:
    assert _probe(f"127.0.0.1:{free_port()}") == ""


def test_ci_script_leaves_the_detection_to_make() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    # One copy of the detection: .ci/run probes nothing itself and leaves the variable to make.
    assert "socket" not in ci
    assert "ENGAGEMENT_TEST_POSTGRES_URL" not in ci
    assert "make test" in ci


def _stand_in_bin(folder: Path, record: Path) -> Path:
    """ruff that passes and a python that runs the probe for real but records pytest's environment."""
    folder.mkdir()
    scripts = {
        "ruff": "#!/bin/sh\nexit 0\n",
        "python": (
            "#!/bin/sh\n"
            f'case "$1" in .ci/*) exec {sys.executable} "$@";; esac\n'
            f'printf "%s" "$ENGAGEMENT_TEST_POSTGRES_URL" > {record}\n'
        ),
    }
    for name, text in scripts.items():
        path = folder / name
        path.write_text(text, "utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


def _make_test(tmp_path: Path, probe: str, **environment: str) -> str:
    project = copy_project(tmp_path / "project")
    record = tmp_path / "pytest-saw"
    bin_dir = _stand_in_bin(tmp_path / "bin", record)
    env = {key: value for key, value in os.environ.items() if key != "ENGAGEMENT_TEST_POSTGRES_URL"}
    subprocess.run(make_command("test", f"BIN={bin_dir}", f"POSTGRES_PROBE={probe}"), cwd=project,
                   env=env | environment, check=True, capture_output=True, timeout=60)
    return record.read_text("utf-8")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_runs_the_postgres_tests_when_a_server_answers(tmp_path: Path, listening: int) -> None:
    seen = _make_test(tmp_path, f"127.0.0.1:{listening}")
    assert seen == f"postgresql+psycopg://postgres@127.0.0.1:{listening}/test"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_skips_them_when_nothing_answers(tmp_path: Path) -> None:
    assert _make_test(tmp_path, f"127.0.0.1:{free_port()}") == ""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_a_url_given_by_the_developer_wins(tmp_path: Path, listening: int) -> None:
    mine = "postgresql+psycopg://me@db.internal:5433/mine"
    assert _make_test(tmp_path, f"127.0.0.1:{listening}", ENGAGEMENT_TEST_POSTGRES_URL=mine) == mine
