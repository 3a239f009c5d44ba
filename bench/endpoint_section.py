"""Section 3 — the endpoint under a burst of readers: ours under gunicorn vs Isso 0.14 under gunicorn.

Both servers run at the same time on loopback, same worker count, same SQLite-on-local-disk set-up,
moderation on, rate limits off (they would turn the burst into 429s), and the same content: one
thread with 50 approved comments to read, another to post to. Rounds alternate between the two so a
busy moment of the machine hits both. After the POST rounds the rows in each store are counted:
an acknowledged comment that is not stored was lost.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import isso
from bench.load import RequestMaker, RoundResult, run_round
from bench.servers import gunicorn
from bench.sitegen import COMMENT_TEXTS, Site, article_specs
from bench.stats import Figure, Row, ratio_at_least, value_at_most

SECTION = "3 endpoint"
CLIENTS = 8
WORKERS = 4
GET_SPEEDUP = 50.0
GET_P99_MS = 50.0
POST_SPEEDUP = 2.0
SERVERS = ("ours", "isso")


@dataclass
class Server:
    """How to talk to one server: its base URL and request makers for reading and posting."""

    name: str
    base_url: str
    read: RequestMaker
    post: RequestMaker
    stored: Callable[[], int]


@dataclass
class Rounds:
    """Every round's result, by (server, "GET" | "POST")."""

    results: dict[tuple[str, str], list[RoundResult]] = field(default_factory=dict)
    stored_before: dict[str, int] = field(default_factory=dict)
    stored_after: dict[str, int] = field(default_factory=dict)

    def of(self, server: str, kind: str) -> list[RoundResult]:
        return self.results.get((server, kind), [])


def _json(payload: dict[str, object]) -> bytes:
    return json.dumps(payload).encode("utf-8")


def our_server(base_url: str, site: Site, site_url: str) -> Server:
    specs = article_specs(site.articles)
    read_key, post_key = specs[0].thread, specs[1].thread
    headers = {"Content-Type": "application/json", "Origin": site_url, "Accept": "application/json"}

    def read(_n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "GET", f"/api/threads/{read_key}comments", None, {"Accept": "application/json"}

    def post(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        body = {"thread": post_key, "name": f"Bench reader {n}", "email": f"bench{n}@example.org",
                "website": "", "body": f"Comment {n}: {COMMENT_TEXTS[n % len(COMMENT_TEXTS)]}"}
        return "POST", "/api/comments", _json(body), headers

    def stored() -> int:
        with sqlite3.connect(site.database) as connection:
            return connection.execute("SELECT count(*) FROM entries WHERE thread = ? AND kind = 'comment'",
                                      (post_key,)).fetchone()[0]

    return Server("ours", base_url, read, post, stored)


def isso_server(base_url: str, folder: Path, site: Site, site_url: str) -> Server:
    specs = article_specs(site.articles)
    read_uri, post_uri = "/" + specs[0].thread, "/" + specs[1].thread
    headers = {"Content-Type": "application/json", "Origin": site_url, "Accept": "application/json"}

    def read(_n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "GET", f"/?uri={quote(read_uri)}", None, {"Accept": "application/json"}

    def post(n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
        body = {"author": f"Bench reader {n}", "email": f"bench{n}@example.org", "website": None,
                "text": f"Comment {n}: {COMMENT_TEXTS[n % len(COMMENT_TEXTS)]}", "title": specs[1].title}
        return "POST", f"/new?uri={quote(post_uri)}", _json(body), headers

    return Server("isso", base_url, read, post, lambda: isso.stored_comments(folder, post_uri))


def seed_isso(bin_dir: Path, config: Path, site: Site) -> None:
    """The same 50-comment thread Isso serves (its own Markdown source, as its users write it)."""
    specs = article_specs(site.articles)
    texts = [COMMENT_TEXTS[n % len(COMMENT_TEXTS)] for n in range(50)]
    isso.seed(bin_dir, config, [("/" + specs[0].thread, specs[0].title, texts),
                                ("/" + specs[1].thread, specs[1].title, [])])


def drive(servers: list[Server], *, runs: int, max_requests: int, max_seconds: float,
          progress: Callable[[str], None]) -> Rounds:
    rounds = Rounds()
    for server in servers:
        run_round(server.base_url, server.read, clients=CLIENTS, max_requests=4 * CLIENTS,
                  max_seconds=max_seconds)  # warm-up: imports, first connections, caches
        rounds.stored_before[server.name] = server.stored()
    for kind in ("GET", "POST"):
        for run in range(runs):
            for server in servers:
                maker = server.read if kind == "GET" else server.post
                result = run_round(server.base_url, maker, clients=CLIENTS, max_requests=max_requests,
                                   max_seconds=max_seconds)
                rounds.results.setdefault((server.name, kind), []).append(result)
                progress(f"endpoint {server.name} {kind} round {run + 1}/{runs}: {result.ok} ok in "
                         f"{result.seconds:.1f} s ({result.rate:.0f}/s), statuses {result.statuses}, "
                         f"{result.failures} without answer")
    for server in servers:
        rounds.stored_after[server.name] = server.stored()
    return rounds


def measure(site: Site, settings: Path, site_url: str, workdir: Path, *, runs: int, max_requests: int,
            max_seconds: float, progress: Callable[[str], None], profile: bool = False
            ) -> tuple[Rounds, str]:
    """Start both servers, drive them, stop them; returns the rounds and Isso's version."""
    bin_dir = isso.venv(workdir)
    isso_version = isso.version(bin_dir)
    folder = workdir / "isso"
    config = isso.write_config(folder, site_url=site_url)
    seed_isso(bin_dir, config, site)
    ours_command = [str(Path(sys.executable).with_name("gunicorn")), "-b", "127.0.0.1:0", "-w", str(WORKERS),
                    "pelican.plugins.engagement.endpoint.wsgi:app"]
    with gunicorn(ours_command, workers=WORKERS, log=workdir / "logs" / "ours-gunicorn.log",
                  env={"ENGAGEMENT_SETTINGS": str(settings)}, cwd=settings.parent) as ours, \
            gunicorn(isso.gunicorn_command(bin_dir, WORKERS), workers=WORKERS,
                     log=workdir / "logs" / "isso-gunicorn.log", env={"ISSO_SETTINGS": str(config)},
                     cwd=folder) as theirs:
        servers = [our_server(ours.url, site, site_url), isso_server(theirs.url, folder, site, site_url)]
        rounds = drive(servers, runs=runs, max_requests=max_requests, max_seconds=max_seconds,
                       progress=progress)
        if profile:
            _profile(servers[0], ours.pid, workdir / "profiles", max_requests, max_seconds, progress)
    return rounds, isso_version


def _profile(server: Server, pid: int, folder: Path, max_requests: int, max_seconds: float,
             progress: Callable[[str], None]) -> None:
    """One more GET and POST round of ours, sampled by py-spy (not counted in the table)."""
    from bench.profiling import py_spy

    for kind, maker in (("get", server.read), ("post", server.post)):
        output = folder / f"endpoint-{kind}.txt"
        with py_spy(pid, output, max_seconds):
            run_round(server.base_url, maker, clients=CLIENTS, max_requests=max_requests,
                      max_seconds=max_seconds)
        progress(f"profile of the endpoint's {kind.upper()} in {output.with_suffix('.top.txt')}")


def _driver_share(results: list[RoundResult]) -> float:
    seconds = sum(r.seconds for r in results)
    return sum(r.client_cpu for r in results) / seconds if seconds else 0.0


def _figure(results: list[RoundResult], value: Callable[[RoundResult], float], unit: str) -> Figure:
    return Figure.of([value(r) for r in results], unit)


def rows(rounds: Rounds, isso_version: str) -> list[Row]:
    baseline = f"Isso {isso_version}"
    out: list[Row] = []
    for kind, what in (("GET", "GET 50-comment thread"), ("POST", "POST new comment")):
        ours, theirs = rounds.of("ours", kind), rounds.of("isso", kind)
        speedup = GET_SPEEDUP if kind == "GET" else POST_SPEEDUP
        rate = Row(SECTION, f"{what}, {CLIENTS} clients: requests/s",
                   _figure(ours, lambda r: r.rate, "req/s"), _figure(theirs, lambda r: r.rate, "req/s"),
                   baseline_label=baseline, target=ratio_at_least(speedup))
        rate.notes.append("the load driver itself used " + ", ".join(
            f"{server} {_driver_share(rounds.of(server, kind)):.2f}" for server in SERVERS)
            + f" CPU-seconds per second of the {kind} rounds (of {os.cpu_count()} cores)")
        out.append(rate)
        out.append(Row(SECTION, f"{what}: p50 latency", _figure(ours, lambda r: r.latency_ms(0.5), "ms"),
                       _figure(theirs, lambda r: r.latency_ms(0.5), "ms"), baseline_label=baseline))
        p99_target = (value_at_most(GET_P99_MS, f"ours ≤ {GET_P99_MS:g} ms") if kind == "GET" else None)
        out.append(Row(SECTION, f"{what}: p99 latency", _figure(ours, lambda r: r.latency_ms(0.99), "ms"),
                       _figure(theirs, lambda r: r.latency_ms(0.99), "ms"), baseline_label=baseline,
                       target=p99_target))
    out.append(_post_integrity(rounds, baseline))
    return out


def _post_integrity(rounds: Rounds, baseline: str) -> Row:
    """Lost comments (acknowledged but not stored) and 5xx answers, summed over the POST rounds."""
    def lost(server: str) -> int:
        acknowledged = sum(r.ok for r in rounds.of(server, "POST"))
        stored = rounds.stored_after[server] - rounds.stored_before[server]
        return max(0, acknowledged - stored)

    def errors(server: str) -> int:
        return sum(r.server_errors + r.failures for r in rounds.of(server, "POST"))

    row = Row(SECTION, "POST: lost + 5xx/unanswered (sum of rounds)",
              Figure.of([lost("ours") + errors("ours")], "comments"),
              Figure.of([lost("isso") + errors("isso")], "comments"), baseline_label=baseline,
              target=value_at_most(0, "ours = 0"))
    for server in SERVERS:
        results = rounds.of(server, "POST")
        statuses: dict[int, int] = {}
        for result in results:
            for status, count in result.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        row.notes.append(
            f"{server}: {sum(r.answered + r.failures for r in results)} sent, "
            f"{sum(r.ok for r in results)} acknowledged (2xx), "
            f"{rounds.stored_after[server] - rounds.stored_before[server]} stored, {lost(server)} lost, "
            f"{sum(r.server_errors for r in results)} 5xx, {sum(r.failures for r in results)} unanswered; "
            f"statuses {dict(sorted(statuses.items()))}")
    for server in SERVERS:
        get_statuses: dict[int, int] = {}
        for result in rounds.of(server, "GET"):
            for status, count in result.statuses.items():
                get_statuses[status] = get_statuses.get(status, 0) + count
        if set(get_statuses) - {200}:
            row.notes.append(f"{server} GET statuses {dict(sorted(get_statuses.items()))}")
    return row
