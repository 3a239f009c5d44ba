"""The scale section at a tiny size, and the shape of its comment threads; no duration asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import scale_section, scale_store
from bench.sitegen import article_specs
from bench.stats import Figure

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_scale_section_at_a_tiny_size_prints_every_row_with_a_verdict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "scale", "--scale", "6,3,8", "--runs", "1",
         "--workdir", str(tmp_path / "work"), "--no-docs"],
        cwd=REPO, capture_output=True, text=True, timeout=400, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("5 scale")]
    sqlite = [line for line in lines if "(SQLite)" in line]
    assert len(sqlite) == 6, result.stdout
    assert "same site, 0 comments" in sqlite[0] and "×" in sqlite[0]
    assert all(line.rstrip().endswith(("met", "MISSED")) for line in sqlite)
    postgres = [line for line in lines if "(PostgreSQL)" in line]
    assert len(postgres) == 6 or "no PostgreSQL server answers" in postgres[0], result.stdout


def test_thread_sizes_keep_the_total_and_make_long_threads() -> None:
    specs = article_specs(1000)
    sizes = scale_store.thread_sizes(specs, 20, 500)
    assert sum(sizes.values()) == 20_000
    assert sorted(sizes.values())[-2:] == [500, 500]
    assert set(sizes) == {spec.thread for spec in specs}


def test_records_reply_within_long_threads_only() -> None:
    sizes = {"2024/01/long/": 10, "2024/01/short/": 3}
    records = scale_store.records(sizes, [("x", "<p>x</p>")])
    by_id = {record["id"]: record for record in records}
    replies = [record for record in records if record["parent_id"]]
    assert len(records) == 13 and len(replies) == 2
    assert all(by_id[r["parent_id"]]["thread"] == r["thread"] == "2024/01/long/" for r in replies)


def test_rows_say_why_a_backend_is_missing() -> None:
    times = scale_section.ScaleTimes(10, 200, 50, empty_build=[2.0], empty_cpu=[1.0])
    times.backends = [scale_section.BackendTimes("SQLite", build=[2.4], build_cpu=[1.5], approval=[0.5],
                                                 export=[0.4], pending=[0.1], api_ms=[12.0]),
                      scale_section.BackendTimes("PostgreSQL", missing="no PostgreSQL server answers")]
    rows = scale_section.rows(times)
    assert [row.verdict() for row in rows] == ["met", "MISSED"] + ["met"] * 4 + ["not measured"]
    assert (rows[0].ratio, rows[1].ratio) == (pytest.approx(1.2), pytest.approx(1.5))
    assert rows[5].ours == Figure.of([12.0], "ms")
