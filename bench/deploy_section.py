"""Section 2b — approval to live on the deploy target: `engagement moderate approve ID` with
``ENGAGEMENT_DEPLOY_ON_APPROVE``, until the changed pages are on the target.

Two targets on this machine: an rsync destination folder, and an S3-compatible server (moto in
server mode on loopback) reached by boto3. The command waits for its background push before it
exits, so the clock stops when it returns; we then check the target's copy of the article page
holds the new comment. The target starts empty: a push copies exactly the changed files (with
their folders), so a first full deploy of thousands of files adds nothing to what is measured.
The figure is held against the same approval without deploying (section 2).

A third row measures worker mode (``ENGAGEMENT_PAGE_UPDATES = "worker"``, as with several endpoint
instances): the command only queues the job, and a running ``engagement worker`` updates the pages
and pushes them to another folder; the clock stops when the target's article page shows the new
comment (looked at every 10 ms). Each of these approvals comes after a quiet spell of the worker
(more than its coalescing window), as a lone approval does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.approval_section import ApprovalFailed, _pages, _pending_comment
from bench.sitegen import Site, article_specs
from bench.stats import Figure, Row, value_at_most

SECTION = "2 approval"
LIMIT_SECONDS = 2.0
ENGAGEMENT = Path(sys.executable).with_name("engagement")
#: Give up on a worker-mode approval after this long (the worker is not running, or failed).
WORKER_WAIT_SECONDS = 30.0
S3_ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}


def _settings_with(settings: Path, name: str, **values: object) -> Path:
    """A copy of the site's settings file with ENGAGEMENT_* deploy settings added."""
    extra = "".join(f"ENGAGEMENT_{key} = {value!r}\n" for key, value in values.items())
    path = settings.with_name(f"{settings.stem}-deploy-{name}.py")
    path.write_text(settings.read_text("utf-8") + "\n" + extra, "utf-8")
    return path


@contextmanager
def _s3_server() -> Iterator[str]:
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _approve_and_wait(site: Site, output: Path, settings: Path, thread: str, n: int,
                      env: dict[str, str]) -> float:
    entry_id = _pending_comment(site, thread, n)
    command = [str(ENGAGEMENT), "moderate", "approve", str(entry_id), "--settings", str(settings)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ, **env})
    seconds = time.perf_counter() - started
    if result.returncode:
        raise ApprovalFailed(f"engagement moderate approve failed: {result.stderr.strip()[-500:]}")
    if "queued for" not in result.stdout:
        raise ApprovalFailed(f"the approval queued no push: {' '.join(result.stdout.split())[-300:]}")
    return seconds


@contextmanager
def _page_worker(settings: Path, log: Path) -> Iterator[None]:
    """An ``engagement worker`` process for the run, stopped (Ctrl-C) after it."""
    with log.open("w", encoding="utf-8") as out:
        worker = subprocess.Popen([str(ENGAGEMENT), "worker", "--settings", str(settings)],
                                  stdout=out, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _approve_until_live(site: Site, settings: Path, thread: str, n: int, page: Path) -> float:
    """Worker mode: queue the approval, then wait until the target's page shows it."""
    entry_id = _pending_comment(site, thread, n)
    command = [str(ENGAGEMENT), "moderate", "approve", str(entry_id), "--settings", str(settings)]
    marker = f"Benchmark reader {n}".encode()
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise ApprovalFailed(f"engagement moderate approve failed: {result.stderr.strip()[-500:]}")
    if "page worker" not in result.stdout:
        raise ApprovalFailed(f"the approval queued no page job: {' '.join(result.stdout.split())[-300:]}")
    while not (page.is_file() and marker in page.read_bytes()):
        if time.perf_counter() - started > WORKER_WAIT_SECONDS:
            raise ApprovalFailed(f"the page worker did not bring {page.name} to the target in "
                                 f"{WORKER_WAIT_SECONDS:g} s")
        time.sleep(0.01)
    return time.perf_counter() - started


def measure(site: Site, output: Path, settings: Path, runs: int, first_run: int,
            progress: Callable[[str], None]) -> dict[str, list[float]]:
    """Seconds per approval until live, for each target; each checked on the target."""
    specs = article_specs(site.articles)
    thread = specs[len(specs) // 2].thread  # the thread section 2 approves on
    article, _ = _pages(output, thread)
    relative = article.relative_to(output).as_posix()
    times: dict[str, list[float]] = {"rsync": [], "s3": []}
    folder = output.parent / "deploy-target"
    rsync_settings = _settings_with(settings, "rsync", DEPLOY_ON_APPROVE=True, DEPLOY_TARGET=str(folder))
    with _s3_server() as endpoint:
        import boto3

        os.environ.update(S3_ENV)
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
        s3_settings = _settings_with(settings, "s3", DEPLOY_ON_APPROVE=True, DEPLOY_TARGET="s3://bench/www",
                                     DEPLOY_S3_ENDPOINT_URL=endpoint)
        for run in range(runs):
            n = first_run + 2 * run
            times["rsync"].append(_approve_and_wait(site, output, rsync_settings, thread, n, {}))
            if f"Benchmark reader {n}".encode() not in (folder / relative).read_bytes():
                raise ApprovalFailed(f"the rsync target's {relative} does not show the approved comment")
            times["s3"].append(_approve_and_wait(site, output, s3_settings, thread, n + 1, S3_ENV))
            body = boto3.client("s3", endpoint_url=endpoint).get_object(
                Bucket="bench", Key=f"www/{relative}")["Body"].read()
            if f"Benchmark reader {n + 1}".encode() not in body:
                raise ApprovalFailed(f"the S3 target's {relative} does not show the approved comment")
            progress(f"approval to live run {run + 1}/{runs}: rsync {times['rsync'][-1]:.3f} s, "
                     f"S3 {times['s3'][-1]:.3f} s")
    times["worker"] = _measure_worker(site, output, settings, thread, runs, first_run + 100, progress)
    return times


def _measure_worker(site: Site, output: Path, settings: Path, thread: str, runs: int, first_run: int,
                    progress: Callable[[str], None]) -> list[float]:
    """Worker mode, after the other targets (a worker pushes every due job of the store, to its
    own target: the phases must not overlap)."""
    from pelican.plugins.engagement.deploy import publisher

    folder = output.parent / "deploy-target-worker"
    article, _ = _pages(output, thread)
    page = folder / article.relative_to(output)
    worker_settings = _settings_with(settings, "worker", DEPLOY_ON_APPROVE=True, PAGE_UPDATES="worker",
                                     DEPLOY_TARGET=str(folder))
    times: list[float] = []
    with _page_worker(worker_settings, output.parent / "page-worker.log"):
        # Not measured: the worker is up (and has pushed its first files) once this is live.
        _approve_until_live(site, worker_settings, thread, first_run - 1, page)
        for run in range(runs):
            time.sleep(publisher.SETTLE.total_seconds() + 0.2)  # past the worker's coalescing window
            times.append(_approve_until_live(site, worker_settings, thread, first_run + run, page))
            progress(f"approval to live by the page worker, run {run + 1}/{runs}: {times[-1]:.3f} s")
    return times


def rows(articles: int, times: dict[str, list[float]], approval: Figure) -> list[Row]:
    target = value_at_most(LIMIT_SECONDS, f"ours < {LIMIT_SECONDS:g} s")
    n = f"{articles:,} articles"
    labels = {"rsync": "approval → live on the deploy target (rsync to a folder)",
              "s3": "approval → live on the deploy target (S3 stand-in, boto3)",
              "worker": "approval → live on the deploy target (rsync, by `engagement worker`)"}
    return [Row(SECTION, f"{n}: {labels[kind]}", Figure.of(values, "s"), approval,
                baseline_label="approval to page, CLI", target=target) for kind, values in times.items()]
