"""A bounded load generator: N client threads on loopback, each posting comments with its own marker.

Every request's outcome is recorded (HTTP status and the id the endpoint answered with, or the
connection error), so that a test can compare what was acknowledged with what the store holds.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from pelican.plugins.engagement.store import Store

from tests.support.endpoint import OPEN


@dataclass(frozen=True)
class Outcome:
    marker: str
    status: int  # 0: the connection failed (no answer at all)
    entry_id: int | None = None


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    @property
    def sent(self) -> int:
        return len(self.outcomes)

    @property
    def acknowledged(self) -> dict[str, int]:
        """marker → entry id for every 2xx."""
        return {o.marker: o.entry_id for o in self.outcomes if 200 <= o.status < 300 and o.entry_id}

    @property
    def statuses(self) -> Counter[int]:
        return Counter(o.status for o in self.outcomes)

    @property
    def server_errors(self) -> int:
        return sum(1 for o in self.outcomes if o.status >= 500)


def comment(marker: str, parent: int | None = None) -> dict[str, object]:
    body: dict[str, object] = {"thread": OPEN, "name": f"Load {marker}", "body": f"Comment {marker}."}
    if parent is not None:
        body["parent"] = str(parent)
    return body


def run_clients(
    url: str,
    clients: int,
    per_client: int,
    *,
    forwarded_for: Callable[[int], str | None] = lambda i: None,
    stop: threading.Event | None = None,
    start: threading.Barrier | None = None,
    parent_of: Callable[[int, int], int | None] = lambda i, n: None,
    prefix: str = "c",
) -> Run:
    """``clients`` threads each post ``per_client`` JSON comments (or until ``stop`` is set)."""
    run = Run()
    stop = stop or threading.Event()

    def client(index: int) -> None:
        session = requests.Session()
        headers = {"Accept": "application/json"}
        address = forwarded_for(index)
        if address:
            headers["X-Forwarded-For"] = address
        if start is not None:
            start.wait()
        for n in range(per_client):
            if stop.is_set():
                break
            marker = f"{prefix}{index}-{n}"
            try:
                response = session.post(url + "/api/comments", json=comment(marker, parent_of(index, n)),
                                        headers=headers, timeout=30)
            except requests.RequestException:
                run.record(Outcome(marker, 0))
                continue
            entry_id = response.json().get("id") if response.status_code == 201 else None
            run.record(Outcome(marker, response.status_code, entry_id))
        session.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run


def stored_by_marker(store_url: str, prefix: str = "") -> dict[str, int]:
    """marker → id of every stored comment whose marker starts with ``prefix``."""
    store = Store.open(store_url)
    try:
        names = ((e.author_name.removeprefix("Load "), e.id) for e in store.list(kind="comment"))
        return {marker: entry_id for marker, entry_id in names if marker.startswith(prefix)}
    finally:
        store.close()
