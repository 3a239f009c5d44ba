"""The gallery's response-time overview: an inline SVG drawn at build time, and its tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.plugins.engagement.cases.overview import short_duration

from tests.support.sites import build_site, write_article


def _case(brand: str, verdict: str, platform: str, minutes: int | None) -> str:
    timed = f"response_time: {minutes} minutes\n" if minutes is not None else ""
    return f"```case\nbrand: {brand}\nverdict: {verdict}\nplatform: {platform}\n{timed}```\n\n"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("overview")
    write_article(root / "content" / "articles", "a",
                  _case("Tesco", "beauty", "Twitter", 10) + _case("Tesco", "beast", "Twitter", 300)
                  + _case("Acme", "beast", "Facebook", 3000) + _case("Zed", "beauty", "Facebook", None))
    return build_site(root, root / "content")


def _soup(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text("utf-8"), "html.parser")


def test_chart_has_a_dot_per_timed_case_over_the_goal_bands(output: Path) -> None:
    chart = _soup(output, "cases").select_one("svg.case-chart")
    dots = chart.find_all("circle")
    assert sorted(dot.title.get_text() for dot in dots) == [
        "Acme on Facebook: 2 days 2 hours", "Tesco on Twitter: 10 minutes", "Tesco on Twitter: 5 hours"]
    bands = [rect["class"][0] for rect in chart.find_all("rect")]
    assert bands == ["band-within", "band-near", "band-beyond"]
    assert "2 h" in [text.get_text() for text in chart.select("text.chart-tick")]
    assert chart["role"] == "img" and chart["aria-labelledby"] == "overview-summary"


def test_dots_are_ordered_left_to_right_by_time(output: Path) -> None:
    dots = _soup(output, "cases").select("svg.case-chart circle")
    x = {dot.title.get_text(): float(dot["cx"].rstrip("%")) for dot in dots}
    assert x["Tesco on Twitter: 10 minutes"] < x["Tesco on Twitter: 5 hours"]
    assert x["Tesco on Twitter: 5 hours"] < x["Acme on Facebook: 2 days 2 hours"]


def test_summary_counts_each_grade(output: Path) -> None:
    text = _soup(output, "cases").select_one("#overview-summary").get_text(" ", strip=True)
    assert text == "3 replies with a known time: 1 within the goal , 1 within 3× , 1 later ."


def test_tables_give_every_case_and_medians_by_brand_and_platform(output: Path) -> None:
    details = _soup(output, "cases").select_one("details.case-overview-data")
    tables = {table.caption.get_text(): [[cell.get_text(" ", strip=True) for cell in row(["th", "td"])]
                                         for row in table.tbody("tr")] for table in details("table")}
    assert tables["Median by brand"] == [["Acme", "1", "2 days 2 hours", "0 of 1"],
                                         ["Tesco", "2", "2 hours 35 minutes", "1 of 2"]]
    assert tables["Median by platform"][1] == ["Twitter", "2", "2 hours 35 minutes", "1 of 2"]
    assert len(tables["Every case with a known response time"]) == 3


def test_no_chart_without_any_response_time(tmp_path: Path) -> None:
    write_article(tmp_path / "content" / "articles", "a", _case("Zed", "beauty", "Facebook", None))
    output = build_site(tmp_path, tmp_path / "content")
    assert _soup(output, "cases").select_one(".case-overview") is None


@pytest.mark.parametrize(("seconds", "text"), [(45, "45 s"), (900, "15 min"), (7200, "2 h"), (86400, "1 d"),
                                               (604800, "1 wk"), (5400, "1.5 h")])
def test_axis_labels_are_short(seconds: int, text: str) -> None:
    assert short_duration(seconds) == text


def test_crowded_dots_are_counted_as_before() -> None:
    # The bisect must find exactly the dots the plain scan over every placed dot finds.
    import random

    from pelican.plugins.engagement.cases.overview import _neighbours

    rng = random.Random(7)
    placed: list[float] = []
    for x in sorted(round(rng.uniform(3, 97), 2) for _ in range(2000)):
        assert _neighbours(placed, x) == sum(1 for other in placed if abs(other - x) < 2)
        placed.append(x)
