"""The cached thread read answered before Flask: the same status, headers and bytes as the Flask view,
only for the case it claims, and never once the app's hooks change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pelican.plugins.engagement.endpoint import create_app
from pelican.plugins.engagement.endpoint.fast_read import FastThreadReads, hooks_are_known
from pelican.plugins.engagement.store import NewEntry, Store
from werkzeug.test import Client

from tests.support.endpoint import CLOSED, OPEN, BuiltSite, site_config

SITE_ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture
def app(built_site: BuiltSite, tmp_path: Path) -> Flask:
    config = site_config(built_site, DATABASE_URL=f"sqlite:///{tmp_path / 'fast.sqlite3'}",
                         REBUILD_ON_APPROVE=False)
    store = Store.open(config.database_url)
    for n in range(3):
        store.add(NewEntry(thread=OPEN, author_name=f"Reader {n}", body_source="Hi",
                           body_html="<p>Hi</p>", status="approved"))
    return create_app(config, store=store)


def _fast(app: Flask) -> FastThreadReads:
    layer = app.wsgi_app
    assert isinstance(layer, FastThreadReads)
    return layer


def _client(wsgi: Any) -> Client:
    """A test client that sends a ``Cookie`` header as given (its own jar would replace it)."""
    return Client(wsgi, use_cookies=False)


def _answers(app: Flask, path: str, method: str = "GET", **headers: str) -> tuple[Any, Any, bool]:
    """(Flask's answer, the layered app's answer, whether the layer answered it itself); the
    layered app is asked first, so what it finds cached is what earlier requests left."""
    layer = _fast(app)
    calls: list[int] = []
    inner = layer.inner

    def counted(environ: dict[str, Any], start_response: Any) -> Any:
        calls.append(1)
        return inner(environ, start_response)

    layer.inner = counted
    try:
        layered = _client(layer).open(path, method=method, headers=headers)
    finally:
        layer.inner = inner
    flask_only = _client(layer.inner).open(path, method=method, headers=headers)
    return flask_only, layered, not calls


def _same(one: Any, other: Any) -> None:
    assert one.status == other.status
    assert sorted(one.headers.to_wsgi_list()) == sorted(other.headers.to_wsgi_list())
    assert one.get_data() == other.get_data()


@pytest.mark.parametrize("thread", [OPEN, CLOSED])
@pytest.mark.parametrize("origin", [None, SITE_ORIGIN])
def test_a_cached_read_is_answered_before_flask_exactly_as_flask_would(app: Flask, thread: str,
                                                                       origin: str | None) -> None:
    path = f"/api/threads/{thread}comments"
    headers = {"Origin": origin} if origin else {}
    flask_first, layered_first, fast_first = _answers(app, path, **headers)
    assert not fast_first  # nothing serialised yet: the Flask view answers and fills the cache
    _same(flask_first, layered_first)
    flask_answer, layered, fast = _answers(app, path, **headers)
    assert fast
    _same(flask_answer, layered)
    assert layered.status_code == 200 and layered.json["thread"] == thread


def test_a_new_comment_is_read_through_flask_once_then_fast_again(app: Flask) -> None:
    path = f"/api/threads/{OPEN}comments"
    _answers(app, path)
    store: Store = app.extensions["engagement"].store
    store.add(NewEntry(thread=OPEN, author_name="Late", body_source="Hi", body_html="<p>Hi</p>",
                       status="approved"))
    _, changed, fast = _answers(app, path)
    assert not fast and changed.json["count"] == 4  # a new ETag: never the old document
    _, again, fast_again = _answers(app, path)
    assert fast_again and again.json["count"] == 4


@pytest.mark.parametrize(("method", "path", "headers"), [
    ("HEAD", f"/api/threads/{OPEN}comments", {}),
    ("GET", f"/api/threads/{OPEN}comments", {"Origin": "https://elsewhere.example"}),
    ("GET", f"/api/threads/{OPEN}comments", {"Cookie": "engagement_admin=x"}),
    ("GET", "/api/threads/2024/01/no-such-thread/comments", {}),
    ("GET", f"/api/threads/{OPEN}comments/", {}),
    ("GET", f"/api/threads//{OPEN}comments", {}),
    ("GET", "/api/threads/2024/01/op%00en-thread/comments", {}),
])
def test_everything_else_is_left_to_flask(app: Flask, method: str, path: str,
                                          headers: dict[str, str]) -> None:
    _answers(app, f"/api/threads/{OPEN}comments")  # the open thread is cached
    flask_answer, layered, fast = _answers(app, path, method, **headers)
    assert not fast
    _same(flask_answer, layered)


def test_a_revalidation_is_left_to_flask_and_gets_its_304(app: Flask) -> None:
    path = f"/api/threads/{OPEN}comments"
    _, first, _ = _answers(app, path)
    _, answer, fast = _answers(app, path, **{"If-None-Match": first.headers["ETag"]})
    assert not fast and answer.status_code == 304


def test_a_new_request_hook_turns_the_layer_off(app: Flask) -> None:
    assert hooks_are_known(app)

    @app.after_request  # added before the first request, as Flask requires
    def stamp(response: Any) -> Any:
        response.headers["X-Stamp"] = "1"
        return response

    assert not hooks_are_known(app)
    path = f"/api/threads/{OPEN}comments"
    _answers(app, path)  # serialised and cached by the view
    _, answer, fast = _answers(app, path)
    assert not fast and answer.headers["X-Stamp"] == "1"


def test_the_gunicorn_app_has_the_layer(built_site: BuiltSite, tmp_path: Path) -> None:
    config = site_config(built_site, DATABASE_URL=f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    assert isinstance(create_app(config).wsgi_app, FastThreadReads)
