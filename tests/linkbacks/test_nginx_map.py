"""The discovery headers as nginx map blocks (ENGAGEMENT_NGINX_HEADERS_MAP)."""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.linkbacks.nginx import HEADER, nginx_maps, quote, uri_keys

from tests.support import nginx
from tests.support.sites import build_site, write_article


def test_build_writes_a_map_for_each_header_of_each_open_article(tmp_path):
    content = tmp_path / "content"
    write_article(content / "articles", "open-one", date="2024-01-02 10:00")
    write_article(content / "articles", "closed-one", date="2024-01-03 10:00", extra={"Comments": "closed"})
    output = build_site(tmp_path, content, ENGAGEMENT_NGINX_HEADERS_MAP="engagement/headers.nginx",
                        ENGAGEMENT_ARCHIVE_PATH="", ENGAGEMENT_ENDPOINT_URL="https://engage.example")
    text = (output / "engagement" / "headers.nginx").read_text("utf-8")
    assert text == HEADER + "\n" + "\n".join([
        'map $uri $engagement_webmention_link {\n    default "";\n'
        '    "/2024/01/open-one/" "<https://engage.example/webmention>; rel=\\"webmention\\"";\n'
        '    "/2024/01/open-one/index.html" '
        '"<https://engage.example/webmention>; rel=\\"webmention\\"";\n}\n',
        'map $uri $engagement_pingback {\n    default "";\n'
        '    "/2024/01/open-one/" "https://engage.example/pingback";\n'
        '    "/2024/01/open-one/index.html" "https://engage.example/pingback";\n}\n',
    ])
    assert not list(output.rglob(".*.partial"))


def test_no_map_unless_asked(tmp_path):
    content = tmp_path / "content"
    write_article(content / "articles", "open-one")
    output = build_site(tmp_path, content, ENGAGEMENT_ARCHIVE_PATH="")
    assert not list(output.rglob("*.nginx"))


def test_keys_are_the_decoded_paths_nginx_matches():
    assert uri_keys("2024/01/caf%C3%A9/") == ["/2024/01/café/", "/2024/01/café/index.html"]
    assert uri_keys("pages/about.html") == ["/pages/about.html"]


def test_quotes_and_backslashes_are_escaped():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'


def test_control_characters_are_refused():
    with pytest.raises(ValueError, match="control character"):
        quote("a\nb")


@pytest.mark.nginx
def test_nginx_reads_the_map_back(tmp_path):
    """Awkward paths and a "$" in the endpoint URL still give a map nginx accepts."""
    text = nginx_maps([
        ('2024/01/say-"hi"/', [("Link", '<https://e.example/a$b/webmention>; rel="webmention"')]),
        ("2024/01/back\\slash/", [("X-Pingback", "https://e.example/pingback")]),
    ])
    assert "%24b" in text
    headers_map = tmp_path / "headers.nginx"
    headers_map.write_text(text, "utf-8")
    main = nginx.write_config(tmp_path / "nginx", {
        "ENGAGEMENT_LISTEN": "127.0.0.1:9", "ENGAGEMENT_SERVER_NAME": "localhost",
        "ENGAGEMENT_SITE_ROOT": str(tmp_path), "ENGAGEMENT_UPSTREAM": "127.0.0.1:9",
        "ENGAGEMENT_HEADERS_MAP": str(headers_map),
    })
    checked = nginx.check_config(main)
    assert checked.returncode == 0, checked.stderr

