"""Section 2 (bulk) — approving 500 entries across 50 threads at once, as an editor clears a queue.

On the largest generated site (after its builds), 500 readers' comments wait in the queue, ten on
each of 50 articles; an editor approves them all with one ``engagement moderate approve ID ID …``
(a fresh process), and, separately, another 500 through the bulk action the moderation page uses
(``moderation.actions.moderate_many``, in-process, when the package has it). Each affected thread's
pages should be rendered once, not once per entry. The clock stops when the call returns; the suite
then checks that every article page shows all of its newly approved comments.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.approval_section import ENGAGEMENT, SECTION, ApprovalFailed, shows_comment
from bench.sitegen import Site, article_specs
from bench.stats import Figure, Row, value_at_most

ENTRIES = 500
THREADS = 50
LIMIT_SECONDS = 2.0


@dataclass
class BulkTimes:
    articles: int
    threads: int = 0
    entries: int = 0
    cli: list[float] = field(default_factory=list)
    in_process: list[float] = field(default_factory=list)
    #: Why the in-process row is missing (the package has no bulk action), or "".
    in_process_missing: str = ""


def _queue(site: Site, threads: list[str], run: str) -> dict[str, list[int]]:
    """Ten pending comments on each thread, stored in one transaction; their ids by thread."""
    from pelican.plugins.engagement.markup import render_comment
    from pelican.plugins.engagement.store import NewEntry, Store

    per_thread = ENTRIES // len(threads)
    html = render_comment("Queued for the bulk approval benchmark: *thanks* for the article.")
    ids: dict[str, list[int]] = {}
    store = Store.open(site.database_url)
    try:
        with store.write() as connection:
            for t, thread in enumerate(threads):
                for n in range(per_thread):
                    entry = store.add(NewEntry(
                        thread=thread, author_name=f"Bulk reader {run}-{t}-{n}",
                        author_email=f"bulk-{run}-{t}-{n}@example.org", body_source="Queued.",
                        body_html=html, status="pending", created_at=datetime.now(UTC)),
                        connection=connection)
                    ids.setdefault(thread, []).append(entry.id)
    finally:
        store.close()
    return ids


def _check(output: Path, ids: dict[str, list[int]]) -> None:
    from pelican.plugins.engagement.comments.splice import PageIndex

    index = PageIndex.load(output)
    for thread, entry_ids in ids.items():
        page = (output / index.articles[thread]).read_bytes()
        missing = [i for i in entry_ids if not shows_comment(page, i)]
        if missing:
            raise ApprovalFailed(f"{index.articles[thread]} does not show comments {missing[:5]} "
                                 "after the bulk approval returned")


def measure(site: Site, output: Path, settings: Path, progress: Callable[[str], None]) -> BulkTimes:
    """One bulk approval by the CLI and one in-process; the pages checked after each."""
    from pelican.plugins.engagement.moderation import actions as moderation
    from pelican.plugins.engagement.settings import load_site
    from pelican.plugins.engagement.store import Store

    specs = article_specs(site.articles)
    step = max(1, len(specs) // THREADS)
    threads = [spec.thread for spec in specs[::step][:THREADS]]
    times = BulkTimes(site.articles, len(threads))

    ids = _queue(site, threads, "cli")
    times.entries = sum(len(v) for v in ids.values())
    command = [str(ENGAGEMENT), "moderate", "approve", *(str(i) for v in ids.values() for i in v),
               "--settings", str(settings)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    times.cli.append(time.perf_counter() - started)
    if result.returncode:
        raise ApprovalFailed(f"engagement moderate approve (bulk) failed: {result.stderr.strip()[-500:]}")
    _check(output, ids)
    progress(f"bulk approval of {times.entries} entries on {len(threads)} threads: CLI {times.cli[-1]:.2f} s")

    bulk = getattr(moderation, "moderate_many", None)
    if bulk is None:
        times.in_process_missing = ("not available yet: moderation.actions.moderate_many "
                                    "(the page's bulk action)")
        return times
    ids = _queue(site, threads, "page")
    config = load_site(settings)
    store = Store.open(config.database_url)
    try:
        started = time.perf_counter()
        bulk(config, store, [i for v in ids.values() for i in v], "approve", actor="bench")
        times.in_process.append(time.perf_counter() - started)
    finally:
        store.close()
    _check(output, ids)
    progress(f"bulk approval in-process: {times.in_process[-1]:.2f} s")
    return times


def rows(times: BulkTimes, single: Figure) -> list[Row]:
    what = f"{times.articles:,} articles: approve {times.entries} entries on {times.threads} threads"
    target = value_at_most(LIMIT_SECONDS, f"ours < {LIMIT_SECONDS:g} s")
    label = "one entry, `engagement moderate approve ID`"
    cli = Row(SECTION, f"{what}, `engagement moderate approve ID …` (new process)",
              Figure.of(times.cli, "s"), single, baseline_label=label, target=target)
    cli.notes.append("every article page checked on disk for all of its newly approved comments")
    if times.in_process_missing:
        page = Row(SECTION, f"{what}, the moderation page's bulk action (in-process)",
                   missing=times.in_process_missing)
    else:
        page = Row(SECTION, f"{what}, the moderation page's bulk action (in-process)",
                   Figure.of(times.in_process, "s"), single, baseline_label=label, target=target)
    return [cli, page]
