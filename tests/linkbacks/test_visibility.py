"""A link to the article that readers cannot see (or one in a link farm) makes a linkback spam."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from pelican.plugins.engagement.linkbacks.verify import find_link
from pelican.plugins.engagement.linkbacks.visibility import hidden_reason

TARGET = "https://blog.example/2024/01/post/"
PAGE = "https://spam.example/page"


def reason(html: str) -> str | None:
    soup = BeautifulSoup(html, "html.parser")
    return hidden_reason(soup, find_link(soup, PAGE, TARGET), PAGE)


def test_a_visible_link_is_fine() -> None:
    assert reason(f'<p>I liked <a href="{TARGET}">this post</a>.</p>') is None


@pytest.mark.parametrize("html", [
    f'<div style="display: none"><a href="{TARGET}">x</a></div>',
    f'<p><a style="visibility:hidden" href="{TARGET}">x</a></p>',
    f'<div hidden><a href="{TARGET}">x</a></div>',
    f'<span style="font-size:0"><a href="{TARGET}">x</a></span>',
    f'<div style="position:absolute;left:-9999px"><a href="{TARGET}">x</a></div>',
    f'<style>.seo {{ display:none }}</style><div class="seo"><a href="{TARGET}">x</a></div>',
])
def test_a_hidden_link_is_named(html: str) -> None:
    assert "hidden" in reason(html)


def test_a_nofollow_link_in_a_farm_is_spam() -> None:
    farm = "".join(f'<a href="https://site{i}.example/">s{i}</a>' for i in range(60))
    assert "link farm" in reason(f'{farm}<a rel="nofollow" href="{TARGET}">us</a>')


def test_a_followed_link_on_a_page_with_many_links_is_fine() -> None:
    many = "".join(f'<a href="https://site{i}.example/">s{i}</a>' for i in range(60))
    assert reason(f'{many}<a href="{TARGET}">us</a>') is None
