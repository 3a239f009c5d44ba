"""External links are probed only with --external, through the guarded fetch, on loopback servers."""

from __future__ import annotations

from pathlib import Path

from pelican.plugins.engagement.check import check_output
from pelican.plugins.engagement.net import FetchPolicy
from werkzeug.wrappers import Request, Response

from tests.support.servers import serve_wsgi

LOCAL = FetchPolicy(allowed_private_hosts=frozenset({"127.0.0.1"}), timeout=5)


@Request.application
def other_site(request: Request) -> Response:
    if request.path == "/alive":
        return Response("here")
    if request.path == "/no-head" and request.method == "HEAD":
        return Response(status=405)
    if request.path == "/no-head":
        return Response("GET works")
    return Response("gone", status=404)


def page_linking_to(folder: Path, *urls: str) -> Path:
    links = "".join(f'<a href="{url}">x</a>' for url in urls)
    (folder / "index.html").write_text(f"<p>{links}</p>", "utf-8")
    return folder


def test_dead_external_link_is_reported_with_its_status(tmp_path: Path) -> None:
    with serve_wsgi(other_site) as base:
        page_linking_to(tmp_path, f"{base}/alive", f"{base}/gone", f"{base}/no-head")
        problems = check_output(tmp_path, validator="none", external=True, fetch_policy=LOCAL)
    assert [(p.kind, p.message) for p in problems] == [("external", f"{base}/gone: HTTP 404")]


def test_external_links_are_not_fetched_without_the_flag(tmp_path: Path) -> None:
    page_linking_to(tmp_path, "http://127.0.0.1:9/nothing-listens-here")
    assert check_output(tmp_path, validator="none") == []


def test_external_check_refuses_private_addresses_by_default(tmp_path: Path) -> None:
    with serve_wsgi(other_site) as base:
        page_linking_to(tmp_path, f"{base}/alive")
        problems = check_output(tmp_path, validator="none", external=True)
    assert [p.kind for p in problems] == ["external"]
