"""A small closed-loop HTTP load driver: C clients on loopback, bounded in requests and in time.

Each client is a thread with its own ``http.client`` connection (reconnecting when the server closes
it, as gunicorn's sync workers do after every response). A round stops at ``max_requests`` or
``max_seconds``, whichever comes first, so a slow server cannot make the suite run long. Latency is
measured per request from sending to the last byte of the body.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.stats import percentile

#: (method, path with query, body or None, headers) for request number n.
RequestMaker = Callable[[int], tuple[str, str, bytes | None, dict[str, str]]]


@dataclass
class RoundResult:
    """What one bounded round of load produced."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    #: Requests that got no HTTP answer at all (connection reset, timeout).
    failures: int = 0
    #: CPU seconds the driver itself used: on a small machine it competes with the server.
    client_cpu: float = 0.0

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def latency_ms(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000 if self.latencies else float("nan")


def run_round(base_url: str, make_request: RequestMaker, *, clients: int, max_requests: int,
              max_seconds: float, timeout: float = 10.0) -> RoundResult:
    """Drive ``clients`` concurrent clients until ``max_requests`` are sent or time is up."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    numbers = itertools.count()
    lock = threading.Lock()
    result = RoundResult()
    deadline = time.perf_counter() + max_seconds

    def next_number() -> int | None:
        with lock:
            n = next(numbers)
        return n if n < max_requests and time.perf_counter() < deadline else None

    def client() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        failures = 0
        while (n := next_number()) is not None:
            method, path, body, headers = make_request(n)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failures += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=timeout)
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.failures += failures
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    cpu_started = time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + timeout + 5)
    result.seconds = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu_started
    return result
