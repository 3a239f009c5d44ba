"""A reader for a named pipe (FIFO) that never hangs the test, whatever the writer does."""

from __future__ import annotations

import os
import select
import threading
import time
from pathlib import Path


class FifoReader(threading.Thread):
    """Reads everything written to ``path`` by one writer, for at most ``timeout`` seconds.

    The pipe is opened non-blocking, so the reader exists before the writer opens the pipe (the
    writer's open does not block) and a writer that never comes (a bug that replaced the FIFO by a
    file) leaves ``data`` empty instead of a thread blocked forever.
    """

    def __init__(self, path: Path, timeout: float = 20.0) -> None:
        super().__init__(daemon=True)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.timeout = timeout
        self.data = b""

    def run(self) -> None:
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                if not ready:
                    continue
                chunk = os.read(self.fd, 65536)
                if chunk:
                    chunks.append(chunk)
                elif chunks:
                    break  # the writer wrote and closed: end of file
                else:
                    time.sleep(0.05)  # no writer yet: a FIFO without one reads as empty
        finally:
            os.close(self.fd)
            self.data = b"".join(chunks)

    def result(self) -> bytes:
        self.join(self.timeout + 5)
        return self.data
