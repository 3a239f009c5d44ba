"""Monogram avatars: initials and a colour that depend on the name only."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.monogram import HUES, initials, monogram


@pytest.mark.parametrize(("name", "expected"), [
    ("Domino's Pizza", "DP"), ("@ryan", "R"), ("jetblue", "J"), ("Anna Maria Schmidt", "AM"),
    ("Zoë Ångström", "ZÅ"), ("!!!", ""),
])
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_same_name_same_colour_and_names_spread_over_the_palette() -> None:
    assert monogram("Priya Example") == monogram("priya  example")
    hues = {monogram(f"Reader {n}").hue for n in range(60)}
    assert hues <= set(HUES) and len(hues) >= len(HUES) - 2


def test_a_name_without_letters_still_gets_a_mark() -> None:
    assert monogram("!!!").initials == "?"
