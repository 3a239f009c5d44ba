"""The benchmark harness runs at a tiny size and reports; no test here asserts a duration."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench import report
from bench.load import run_round
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


def test_load_round_counts_statuses_and_stops_at_the_request_bound() -> None:
    @Request.application
    def app(request: Request) -> Response:
        return Response("ok" if request.args.get("n", "0") != "3" else "no", status=200
                        if request.args.get("n") != "3" else 500)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_round(f"http://127.0.0.1:{server.server_port}",
                           lambda n: ("GET", f"/?n={n}", None, {}), clients=4, max_requests=40,
                           max_seconds=30)
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert result.statuses == {200: 39, 500: 1}
    assert (result.ok, result.server_errors, result.failures) == (39, 1, 0)
    assert len(result.latencies) == 40
