"""Section 3 — the endpoint under a burst of readers: ours under gunicorn vs Isso 0.14 under gunicorn.

All three servers run at the same time on loopback, on the same SQLite-on-local-disk set-up,
moderation on, rate limits off (they would turn the burst into 429s), and the same content: one
thread with 50 approved comments to read, another to post to. Ours runs twice: under the set-up the
README recommends (gunicorn ``gthread`` workers, which keep connections alive) and under gunicorn's
default sync workers (which close every connection), so the table shows which is faster; Isso runs
the way its documentation shows. The load comes from ``wrk`` (``bench/wrk.py``), a C driver, so the
client is not the bottleneck. Rounds alternate between the servers so a busy moment of the machine
hits all of them. After the POST rounds the rows in each store are counted: an acknowledged comment
that is not stored was lost.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import isso
from bench.servers import gunicorn
from bench.sitegen import COMMENT_TEXTS, Site, article_specs
from bench.stats import Figure, Row, ratio_at_least, ratio_at_most, value_at_most
from bench.wrk import PLACEHOLDER, Request, WrkResult, run_round

SECTION = "3 endpoint"
#: Open connections, and wrk threads driving them.
CLIENTS = 8
DRIVER_THREADS = 2
#: Isso's documented set-up and our sync-worker comparison: four processes.
WORKERS = 4
#: The README's recommended set-up (deploy/systemd, deploy/Containerfile): gthread, 2 × 4 threads.
GTHREAD_WORKERS = 2
GTHREAD_THREADS = 4
GET_SPEEDUP = 50.0
GET_P99_MS = 20.0
POST_SPEEDUP = 3.0
#: Ours' POST p99 at most this fraction of Isso's.
POST_P99_SHARE = 0.5
OURS, OURS_SYNC, ISSO = "ours", "ours (sync workers)", "isso"
SERVERS = (OURS, OURS_SYNC, ISSO)
WARM_UP_SECONDS = 1.0
#: Answers a warm-up round must get (a few per connection), and how long warming up may take.
WARM_UP_ANSWERS = 2 * CLIENTS
WARM_UP_LIMIT = 60.0


@dataclass
class Server:
    """How to talk to one server: its base URL, what to read and post, and its stored count."""

    name: str
    base_url: str
    read: Request
    post: Request
    stored: Callable[[], int]


@dataclass
class Rounds:
    """Every round's result, by (server, "GET" | "POST")."""

    results: dict[tuple[str, str], list[WrkResult]] = field(default_factory=dict)
    stored_before: dict[str, int] = field(default_factory=dict)
    stored_after: dict[str, int] = field(default_factory=dict)

    def of(self, server: str, kind: str) -> list[WrkResult]:
        return self.results.get((server, kind), [])


def _bodies(make: Callable[[str], dict[str, object]]) -> tuple[str, ...]:
    """One JSON body template per sample text; wrk puts "<thread>-<n>" where the placeholder is."""
    return tuple(json.dumps(make(text)) for text in COMMENT_TEXTS)


def our_server(name: str, base_url: str, site: Site, site_url: str, post_to: int = 1) -> Server:
    """Ours; ``post_to`` picks the article posted to, one per server sharing the store."""
    specs = article_specs(site.articles)
    read_key, post_key = specs[0].thread, specs[post_to].thread
    headers = {"Content-Type": "application/json", "Origin": site_url, "Accept": "application/json"}
    read = Request("GET", f"/api/threads/{read_key}comments", {"Accept": "application/json"})
    post = Request("POST", "/api/comments", headers, _bodies(lambda text: {
        "thread": post_key, "name": f"Bench reader {PLACEHOLDER}", "email": f"bench{PLACEHOLDER}@example.org",
        "website": "", "body": f"Comment {PLACEHOLDER}: {text}"}))

    def stored() -> int:
        with sqlite3.connect(site.database) as connection:
            return connection.execute("SELECT count(*) FROM entries WHERE thread = ? AND kind = 'comment'",
                                      (post_key,)).fetchone()[0]

    return Server(name, base_url, read, post, stored)


def isso_server(base_url: str, folder: Path, site: Site, site_url: str) -> Server:
    specs = article_specs(site.articles)
    read_uri, post_uri = "/" + specs[0].thread, "/" + specs[1].thread
    headers = {"Content-Type": "application/json", "Origin": site_url, "Accept": "application/json"}
    read = Request("GET", f"/?uri={quote(read_uri)}", {"Accept": "application/json"})
    post = Request("POST", f"/new?uri={quote(post_uri)}", headers, _bodies(lambda text: {
        "author": f"Bench reader {PLACEHOLDER}", "email": f"bench{PLACEHOLDER}@example.org",
        "website": None, "text": f"Comment {PLACEHOLDER}: {text}", "title": specs[1].title}))
    return Server(ISSO, base_url, read, post, lambda: isso.stored_comments(folder, post_uri))


def seed_isso(bin_dir: Path, config: Path, site: Site) -> None:
    """The same 50-comment thread Isso serves (its own Markdown source, as its users write it)."""
    specs = article_specs(site.articles)
    texts = [COMMENT_TEXTS[n % len(COMMENT_TEXTS)] for n in range(50)]
    isso.seed(bin_dir, config, [("/" + specs[0].thread, specs[0].title, texts),
                                ("/" + specs[1].thread, specs[1].title, [])])


def _round(server: Server, request: Request, seconds: float, workdir: Path) -> WrkResult:
    return run_round(server.base_url, request, connections=CLIENTS, threads=DRIVER_THREADS,
                     seconds=seconds, workdir=workdir)


def _warm_up(server: Server, workdir: Path) -> None:
    """Short rounds until a few answers came back: each worker's first request pays for imports,
    the thread manifest and caches (seconds on a loaded machine), which no round should measure.
    A server still silent after the limit is measured anyway: its rounds then show it."""
    deadline = time.monotonic() + WARM_UP_LIMIT
    for request in (server.read, server.post):
        answered = 0
        while answered < WARM_UP_ANSWERS and time.monotonic() < deadline:
            answered += _round(server, request, WARM_UP_SECONDS, workdir).ok


def drive(servers: list[Server], *, runs: int, max_seconds: float, workdir: Path,
          progress: Callable[[str], None]) -> Rounds:
    rounds = Rounds()
    for server in servers:
        _warm_up(server, workdir)
        rounds.stored_before[server.name] = server.stored()
    for kind in ("GET", "POST"):
        for run in range(runs):
            for server in servers:
                request = server.read if kind == "GET" else server.post
                result = _round(server, request, max_seconds, workdir)
                rounds.results.setdefault((server.name, kind), []).append(result)
                progress(f"endpoint {server.name} {kind} round {run + 1}/{runs}: {result.ok} ok in "
                         f"{result.seconds:.1f} s ({result.rate:.0f}/s), "
                         f"p99 {result.latency_ms(0.99):.1f} ms, "
                         f"statuses {result.statuses}, {result.failures} without answer")
    for server in servers:
        rounds.stored_after[server.name] = server.stored()
    return rounds


def _our_command(worker_class: str) -> list[str]:
    gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
    if worker_class == "gthread":
        options = ["--worker-class", "gthread", "--workers", str(GTHREAD_WORKERS),
                   "--threads", str(GTHREAD_THREADS)]
    else:
        options = ["--worker-class", "sync", "--workers", str(WORKERS)]
    return [gunicorn_bin, "-b", "127.0.0.1:0", *options, "pelican.plugins.engagement.endpoint.wsgi:app"]


def measure(site: Site, settings: Path, site_url: str, workdir: Path, *, runs: int,
            max_seconds: float, progress: Callable[[str], None], profile: bool = False
            ) -> tuple[Rounds, str]:
    """Start the three servers, drive them, stop them; returns the rounds and Isso's version."""
    bin_dir = isso.venv(workdir)
    isso_version = isso.version(bin_dir)
    folder = workdir / "isso"
    config = isso.write_config(folder, site_url=site_url)
    seed_isso(bin_dir, config, site)
    env = {"ENGAGEMENT_SETTINGS": str(settings)}
    logs = workdir / "logs"
    with gunicorn(_our_command("gthread"), workers=GTHREAD_WORKERS, log=logs / "ours-gunicorn.log",
                  env=env, cwd=settings.parent) as ours, \
            gunicorn(_our_command("sync"), workers=WORKERS, log=logs / "ours-sync-gunicorn.log",
                     env=env, cwd=settings.parent) as ours_sync, \
            gunicorn(isso.gunicorn_command(bin_dir, WORKERS), workers=WORKERS,
                     log=logs / "isso-gunicorn.log", env={"ISSO_SETTINGS": str(config)},
                     cwd=folder) as theirs:
        servers = [our_server(OURS, ours.url, site, site_url),
                   our_server(OURS_SYNC, ours_sync.url, site, site_url, post_to=2),
                   isso_server(theirs.url, folder, site, site_url)]
        rounds = drive(servers, runs=runs, max_seconds=max_seconds, workdir=workdir, progress=progress)
        if profile:
            _profile(servers[0], ours.pid, workdir / "profiles", max_seconds, workdir, progress)
    return rounds, isso_version


def _profile(server: Server, pid: int, folder: Path, max_seconds: float, workdir: Path,
             progress: Callable[[str], None]) -> None:
    """One more GET and POST round of ours, sampled by py-spy (not counted in the table)."""
    from bench.profiling import py_spy

    for kind, request in (("get", server.read), ("post", server.post)):
        output = folder / f"endpoint-{kind}.txt"
        with py_spy(pid, output, max_seconds):
            _round(server, request, max_seconds, workdir)
        progress(f"profile of the endpoint's {kind.upper()} in {output.with_suffix('.top.txt')}")


def _driver_share(results: list[WrkResult]) -> float:
    seconds = sum(r.seconds for r in results)
    return sum(r.client_cpu for r in results) / seconds if seconds else 0.0


def _figure(results: list[WrkResult], value: Callable[[WrkResult], float], unit: str) -> Figure:
    return Figure.of([value(r) for r in results], unit)


def _rate(r: WrkResult) -> float:
    return r.rate


def _p50(r: WrkResult) -> float:
    return r.latency_ms(0.5)


def _p99(r: WrkResult) -> float:
    return r.latency_ms(0.99)


def rows(rounds: Rounds, isso_version: str) -> list[Row]:
    baseline = f"Isso {isso_version}"
    out: list[Row] = []
    for kind, what in (("GET", "GET 50-comment thread"), ("POST", "POST new comment")):
        ours, theirs = rounds.of(OURS, kind), rounds.of(ISSO, kind)
        speedup = GET_SPEEDUP if kind == "GET" else POST_SPEEDUP
        rate = Row(SECTION, f"{what}, {CLIENTS} connections: requests/s",
                   _figure(ours, _rate, "req/s"), _figure(theirs, _rate, "req/s"),
                   baseline_label=baseline, target=ratio_at_least(speedup))
        rate.notes.append("wrk itself used " + ", ".join(
            f"{server} {_driver_share(rounds.of(server, kind)):.2f}" for server in SERVERS)
            + f" CPU-seconds per second of the {kind} rounds (of {os.cpu_count()} cores)")
        out.append(rate)
        out.append(Row(SECTION, f"{what}: p50 latency", _figure(ours, _p50, "ms"),
                       _figure(theirs, _p50, "ms"), baseline_label=baseline))
        p99_target = (value_at_most(GET_P99_MS, f"ours ≤ {GET_P99_MS:g} ms") if kind == "GET"
                      else ratio_at_most(POST_P99_SHARE))
        out.append(Row(SECTION, f"{what}: p99 latency", _figure(ours, _p99, "ms"),
                       _figure(theirs, _p99, "ms"), baseline_label=baseline, target=p99_target))
    out.extend(_worker_class_rows(rounds))
    out.append(_post_integrity(rounds, baseline))
    return out


def _worker_class_rows(rounds: Rounds) -> list[Row]:
    """Ours under the recommended gthread workers (keep-alive) against gunicorn's sync workers."""
    label = f"ours, {WORKERS} sync workers (no keep-alive)"
    out: list[Row] = []
    for kind, what in (("GET", "GET"), ("POST", "POST")):
        gthread, sync = rounds.of(OURS, kind), rounds.of(OURS_SYNC, kind)
        out.append(Row(SECTION, f"{what}: ours, gthread {GTHREAD_WORKERS}×{GTHREAD_THREADS} (keep-alive) "
                                "vs sync workers: requests/s",
                       _figure(gthread, _rate, "req/s"), _figure(sync, _rate, "req/s"), baseline_label=label))
        out.append(Row(SECTION, f"{what}: ours, gthread vs sync workers: p99 latency",
                       _figure(gthread, _p99, "ms"), _figure(sync, _p99, "ms"), baseline_label=label))
    return out


def _post_integrity(rounds: Rounds, baseline: str) -> Row:
    """Lost comments (acknowledged but not stored) and 5xx answers, summed over the POST rounds."""
    def lost(server: str) -> int:
        acknowledged = sum(r.ok for r in rounds.of(server, "POST"))
        stored = rounds.stored_after[server] - rounds.stored_before[server]
        return max(0, acknowledged - stored)

    def errors(server: str) -> int:
        return sum(r.server_errors + r.failures for r in rounds.of(server, "POST"))

    ours = sum(lost(server) + errors(server) for server in (OURS, OURS_SYNC))
    row = Row(SECTION, "POST: lost + 5xx/unanswered (sum of rounds, both our set-ups)",
              Figure.of([ours], "comments"), Figure.of([lost(ISSO) + errors(ISSO)], "comments"),
              baseline_label=baseline, target=value_at_most(0, "ours = 0"))
    for server in SERVERS:
        results = rounds.of(server, "POST")
        statuses: dict[int, int] = {}
        for result in results:
            for status, count in result.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        row.notes.append(
            f"{server}: {sum(r.answered + r.failures for r in results)} answered or failed, "
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
