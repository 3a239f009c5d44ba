"""The benchmark harness runs at a tiny size and reports; no test here asserts a duration."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench import report, wrk
from bench.sitegen import article_specs, generate
from bench.stats import Figure, Row, percentile, ratio_at_most

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_make_bench_at_a_tiny_size_prints_a_table_with_ratios(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "5", "--runs", "1", "--comments", "1",
         "--only", "build", "--workdir", str(tmp_path / "work"), "--docs", str(docs)],
        cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    header = next(line for line in result.stdout.splitlines() if line.startswith("Section"))
    assert "Ratio" in header and "Baseline" in header
    cold = next(line for line in result.stdout.splitlines() if "5 articles, cold" in line)
    assert "bare Pelican" in cold and "×" in cold.split("bare Pelican", 1)[1]
    # The peak-memory row says whose peak it may be (wait4 counts the children).
    assert "its children (ours: Pagefind" in result.stdout
    assert report.BEGIN in docs.read_text("utf-8")


def test_generated_articles_have_about_800_words_cases_and_an_embed(tmp_path: Path) -> None:
    site = generate(tmp_path / "site", 3, 2)
    text = (site.content / "articles" / "article-00001.md").read_text("utf-8")
    body = text.split("\n\n", 1)[1]
    assert 650 <= len(body.split()) <= 1000
    assert body.count("```case") == 2
    assert "https://twitter.com/acmeair/status/" in body
    assert (site.content / "embeds.json").is_file()


def test_generated_store_holds_the_approved_comments(tmp_path: Path) -> None:
    from pelican.plugins.engagement.store import Store

    site = generate(tmp_path / "site", 3, 2, showcase_comments=50)
    specs = article_specs(3)
    store = Store.open(site.database_url)
    try:
        counts = store.approved_counts()
    finally:
        store.close()
    assert counts == {specs[0].thread: 50, specs[1].thread: 2, specs[2].thread: 2}


def test_figure_shows_median_and_spread() -> None:
    figure = Figure.of([3.0, 1.0, 2.0], "s")
    assert (figure.median, figure.low, figure.high) == (2.0, 1.0, 3.0)
    assert figure.show() == "2 s [1–3] ×3"


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.5) == 50.0
    assert percentile(samples, 0.99) == 99.0


def test_row_verdict_follows_the_target() -> None:
    fast = Row("s", "m", Figure.of([1.0], "s"), Figure.of([1.0], "s"), target=ratio_at_most(1.15))
    slow = Row("s", "m", Figure.of([2.0], "s"), Figure.of([1.0], "s"), target=ratio_at_most(1.15))
    assert (fast.verdict(), slow.verdict()) == ("met", "MISSED")
    assert Row("s", "m", missing="not available yet: x").verdict() == "not measured"


def test_docs_block_is_replaced_and_the_prose_kept(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.md"
    path.write_text(f"# Benchmarks\n\nProse.\n\n{report.BEGIN}\nold\n{report.END}\n\nMore prose.\n")
    report.write_docs(path, f"{report.BEGIN}\nnew\n{report.END}")
    text = path.read_text("utf-8")
    assert "new" in text and "old" not in text
    assert text.startswith("# Benchmarks") and text.endswith("More prose.\n")


def _recording_server(answer: Callable[[Request], Response]) -> Iterator[tuple[str, list[bytes]]]:
    bodies: list[bytes] = []

    @Request.application
    def app(request: Request) -> Response:
        bodies.append(request.get_data())
        return answer(request)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", bodies
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.mark.skipif(not Path(wrk.WRK).is_file(), reason="wrk is not installed (apt-get install wrk)")
def test_wrk_round_sends_a_different_body_each_time_and_counts_statuses() -> None:
    template = json.dumps({"name": f"reader {wrk.PLACEHOLDER}", "text": "café — 100% \\ \"quoted\""})
    with contextlib.contextmanager(_recording_server)(
            lambda request: Response("", status=201 if b"-3\"" not in request.get_data() else 500)
    ) as (url, bodies):
        result = wrk.run_round(url, wrk.Request("POST", "/c", {"Content-Type": "application/json"},
                                                (template,)), connections=2, threads=2, seconds=1)
    decoded = [json.loads(body) for body in bodies]
    assert decoded and all(item["text"] == "café — 100% \\ \"quoted\"" for item in decoded)
    names = [item["name"] for item in decoded]
    assert len(set(names)) == len(names)
    # Requests still in flight when the round ends reach the server but are not counted as answered.
    assert 0 < result.answered <= len(bodies)
    assert result.server_errors == 2  # "0-3" and "1-3": request 3 of each wrk thread
    assert result.ok == result.answered - 2
    assert result.percentiles[99] >= result.percentiles[50] > 0
