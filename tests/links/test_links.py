"""``root_relative``: the site's own addresses as a browser on its pages reads them the same."""

from __future__ import annotations

from pelican.plugins.engagement.links import root_relative


def test_a_site_at_the_root_of_its_host_gives_an_empty_prefix() -> None:
    assert root_relative("https://example.org") == ""


def test_a_site_under_a_path_keeps_the_path() -> None:
    assert root_relative("https://example.org/blog") == "/blog"


def test_query_and_fragment_are_kept() -> None:
    assert root_relative("https://example.org/feeds/a.atom.xml?x=1#top") == "/feeds/a.atom.xml?x=1#top"


def test_a_relative_siteurl_from_relative_urls_is_left_alone() -> None:
    assert root_relative("../..") == "../.."


def test_an_empty_siteurl_is_left_alone() -> None:
    assert root_relative("") == ""


def test_a_path_starting_with_two_slashes_stays_absolute() -> None:
    # Without its host, "//evil/x" would be a protocol-relative link to the host "evil".
    assert root_relative("https://example.org//evil/x") == "https://example.org//evil/x"
