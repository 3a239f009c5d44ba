"""The threads manifest's articles: what an article's URL says about the site it is on."""

from __future__ import annotations

from pelican.plugins.engagement.comments.threads import Thread


def test_site_url_is_the_article_url_without_its_key() -> None:
    thread = Thread("2024/01/post/", "https://example.org/blog/2024/01/post/", "Post", "2024-01-02")
    assert thread.site_url == "https://example.org/blog"


def test_site_url_at_the_root_of_a_domain() -> None:
    assert Thread("post.html", "https://example.org/post.html", "Post", "2024-01-02").site_url == \
        "https://example.org"


def test_site_url_falls_back_to_the_origin_when_url_and_key_disagree() -> None:
    thread = Thread("2024/01/post/", "https://example.org/moved/elsewhere/", "Post", "2024-01-02")
    assert thread.site_url == "https://example.org"
