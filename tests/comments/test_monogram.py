"""Monogram avatars: initials and a colour that depend on the name alone."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.comments.monogram import HUES, hue, initials, monogram


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dana Whitfield", "DW"),
        ("sam", "S"),
        ("Oluwaseun Adeyemi-Hartmann", "OA"),
        ("Sam at Glimmerbrew", "SG"),
        ("  ada   lovelace  ", "AL"),
        ("Łukasz Öz", "ŁÖ"),
        ("@handle", "H"),
        ("— !!", "?"),
        ("", "?"),
    ],
)
def test_initials_are_the_first_signs_of_the_first_and_last_words(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_the_colour_is_the_same_for_the_same_name_and_spread_over_the_palette() -> None:
    names = [f"Reader {number}" for number in range(200)]
    assert [hue(name) for name in names] == [hue(name) for name in names]
    assert {hue(name) for name in names} == set(range(HUES))


def test_the_colour_ignores_surrounding_spaces_only() -> None:
    assert hue(" Dana ") == hue("Dana")
    assert monogram("Dana").hue == hue("Dana")
