"""Print the URL of the test PostgreSQL server when one answers, else nothing.

`make test` (and so `.ci/run`, which calls it) runs the PostgreSQL tests wherever a server answers
on the probed address, so a developer sees what CI sees. The server is expected to accept the
`postgres` user without a password (trust auth) and to have a database named `test`.

Usage: python .ci/postgres_url.py [HOST:PORT]     (default 127.0.0.1:5432)
"""

from __future__ import annotations

import socket
import sys

DEFAULT = "127.0.0.1:5432"


def answers(host: str, port: int) -> bool:
    """True when something accepts a TCP connection there within a second."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def main(argv: list[str]) -> int:
    address = argv[1] if len(argv) > 1 else DEFAULT
    host, _, port = address.rpartition(":")
    if answers(host, int(port)):
        print(f"postgresql+psycopg://postgres@{host}:{port}/test")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
