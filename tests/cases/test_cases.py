"""Parsing case blocks: fields, computed response times, and errors that name file, line and field."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.cases.blocks import CaseError, parse_case, unique_anchors
from pelican.plugins.engagement.cases.durations import human_duration, iso_duration, parse_duration


def parse(text: str, first_line: int = 10):
    return parse_case(text.strip("\n").split("\n"), first_line, "articles/a.md")


def test_fields_and_multi_line_values_are_read() -> None:
    case = parse("""
brand: Domino's
platform: Twitter
customer_said: My power is out
  and the pizza is cold.

  Second paragraph.
verdict: beauty
""")
    assert (case.brand, case.platform, case.verdict) == ("Domino's", "Twitter", "beauty")
    assert case.customer_said == "My power is out and the pizza is cold.\n\nSecond paragraph."
    assert case.anchor == "case-dominos"
    assert case.field_lines["verdict"] == 16


def test_response_time_is_computed_from_the_two_times() -> None:
    case = parse("brand: B\nverdict: beast\ncustomer_at: 2016-02-14 20:00\nreplied_at: 2016-02-15 22:30")
    assert case.response_seconds == 26 * 3600 + 30 * 60
    assert (case.response_text, case.response_iso) == ("1 day 2 hours", "P1DT2H30M")


def test_given_response_time_is_read_in_words_or_iso() -> None:
    assert parse("brand: B\nrating: 4\nresponse_time: 2 hours 5 min").response_seconds == 7500
    assert parse("brand: B\nrating: 4\nresponse_time: PT45M").response_seconds == 2700


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("brand: B\nverdcit: beauty", 11, "verdcit", "did you mean 'verdict'"),
        ("brand: B\nverdict: lovely", 11, "verdict", "not one of: beauty, beast"),
        ("platform: X\nverdict: beauty", 9, "brand", "required"),
        ("brand: B", 9, "verdict", "verdict (beauty or beast) or a rating"),
        ("brand: B\nverdict: beast\nscreenshot: {static}/images/a.png", 12, "alt", "alternative text"),
        ("brand: B\nverdict: beast\nscreenshot: https://cdn.example/a.png\nalt: x", 12, "screenshot",
         "not a remote URL"),
        ("brand: B\nverdict: beast\nlink: javascript:alert(1)", 12, "link", "not an http(s) URL"),
        ("brand: B\nrating: 9", 11, "rating", "1 to 5"),
        ("brand: B\nverdict: beast\ncustomer_at: yesterday", 12, "customer_at", "YYYY-MM-DD"),
        ("brand: B\nverdict: beast\nresponse_time: soon", 12, "response_time", "not a duration"),
        ("brand: B\nverdict: beast\ncustomer_at: 2020-01-01 10:00\nreplied_at: 2020-01-01 09:00", 13,
         "replied_at", "before the customer's post"),
        ("brand: B\nverdict: beast\ncustomer_at: 2020-01-01 10:00\nreplied_at: 2020-01-01 11:00\n"
         "response_time: 5 hours", 14, "response_time", "make them agree"),
        ("brand: B\nbrand: C\nverdict: beast", 11, "brand", "given twice (first on line 10)"),
    ],
)
def test_malformed_block_names_file_line_and_field(text: str, line: int, field: str, words: str) -> None:
    with pytest.raises(CaseError) as caught:
        parse(text)
    assert (caught.value.source, caught.value.line, caught.value.field) == ("articles/a.md", line, field)
    assert str(caught.value).startswith(f"articles/a.md:{line}: field '{field}': ")
    assert words in str(caught.value)


def test_stray_text_is_an_error_on_its_line() -> None:
    with pytest.raises(CaseError, match=r"articles/a\.md:11: case block: expected 'field: value'"):
        parse("brand: B\njust some words\nverdict: beauty")


def test_repeated_brands_get_distinct_anchors() -> None:
    cases = [parse("brand: Tesco\nverdict: beauty"), parse("brand: Tesco\nverdict: beast")]
    assert [case.anchor for case in unique_anchors(cases)] == ["case-tesco", "case-tesco-2"]


def test_durations_round_trip() -> None:
    assert parse_duration("1d 2h") == 93600
    assert iso_duration(0) == "PT0S"
    assert human_duration(61) == "1 minute 1 second"
