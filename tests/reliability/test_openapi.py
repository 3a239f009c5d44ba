"""The OpenAPI description against the live endpoint: schemathesis generates requests from it.

The endpoint runs on 127.0.0.1 with the built test site's threads manifest, the admin page on and
the rate limits off (so that generated comments reach the storing path instead of stopping at 429).
Every response must be no 5xx and conform to the document: status code, content type, headers and
JSON body. Each operation gets a bounded number of examples so the run stays in tens of seconds.
"""

from __future__ import annotations

import re

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.plugins.engagement.endpoint import create_app
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security import hostile
from tests.support.endpoint import OPEN

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15
EDGES = ("surrogate", "deep", "huge-parent")
FIELDS = ("thread", "name", "email", "website", "body", "parent", "notify", "source", "target")


@pytest.fixture
def live(start_endpoint):
    return start_endpoint(RATE_LIMIT=0, THREAD_RATE_LIMIT=0, ADMIN_TOKEN="s3cret-admin-token-for-tests")


def test_endpoint_serves_the_document_kept_in_the_package(live) -> None:
    response = requests.get(live.url + "/openapi.yaml", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/yaml")
    document = yaml.safe_load(response.text)
    assert document["openapi"].startswith("3.1")
    assert {"/comments", "/api/comments", "/pingback", "/webmention"} <= set(document["paths"])


def test_every_route_of_the_app_is_documented(live) -> None:
    """The document and the code cannot drift apart: each Flask route is an operation, and back."""
    app = create_app(live.config, store=live.store)
    routes = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).rstrip("/") or "/")
        for rule in app.url_map.iter_rules() if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    paths = yaml.safe_load(requests.get(live.url + "/openapi.yaml", timeout=10).text)["paths"]
    documented = {
        (method.upper(), path) for path, item in paths.items() for method in item if method != "parameters"
    }
    assert routes == documented - {("OPTIONS", "/api/comments")}


def test_the_documented_json_post_is_accepted(live) -> None:
    """A sanity anchor: the happy path the document describes really stores a comment."""
    schema = schemathesis.openapi.from_url(live.url + "/openapi.yaml")
    operation = schema["/api/comments"]["POST"]
    body = {"thread": OPEN, "name": "Ann", "body": "Hello"}
    case = operation.Case(body=body, media_type="application/json")
    response = case.call_and_validate(base_url=live.url, checks=CHECKS)
    assert response.status_code == 201


@pytest.mark.slow
def test_every_operation_conforms_and_never_fails(live) -> None:
    schema = schemathesis.openapi.from_url(live.url + "/openapi.yaml")
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        _exercise(operation, live.url)
    # That generated requests can reach the storing path at all is pinned down by
    # test_the_documented_json_post_is_accepted: random thread keys rarely name a real article.


def _exercise(operation, base_url: str) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, real_thread=st.booleans(), edge=st.sampled_from([None, *EDGES]),
           where=st.sampled_from(FIELDS))
    def run(case, real_thread: bool, edge: str | None, where: str) -> None:
        if real_thread:
            _aim_at_a_real_thread(case)
        if edge is not None:
            _push_to_the_edge(case, edge, where)
        case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=10)

    run()


def _push_to_the_edge(case, edge: str, where: str) -> None:
    """Inputs Hypothesis does not make by itself, put into a generated JSON body: a lone surrogate
    escape in a field (Hypothesis's text has no surrogates), JSON thousands of levels deep (raw
    bytes: no JSON writer goes that deep) and a reply ``parent`` beyond 64 bits. The schema's
    integer bounds (ids, ``offset``, ``page``) make Hypothesis's negative examples cross the others."""
    if not isinstance(case.body, dict) or case.media_type != "application/json":
        return  # a form cannot carry a surrogate, and its nesting is flat
    if edge == "surrogate":
        case.body[where] = f"{case.body.get(where, '')}\ud800"
    elif edge == "deep":
        case.body = hostile.deeply_nested_field({k: v for k, v in case.body.items() if isinstance(v, str)},
                                                where)
    elif edge == "huge-parent":
        case.body["parent"] = 2**64


def _aim_at_a_real_thread(case) -> None:
    """Half of the examples name the open article, so generated comments get past the 404."""
    if isinstance(case.body, dict) and "thread" in case.body:
        case.body["thread"] = OPEN
    if "thread" in (case.path_parameters or {}):
        case.path_parameters["thread"] = OPEN.rstrip("/")
