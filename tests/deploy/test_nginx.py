"""``deploy/nginx/site.conf`` in Debian's real nginx, in front of the endpoint under gunicorn.

One site is built with SITEURL = ENDPOINT_URL = the nginx address, and everything a reader or another
site does goes through nginx: the comment form and the JSON API, an approval that rewrites the page
nginx then serves, a webmention discovered from nginx's ``Link`` header, and the rate limit, which
must key on the connecting client (nginx's ``$remote_addr``) whatever ``X-Forwarded-For`` it sends.
Clients are told apart by their loopback source address (127.0.0.2, 127.0.0.3, …). The stack runs
on SQLite, and on PostgreSQL (what deploy/compose.yaml uses) where one is configured.
"""

from __future__ import annotations

import gzip
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from pelican.plugins.engagement.deploy.caching import IMMUTABLE, REVALIDATE, STATIC, cache_control
from pelican.plugins.engagement.store import Store
from requests.adapters import HTTPAdapter
from ronkyuu.webmention import sendWebmention

from tests.conftest import backend_store_url
from tests.linkbacks.conftest import Peer, reply_page
from tests.reliability.gunicorn import free_port, gunicorn
from tests.support import nginx
from tests.support.servers import serve_wsgi
from tests.support.sites import REPO, THEME, build_site, write_article

ARTICLE = "2024/01/open-thread/"
CLOSED = "2024/01/closed-thread/"
TOKEN = "deploy-test-admin-token-0123456789"
RATE_LIMIT = 2
HEADERS_MAP = "engagement/headers.nginx"

pytestmark = pytest.mark.nginx


class SourceAddress(HTTPAdapter):
    """Connect from a chosen loopback address, so nginx sees a client of its own."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddress(address))
    return session


@dataclass(frozen=True)
class Stack:
    url: str
    output: Path
    prefix: Path

    @property
    def article(self) -> str:
        return f"{self.url}/{ARTICLE}"


def write_settings_file(path: Path, values: dict[str, object]) -> Path:
    """The repository's pelicanconf.py with the test site's values: what gunicorn reads."""
    path.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(REPO / 'pelicanconf.py')!r}).items()"
        " if k.isupper()})\n"
        + "".join(f"{name} = {value!r}\n" for name, value in values.items()),
        "utf-8",
    )
    return path


@pytest.fixture(scope="module")
def peer() -> Iterator[Peer]:
    """Another website on loopback: the source of the webmention."""
    site = Peer()
    with serve_wsgi(site) as url:
        site.url = url
        yield site


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The site built for nginx's address, gunicorn on its store, nginx in front: once per backend."""
    nginx.require_nginx()
    root = tmp_path_factory.mktemp(f"nginx-stack-{request.param}")
    for store_url in backend_store_url(request.param, root):
        yield from _stack(root, store_url)


def _stack(root: Path, store_url: str) -> Iterator[Stack]:
    url = f"http://127.0.0.1:{free_port()}"
    content = root / "content"
    write_article(content / "articles", "open-thread", "An article open for comments.")
    write_article(content / "articles", "closed-thread", "No comments here.", extra={"Comments": "closed"})
    values: dict[str, object] = {
        "PATH": str(content),
        "OUTPUT_PATH": str(root / "output"),
        "CACHE_PATH": str(root / "cache"),
        "THEME": str(THEME),
        "LOAD_CONTENT_CACHE": False,
        "SITEURL": url,
        "ENGAGEMENT_ENDPOINT_URL": url,
        "ENGAGEMENT_NGINX_HEADERS_MAP": HEADERS_MAP,
        "ENGAGEMENT_DATABASE_URL": store_url,
        "ENGAGEMENT_ARCHIVE_PATH": "",
        "ENGAGEMENT_EMBEDS_FETCH": False,
        "ENGAGEMENT_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"],
        "ENGAGEMENT_AVATARS_PATH": str(root / "avatars"),
        "ENGAGEMENT_TRUSTED_PROXIES": 1,
        "ENGAGEMENT_RATE_LIMIT": RATE_LIMIT,
        "ENGAGEMENT_RATE_LIMIT_WINDOW": 3600,
        "ENGAGEMENT_ADMIN_TOKEN": TOKEN,
        "ENGAGEMENT_REBUILD_ON_APPROVE": True,
    }
    # As in deploy/compose.yaml: the endpoint creates the schema, the build only reads it.
    Store.open(store_url).close()
    output = build_site(root, content, **values)
    settings_file = write_settings_file(root / "sitesettings.py", values)
    # As deploy/systemd and deploy/compose.yaml run it: gthread workers.
    with gunicorn(settings_file, workers=2, args=("--worker-class", "gthread", "--threads", "4")) as server:
        prefix = root / "nginx"
        main = nginx.write_config(prefix, {
            "ENGAGEMENT_LISTEN": url.removeprefix("http://"),
            "ENGAGEMENT_SERVER_NAME": "127.0.0.1",
            "ENGAGEMENT_SITE_ROOT": str(output),
            "ENGAGEMENT_UPSTREAM": server.url.removeprefix("http://"),
            "ENGAGEMENT_HEADERS_MAP": str(output / HEADERS_MAP),
        })
        with nginx.running(main, url):
            yield Stack(url, output, prefix)


# --- the comment round trip --------------------------------------------------------------------------


def test_form_comment_through_nginx_is_answered_with_303_to_the_article(stack: Stack) -> None:
    answer = client("127.0.0.4").post(f"{stack.url}/comments", data={
        "thread": ARTICLE, "name": "Form Reader", "email": "form@example.org", "body": "Posted by form.",
    }, allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"{stack.article}#comment-pending"


def test_api_comment_approved_shows_on_the_page_nginx_serves(stack: Stack) -> None:
    reader = client("127.0.0.5")
    created = reader.post(f"{stack.url}/api/comments", json={
        "thread": ARTICLE, "name": "Api Reader", "body": "Through nginx and back.",
    }, headers={"Origin": stack.url}, timeout=10)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending"
    assert "Through nginx and back." not in reader.get(stack.article, timeout=10).text

    approved = requests.post(f"{stack.url}/admin/api/entries/{created.json()['id']}/approve",
                             headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert approved.status_code == 200, approved.text
    assert approved.json()["pages_changed"]

    page = reader.get(stack.article, timeout=10)
    assert page.status_code == 200
    assert "Through nginx and back." in page.text
    assert page.headers["Cache-Control"] == REVALIDATE


# --- linkbacks ---------------------------------------------------------------------------------------


def test_open_article_announces_the_endpoint_in_http_headers(stack: Stack) -> None:
    page = requests.get(stack.article, timeout=10)
    assert page.headers["Link"] == f'<{stack.url}/webmention>; rel="webmention"'
    assert page.headers["X-Pingback"] == f"{stack.url}/pingback"


def test_closed_article_and_other_pages_announce_nothing(stack: Stack) -> None:
    for path in (CLOSED, "", "archives/"):
        page = requests.get(f"{stack.url}/{path}", timeout=10)
        assert page.status_code == 200
        assert "Link" not in page.headers and "X-Pingback" not in page.headers, path


def test_webmention_through_nginx_is_verified(stack: Stack, peer: Peer) -> None:
    source = peer.page("/reply", reply_page(stack.article, text="Replying through nginx",
                                            author="Wendy Mention"))
    # ronkyuu finds the endpoint where senders look first: the Link header nginx adds.
    sent = sendWebmention(source, stack.article, test_urls=False, timeout=10)
    assert sent.status_code == 202, sent.text
    status_url = re.search(r"Status: (\S+)", sent.text).group(1)
    assert status_url.startswith(f"{stack.url}/webmention/status/")
    deadline = time.monotonic() + 20
    while (status := requests.get(status_url, timeout=10).json())["verification"] == "queued":
        assert time.monotonic() < deadline, status
        time.sleep(0.1)
    assert status["verification"] == "verified"
    assert peer.hits("/reply") >= 1


# --- the rate limit keys on the client ---------------------------------------------------------------


def _comment(session: requests.Session, stack: Stack, headers: dict[str, str] | None = None) -> int:
    return session.post(f"{stack.url}/api/comments", json={
        "thread": ARTICLE, "name": "Quick Reader", "body": "Once more.",
    }, headers=headers or {}, timeout=10).status_code


def test_rate_limit_keys_on_the_client_behind_nginx(stack: Stack) -> None:
    busy, other = client("127.0.0.2"), client("127.0.0.3")
    assert [_comment(busy, stack) for _ in range(RATE_LIMIT + 1)] == [201] * RATE_LIMIT + [429]
    # Everyone reaches gunicorn from nginx's address: another client still has its own allowance.
    assert _comment(other, stack) == 201


def test_forged_forwarding_headers_do_not_escape_the_limit(stack: Stack) -> None:
    forger = client("127.0.0.6")
    assert [_comment(forger, stack) for _ in range(RATE_LIMIT)] == [201] * RATE_LIMIT
    forged = [
        {"X-Forwarded-For": "203.0.113.7"},
        {"X-Forwarded-For": "203.0.113.8, 198.51.100.9"},
        {"X-Real-IP": "203.0.113.10"},
        {"Forwarded": "for=203.0.113.11"},
    ]
    assert [_comment(forger, stack, headers) for headers in forged] == [429] * len(forged)


def test_nginx_refuses_the_site_before_the_first_build(tmp_path: Path) -> None:
    """Without the map file nginx says which file is missing (so: build first)."""
    main = nginx.write_config(tmp_path / "nginx", {
        "ENGAGEMENT_LISTEN": "127.0.0.1:9", "ENGAGEMENT_SERVER_NAME": "localhost",
        "ENGAGEMENT_SITE_ROOT": str(tmp_path), "ENGAGEMENT_UPSTREAM": "127.0.0.1:9",
        "ENGAGEMENT_HEADERS_MAP": str(tmp_path / "missing.nginx"),
    })
    checked = nginx.check_config(main)
    assert checked.returncode != 0 and "missing.nginx" in checked.stderr


# --- static files --------------------------------------------------------------------------------------


#: Paths of every kind, with the files the test writes for those the small site has not.
CACHED_PATHS = {
    "": None, ARTICLE: None, "archives/": None, "404.html": None, "engagement/threads.json": None,
    "theme/css/site.css": None, "engagement/comments.js": None,
    "feeds/comments.atom.xml": "<feed/>", "robots.txt": "User-agent: *",
    "LICENSE": "no extension", "files/report.pdf": "%PDF",
    "theme/css/site.0a1b2c3d4e.css": "x", "engagement/media/0123456789abcdef01234567.png": "x",
    "engagement/avatars/deadbeef0123.webp": "x", "images/photo-CAFEBABE99.JPG": "x",
}


def test_the_paths_cover_every_lifetime() -> None:
    assert {cache_control(path) for path in CACHED_PATHS} == {REVALIDATE, IMMUTABLE, STATIC}


@pytest.mark.parametrize("path", sorted(CACHED_PATHS))
def test_cache_lifetimes_are_those_deploy_gives_objects(stack: Stack, path: str) -> None:
    """Pages revalidate, hashed names are immutable, other static files keep an hour: the same
    Cache-Control ``engagement deploy`` sets on S3 objects (deploy.caching)."""
    if CACHED_PATHS[path] is not None:
        target = stack.output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(CACHED_PATHS[path], "utf-8")
    answer = requests.get(f"{stack.url}/{path}", timeout=10)
    assert answer.status_code == 200, path
    assert answer.headers["Cache-Control"] == cache_control(path)


def test_precompressed_file_is_sent_as_it_is(stack: Stack) -> None:
    original = stack.output / "theme" / "css" / "site.css"
    packed = gzip.compress(original.read_bytes(), mtime=0)
    original.with_name("site.css.gz").write_bytes(packed)
    answer = requests.get(f"{stack.url}/theme/css/site.css", headers={"Accept-Encoding": "gzip"},
                          stream=True, timeout=10)
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.raw.read(decode_content=False) == packed


def test_missing_page_gets_the_sites_404_page(stack: Stack) -> None:
    answer = requests.get(f"{stack.url}/no/such/page/", timeout=10)
    assert answer.status_code == 404
    assert answer.text == (stack.output / "404.html").read_text("utf-8")


def test_dot_files_are_not_served(stack: Stack) -> None:
    (stack.output / "engagement" / ".headers.nginx.partial").write_text("x", "utf-8")
    assert requests.get(f"{stack.url}/engagement/.headers.nginx.partial", timeout=10).status_code == 404


def test_brotli_static_line_works_with_debians_module(stack: Stack, tmp_path: Path) -> None:
    """The commented ``brotli_static on;`` is right for libnginx-mod-http-brotli-static (CI has it)."""
    if not nginx.BROTLI_MODULE.is_file():
        message = f"{nginx.BROTLI_MODULE} missing: apt-get install libnginx-mod-http-brotli-static"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    text = nginx.SITE_CONF.read_text("utf-8")
    assert "    #brotli_static on;\n" in text
    url = f"http://127.0.0.1:{free_port()}"
    main = nginx.write_config(tmp_path / "nginx", {
        "ENGAGEMENT_LISTEN": url.removeprefix("http://"),
        "ENGAGEMENT_SERVER_NAME": "127.0.0.1",
        "ENGAGEMENT_SITE_ROOT": str(stack.output),
        "ENGAGEMENT_UPSTREAM": "127.0.0.1:9",  # static files only: never connected to
        "ENGAGEMENT_HEADERS_MAP": str(stack.output / HEADERS_MAP),
    }, site_text=text.replace("#brotli_static on;", "brotli_static on;"), modules=[nginx.BROTLI_MODULE])
    script = stack.output / "engagement" / "comments.js"
    script.with_name("comments.js.br").write_bytes(b"not really brotli, sent as it is")
    with nginx.running(main, url):
        answer = requests.get(f"{url}/engagement/comments.js", headers={"Accept-Encoding": "br"},
                              stream=True, timeout=10)
        assert answer.headers["Content-Encoding"] == "br"
        assert answer.raw.read(decode_content=False) == b"not really brotli, sent as it is"
