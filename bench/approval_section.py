"""Section 2 — approval to page: from `engagement moderate approve ID` to the pages on disk.

On the largest generated site (after its builds), a reader's comment waits in the queue; we approve
it the way an editor does — the CLI in a fresh process — and, separately, through the same
moderation call in-process (what the admin page does inside the running endpoint). The clock stops
when the call returns; we then check that the work was really done: the article page holds the new
comment and every list page that shows the article's count changed. The baseline is a full rebuild
of the same site with a warm cache, the cheapest way to get the same pages without the fast path.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.sitegen import Site, article_specs
from bench.stats import Figure, Row, value_at_most

SECTION = "2 approval"
LIMIT_SECONDS = 1.0
ENGAGEMENT = Path(sys.executable).with_name("engagement")


class ApprovalFailed(RuntimeError):
    """The approval returned but the pages on disk do not show it."""


@dataclass
class ApprovalTimes:
    articles: int
    cli: list[float] = field(default_factory=list)
    in_process: list[float] = field(default_factory=list)
    files_updated: int = 0


def _pending_comment(site: Site, thread: str, n: int) -> int:
    from pelican.plugins.engagement.markup import render_comment
    from pelican.plugins.engagement.store import NewEntry, Store

    text = f"Approved during the benchmark, run {n}: *thank you* for the write-up."
    store = Store.open(site.database_url)
    try:
        entry = store.add(NewEntry(thread=thread, author_name=f"Benchmark reader {n}",
                                   author_email=f"bench-approve{n}@example.org", body_source=text,
                                   body_html=render_comment(text), status="pending",
                                   created_at=datetime.now(UTC)))
    finally:
        store.close()
    return entry.id


def _pages(output: Path, thread: str) -> tuple[Path, dict[Path, bytes]]:
    """The thread's article page and every page showing its fragments, with their bytes now."""
    from pelican.plugins.engagement.comments.splice import PageIndex

    index = PageIndex.load(output)
    files = {output / relative: (output / relative).read_bytes() for relative in index.files[thread]}
    return output / index.articles[thread], files


def shows_comment(page: bytes, entry_id: int) -> bool:
    """Whether a published page holds comment ``entry_id`` (its ``id``, quoted or, minified, not)."""
    return re.search(rb'id="?comment-%d(?=["\s>])' % entry_id, page) is not None


def _check(output: Path, thread: str, entry_id: int, before: dict[Path, bytes]) -> int:
    article, after = _pages(output, thread)
    if not shows_comment(after[article], entry_id):
        raise ApprovalFailed(f"{article} does not show comment {entry_id} after the approval returned")
    unchanged = [str(path.relative_to(output)) for path, data in after.items() if before[path] == data]
    if unchanged:
        raise ApprovalFailed(f"pages showing {thread} did not change: {', '.join(unchanged[:5])}")
    return len(after)


def measure(site: Site, output: Path, settings: Path, runs: int,
            progress: Callable[[str], None], profile: Path | None = None) -> ApprovalTimes:
    """Approve ``runs`` comments by the CLI and ``runs`` in-process; check the pages each time."""
    from pelican.plugins.engagement.moderation import actions as moderation
    from pelican.plugins.engagement.settings import load_site
    from pelican.plugins.engagement.store import Store

    specs = article_specs(site.articles)
    thread = specs[len(specs) // 2].thread
    times = ApprovalTimes(site.articles)
    config = load_site(settings)
    for run in range(runs):
        times.cli.append(_approve_cli(site, output, settings, thread, 2 * run))

        entry_id = _pending_comment(site, thread, 2 * run + 1)
        _article, before = _pages(output, thread)
        store = Store.open(config.database_url)
        try:
            started = time.perf_counter()
            outcome = moderation.moderate(config, store, entry_id, "approve", actor="bench")
            times.in_process.append(time.perf_counter() - started)
        finally:
            store.close()
        if not outcome.rebuild.startswith("Pages updated"):
            raise ApprovalFailed(f"the in-process approval did not update the pages: {outcome.rebuild}")
        times.files_updated = _check(output, thread, entry_id, before)
        progress(f"approval run {run + 1}/{runs}: CLI {times.cli[-1]:.3f} s, in-process "
                 f"{times.in_process[-1]:.3f} s, {times.files_updated} pages")
    if profile is not None:
        _approve_cli(site, output, settings, thread, 2 * runs, profile)
        progress(f"profile of `engagement moderate approve` in {profile}")
    return times


def _approve_cli(site: Site, output: Path, settings: Path, thread: str, n: int,
                 profile: Path | None = None) -> float:
    """Approve one new pending comment with the CLI; the seconds it took, checked on disk."""
    entry_id = _pending_comment(site, thread, n)
    _article, before = _pages(output, thread)
    command = [str(ENGAGEMENT), "moderate", "approve", str(entry_id), "--settings", str(settings)]
    if profile is not None:
        from bench.profiling import pyinstrument_command

        command = pyinstrument_command(command, profile)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise ApprovalFailed(f"engagement moderate approve failed: {result.stderr.strip()[-500:]}")
    try:
        _check(output, thread, entry_id, before)
    except ApprovalFailed as error:
        said = " ".join(result.stdout.split())[-300:]
        raise ApprovalFailed(f"{error} (the command said: {said})") from None
    return seconds


def rows(times: ApprovalTimes, full_rebuild: Figure, full_label: str) -> list[Row]:
    n = f"{times.articles:,} articles"
    target = value_at_most(LIMIT_SECONDS, f"ours < {LIMIT_SECONDS:g} s")
    cli = Row(SECTION, f"{n}: `engagement moderate approve ID` (new process)", Figure.of(times.cli, "s"),
              full_rebuild, baseline_label=full_label, target=target)
    cli.notes.append(f"each approval rewrote the article and {times.files_updated - 1} other pages "
                     "showing its count; checked on disk after every call")
    in_process = Row(SECTION, f"{n}: approval in-process (admin page / endpoint)",
                     Figure.of(times.in_process, "s"), full_rebuild, baseline_label=full_label, target=target)
    return [cli, in_process]
