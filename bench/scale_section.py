"""Section 5 — scale: the 5,000-article site with 100,000 approved comments, on SQLite and PostgreSQL.

A WordPress archive imported here easily holds thousands of posts and tens of thousands of
comments. The section generates the usual synthetic articles, stores 20 comments per article (a
few threads of 500) through the import path, and measures what an editor and a reader wait for:

- the cold build against the same site with 0 comments (one build each: they are long);
- approval → page with ``engagement moderate approve ID`` on a 500-comment thread (fresh process);
- ``engagement export`` of the whole store (fresh process, to a file);
- the moderation page's pending list (1,000 waiting) through the endpoint app, logged in;
- the thread API's first, uncached answer for a 500-comment thread (a new thread each run).

Each backend's rows are measured on its own store; PostgreSQL's only when a server answers.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import scale_store
from bench.approval_section import ENGAGEMENT, ApprovalFailed, _pending_comment, shows_comment
from bench.pelican_runs import BuildFailed, BuildRun, Checkout, prepare, run_pelican_usage
from bench.sitegen import Site, _rendered_bodies, article_specs, generate
from bench.stats import Figure, Row, ratio_at_most, value_at_most

SECTION = "5 scale"
BUILD_LIMIT = 1.3
SECONDS_LIMIT = 1.0
API_LIMIT_MS = 50.0
PENDING = 1000
ADMIN_TOKEN = "scale-bench-admin-token"


@dataclass
class BackendTimes:
    """What one backend's store gave: seconds (or milliseconds for the API) per run."""

    backend: str
    imported: float = 0.0
    build: list[float] = field(default_factory=list)
    build_cpu: list[float] = field(default_factory=list)
    approval: list[float] = field(default_factory=list)
    export: list[float] = field(default_factory=list)
    pending: list[float] = field(default_factory=list)
    api_ms: list[float] = field(default_factory=list)
    output_bytes: int = 0
    missing: str = ""


@dataclass
class ScaleTimes:
    articles: int
    comments: int
    long_size: int
    empty_build: list[float] = field(default_factory=list)
    empty_cpu: list[float] = field(default_factory=list)
    backends: list[BackendTimes] = field(default_factory=list)
    empty_missing: str = ""


@dataclass(frozen=True)
class Threads:
    """The long threads the measurements use, and a short one that warms the endpoint app up."""

    long: list[str]
    warm_up: str


@dataclass(frozen=True)
class Plan:
    """The sizes and limits of one scale run."""

    articles: int
    per_article: int
    long_size: int
    runs: int
    workdir: Path
    #: When the section must be done (``time.monotonic()``); builds that would not fit are skipped.
    end: float = float("inf")


def _config(root: Path, name: str, content: Path, articles: int, url: str) -> Checkout:
    site = scale_store.StoreSite(root / name, articles, 0, shared_content=content, url=url)
    return Checkout(site, "ours")


def _build(checkout: Checkout) -> tuple[BuildRun, Path]:
    """One cold build (content cache written, as in section 1); its usage and the settings file."""
    settings = prepare(checkout, load_cache=False)
    with settings.open("a", encoding="utf-8") as handle:
        handle.write(f"ENGAGEMENT_ADMIN_TOKEN = {ADMIN_TOKEN!r}\n")
    return run_pelican_usage(checkout, settings), settings


def _fits(plan: Plan, estimate: float | None) -> bool:
    return estimate is None or time.monotonic() + estimate <= plan.end


def measure(plan: Plan, progress: Callable[[str], None], postgres: bool = True) -> ScaleTimes:
    """Generate the site and its stores, build, and measure each backend in turn."""
    root = plan.workdir / "site-scale"
    progress(f"scale: generating {plan.articles} articles in {root}")
    site = generate(root, plan.articles, 0, showcase_comments=0)
    specs = article_specs(plan.articles)
    sizes = scale_store.thread_sizes(specs, plan.per_article, plan.long_size)
    document = {"format": "engagement-export", "version": 1,
                "entries": scale_store.records(sizes, _rendered_bodies())}
    times = ScaleTimes(plan.articles, len(document["entries"]), plan.long_size)
    threads = Threads([thread for thread, size in sizes.items() if size == plan.long_size],
                      next(thread for thread, size in sizes.items() if size != plan.long_size))

    empty = _config(root, "none", site.content, plan.articles, site.database_url)
    started = time.monotonic()
    try:
        run, _settings = _build(empty)
    except BuildFailed as error:
        progress(str(error))
        times.empty_missing = error.summary
        return times
    times.empty_build.append(run.seconds)
    times.empty_cpu.append(run.cpu)
    progress(f"scale: cold build with 0 comments {run.seconds:.1f} s ({run.cpu:.1f} CPU-s)")
    estimate = time.monotonic() - started

    backends: list[tuple[str, Callable[[], Any]]] = [("SQLite", lambda: _sqlite_url(root))]
    if postgres:
        backends.append(("PostgreSQL", scale_store.postgres_schema))
    for name, url_of in backends:
        result = BackendTimes(name)
        times.backends.append(result)
        if name == "PostgreSQL" and not scale_store.postgres_answers():
            result.missing = f"no PostgreSQL server answers at {scale_store.POSTGRES_URL}"
            continue
        if not _fits(plan, estimate * 1.5):
            result.missing = (f"skipped: a build takes about {estimate:.0f} s, the time budget is "
                              "spent; run with --budget 0")
            continue
        with url_of() as url:
            _measure_backend(plan, site, empty, url, document, threads, result, progress)
    return times


def _sqlite_url(root: Path) -> Any:
    from contextlib import nullcontext

    path = root / "scale.sqlite3"
    path.unlink(missing_ok=True)
    return nullcontext(f"sqlite:///{path}")


def _measure_backend(plan: Plan, site: Site, empty: Checkout, url: str, document: dict[str, Any],
                     threads: Threads, result: BackendTimes,
                     progress: Callable[[str], None]) -> None:
    """Fill this backend's store, build with it, then the four editor/reader measurements."""
    started = time.perf_counter()
    scale_store.fill(url, document)
    result.imported = time.perf_counter() - started
    progress(f"scale {result.backend}: imported {len(document['entries']):,} comments in "
             f"{result.imported:.1f} s")
    checkout = _config(empty.site.root.parent, result.backend.lower(), site.content, plan.articles, url)
    try:
        run, settings = _build(checkout)
    except BuildFailed as error:
        progress(str(error))
        result.missing = error.summary
        return
    result.build.append(run.seconds)
    result.build_cpu.append(run.cpu)
    result.output_bytes = sum(p.stat().st_size for p in checkout.output.rglob("*") if p.is_file())
    progress(f"scale {result.backend}: cold build {run.seconds:.1f} s ({run.cpu:.1f} CPU-s)")
    try:
        _editor_and_reader(plan, checkout, settings, threads, result, progress)
    except ApprovalFailed as error:
        progress(str(error))
        result.missing = str(error).splitlines()[0]


def _editor_and_reader(plan: Plan, checkout: Checkout, settings: Path, threads: Threads,
                       result: BackendTimes, progress: Callable[[str], None]) -> None:
    """Per run: the API's first answer, the pending list, the export, one approval (in that order:
    the approval adds an entry, which the next export must hold)."""
    url = checkout.site.database_url
    long_threads = threads.long
    api_threads = long_threads[1:] or long_threads
    scale_store.queue_pending(url, long_threads, PENDING)
    expected = _entries_in(url)
    app, client = _logged_in_client(settings)
    client.get(f"/api/threads/{threads.warm_up}comments")  # imports, manifest, connection: unmeasured
    for run in range(plan.runs):
        result.api_ms.append(1000 * _first_answer(client, api_threads[run % len(api_threads)],
                                                  plan.long_size, app))
        result.pending.append(_pending_page(client))
        result.export.append(_export(settings, checkout.root / "export.json", expected + run))
        result.approval.append(_approve(checkout, settings, long_threads[0], run))
        progress(f"scale {result.backend} run {run + 1}/{plan.runs}: API {result.api_ms[-1]:.1f} ms, "
                 f"pending list {result.pending[-1]:.3f} s, export {result.export[-1]:.2f} s, "
                 f"approval {result.approval[-1]:.2f} s")


def _approve(checkout: Checkout, settings: Path, thread: str, n: int) -> float:
    """Seconds of ``engagement moderate approve ID`` for a new comment on a long thread.

    A long thread is split into comment pages: the new comment is on the last one, so every
    page of the thread's folder is searched for it afterwards.
    """
    entry_id = _pending_comment(checkout.site, thread, n)
    command = [str(ENGAGEMENT), "moderate", "approve", str(entry_id), "--settings", str(settings)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise ApprovalFailed(f"engagement moderate approve failed: {done.stderr.strip()[-300:]}")
    pages = (checkout.output / thread).rglob("*.html")
    if not any(shows_comment(page.read_bytes(), entry_id) for page in pages):
        raise ApprovalFailed(f"no page of {thread} shows comment {entry_id} after the approval returned")
    return seconds


def _entries_in(url: str) -> int:
    from pelican.plugins.engagement.store import Store

    store = Store.open(url, run_migrations=False)
    try:
        return sum(store.status_counts().values())
    finally:
        store.close()


def _logged_in_client(settings: Path) -> tuple[Any, Any]:
    """The endpoint app for this site (its own store connection) and a logged-in test client."""
    from pelican.plugins.engagement.endpoint.app import create_app
    from pelican.plugins.engagement.settings import load_site

    app = create_app(load_site(settings))
    client = app.test_client()
    answer = client.post("/admin/login", data={"token": ADMIN_TOKEN})
    if answer.status_code != 303:
        raise ApprovalFailed(f"logging in to the moderation page answered {answer.status_code}")
    return app, client


def _first_answer(client: Any, thread: str, size: int, app: Any) -> float:
    """Seconds of the thread API's first answer for ``thread`` (the per-process cache emptied)."""
    app.extensions.pop("engagement-thread-cache", None)
    started = time.perf_counter()
    answer = client.get(f"/api/threads/{thread}comments")
    seconds = time.perf_counter() - started
    if answer.status_code != 200 or answer.get_json()["count"] < size:
        raise ApprovalFailed(f"the thread API answered {answer.status_code} for {thread}, "
                             f"not its {size} comments")
    return seconds


def _pending_page(client: Any) -> float:
    started = time.perf_counter()
    answer = client.get("/admin/?status=pending")
    seconds = time.perf_counter() - started
    if answer.status_code != 200 or b"Queued reader" not in answer.data:
        raise ApprovalFailed(f"the moderation page's pending list answered {answer.status_code} "
                             "without the queued comments")
    return seconds


def _export(settings: Path, target: Path, at_least: int) -> float:
    """Seconds of ``engagement export -o FILE`` in a new process; the file checked afterwards."""
    command = [str(ENGAGEMENT), "export", "-o", str(target), "--settings", str(settings)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise ApprovalFailed(f"engagement export failed: {done.stderr.strip()[-300:]}")
    count = len(json.loads(target.read_text("utf-8"))["entries"])
    if count < at_least:
        raise ApprovalFailed(f"engagement export wrote {count} entries, the store holds {at_least}")
    return seconds


def rows(times: ScaleTimes) -> list[Row]:
    size = f"{times.articles:,} articles, {times.comments:,} comments"
    if times.empty_missing:
        return [Row(SECTION, size, missing=f"not available: {times.empty_missing}")]
    empty = Figure.of(times.empty_build, "s")
    out: list[Row] = []
    for backend in times.backends:
        where = f"{size} ({backend.backend})"
        if backend.build:
            build = Row(SECTION, f"{where}: cold build", Figure.of(backend.build, "s"), empty,
                        baseline_label="same site, 0 comments", target=ratio_at_most(BUILD_LIMIT))
            build.notes.append(f"stored through Store.import_ in {backend.imported:.1f} s (one "
                               f"transaction); output {backend.output_bytes / 1e6:.1f} MB; one build each")
            cpu = Row(SECTION, f"{where}: cold build, CPU time", Figure.of(backend.build_cpu, "CPU-s"),
                      Figure.of(times.empty_cpu, "CPU-s"), baseline_label="same site, 0 comments",
                      target=ratio_at_most(BUILD_LIMIT))
            cpu.notes.append("user + system time of pelican and Pagefind (wait4): on a machine shared "
                             "with other work it moves far less than the wall time above")
            out += [build, cpu]
        if backend.missing or not backend.approval:
            out.append(Row(SECTION, where if not backend.build else f"{where}: approval, export, lists",
                           missing=backend.missing or "not measured"))
            continue
        target = value_at_most(SECONDS_LIMIT, f"ours < {SECONDS_LIMIT:g} s")
        out += [
            Row(SECTION, f"{where}: approve on a {times.long_size}-comment thread → page "
                "(`engagement moderate approve ID`)", Figure.of(backend.approval, "s"), target=target),
            Row(SECTION, f"{where}: `engagement export` to a file", Figure.of(backend.export, "s"),
                target=target),
            Row(SECTION, f"{where}: moderation page, pending list ({PENDING:,} waiting)",
                Figure.of(backend.pending, "s"), target=target),
            Row(SECTION, f"{where}: thread API, first answer, {times.long_size}-comment thread",
                Figure.of(backend.api_ms, "ms"),
                target=value_at_most(API_LIMIT_MS, f"ours < {API_LIMIT_MS:g} ms")),
        ]
    return out
