"""Starting and stopping the servers a section measures: gunicorn on a free loopback port.

Gunicorn binds ``127.0.0.1:0`` and says which port it got in its log ("Listening at: …"); we read
it from there instead of guessing a free port, so two benchmark runs (or a test run beside one)
never collide. Only the process we started is ever stopped, by its own id.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
_BOOTED = re.compile(r"Booting worker with pid")


class ServerFailed(RuntimeError):
    """A server did not come up; the message holds the end of its log."""


@dataclass(frozen=True)
class Running:
    """A started server: its base URL and the id of its (gunicorn master) process."""

    url: str
    pid: int


@contextmanager
def gunicorn(command: Sequence[str], *, workers: int, log: Path, env: Mapping[str, str],
             cwd: Path, startup_seconds: float = 60.0) -> Iterator[Running]:
    """Run ``command`` (a gunicorn command line binding 127.0.0.1:0) until the block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(list(command), stdout=handle, stderr=subprocess.STDOUT, cwd=cwd,
                                   env={**os.environ, **env}, start_new_session=True)
    try:
        yield Running(_wait_until_up(process, log, workers, startup_seconds), process.pid)
    finally:
        _stop(process)


def _wait_until_up(process: subprocess.Popen[bytes], log: Path, workers: int, limit: float) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        text = log.read_text("utf-8", "replace")
        found = _LISTENING.search(text)
        if found and len(_BOOTED.findall(text)) >= workers:
            return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    tail = "\n".join(log.read_text("utf-8", "replace").splitlines()[-20:])
    raise ServerFailed(f"{log.name}: the server did not start (exit {process.poll()}):\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the master and workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    # A worker stuck in a request can outlive its master (seen with Isso under load). The server
    # was started in a session of its own, so its process group holds only what we started.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
