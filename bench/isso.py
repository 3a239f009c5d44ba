"""Isso 0.14, the self-hosted comment server people pick, as the endpoint's baseline.

It is installed from PyPI into its own virtualenv (``.bench/isso-venv``) so its pins never meet ours,
configured with a file written here (SQLite, moderation on like ours, its rate-limit guard off like
ours for the benchmark), seeded with the same 50-comment thread through its own database layer, and
run under gunicorn the way its documentation shows (``gunicorn -w 4 --preload isso.run``).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

#: The release the issue's anchors were measured with.
REQUIREMENT = "isso>=0.14,<0.15"
#: The server of Isso's documented deployment, in the same range as ours.
GUNICORN_REQUIREMENT = "gunicorn>=22,<28"


class IssoUnavailable(RuntimeError):
    """Isso could not be installed or started; the message says why."""


def venv(workdir: Path) -> Path:
    """The virtualenv with Isso in it, created and installed on first use; returns its bin/."""
    root = workdir / "isso-venv"
    python = root / "bin" / "python"
    stamp = root / ".bench-installed"
    if stamp.is_file() and python.is_file():
        return python.parent
    log = workdir / "isso-install.log"
    steps = [
        [sys.executable, "-m", "venv", str(root)],
        [str(python), "-m", "pip", "install", "--quiet", REQUIREMENT, GUNICORN_REQUIREMENT],
    ]
    with log.open("w", encoding="utf-8") as handle:
        for step in steps:
            if subprocess.run(step, stdout=handle, stderr=subprocess.STDOUT, check=False).returncode:
                raise IssoUnavailable(f"could not install {REQUIREMENT} (see {log})")
    stamp.write_text(REQUIREMENT + "\n", "utf-8")
    return python.parent


def version(bin_dir: Path) -> str:
    return subprocess.run([str(bin_dir / "python"), "-c",
                           "import importlib.metadata as m; print(m.version('isso'))"],
                          capture_output=True, text=True, check=True).stdout.strip()


def write_config(folder: Path, *, site_url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "comments.db"
    for stale in folder.glob("comments.db*"):
        stale.unlink()
    path = folder / "isso.cfg"
    path.write_text("\n".join([
        "[general]",
        f"dbpath = {database}",
        f"host = {site_url}",
        "notify = stdout",
        "gravatar = false",
        "[moderation]",
        "enabled = true",
        "[guard]",
        "enabled = false",
        "[server]",
        "listen = http://127.0.0.1:0",
        "[markup]",
        "renderer = mistune",
        "",
    ]), "utf-8")
    return path


_SEED = """
import json, sys
from isso import config
from isso.db import SQLite3
conf = config.load(config.default_file(), sys.argv[1])
db = SQLite3(conf.get("general", "dbpath"), conf)
for uri, title, texts in json.loads(sys.argv[2]):
    if uri not in db.threads:
        db.threads.new(uri, title)
    for n, text in enumerate(texts):
        db.comments.add(uri, {"text": text, "author": f"Reader {n}", "email": f"reader{n}@example.org",
                              "website": None, "parent": None, "mode": 1, "remote_addr": "127.0.0.1",
                              "created": 1704067200.0 + 60 * n})
"""


def seed(bin_dir: Path, config: Path, threads: list[tuple[str, str, list[str]]]) -> None:
    """Create threads (uri, title) with accepted comments, through Isso's own database layer."""
    result = subprocess.run([str(bin_dir / "python"), "-c", _SEED, str(config), json.dumps(threads)],
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise IssoUnavailable(f"seeding Isso's database failed:\n{result.stderr[-2000:]}")


def gunicorn_command(bin_dir: Path, workers: int) -> list[str]:
    return [str(bin_dir / "gunicorn"), "-b", "127.0.0.1:0", "-w", str(workers), "--preload", "isso.run"]


def stored_comments(config_folder: Path, uri: str) -> int:
    with sqlite3.connect(config_folder / "comments.db") as connection:
        return connection.execute(
            "SELECT count(*) FROM comments JOIN threads ON comments.tid = threads.id WHERE threads.uri = ?",
            (uri,)).fetchone()[0]
