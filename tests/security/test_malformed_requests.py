"""Malformed requests are refused with a 400 and a sentence, never a 500, on SQLite and PostgreSQL.

Each came from an attack by hand: a lone surrogate escape (``"\\ud800"``, half of a UTF-16 pair,
which Python's JSON reader accepts and no database can store as text), JSON nested deeper than a
recursive parser goes, numbers beyond the id column or beyond 64 bits as a reply's ``parent``, an
admin route's entry id, ``offset`` or ``page``, and NUL characters, which PostgreSQL refuses in text
(a 404 in an address, a 400 in a URL parameter, dropped from text).
The inputs are in the hostile corpus (:mod:`tests.security.hostile`).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from tests.security import hostile
from tests.support.endpoint import OPEN, Endpoint, comment_fields

TOKEN = "an-admin-token-for-malformed-requests"
SERVER_ERROR = "Something went wrong on our side"
TEXT_FIELDS = ["thread", "name", "email", "website", "body", "parent", "notify", "homepage", "unknown"]


@pytest.fixture
def live(start_endpoint: Callable[..., Endpoint], store_url: str) -> Endpoint:
    return start_endpoint(store_url, ADMIN_TOKEN=TOKEN, RATE_LIMIT=0, THREAD_RATE_LIMIT=0)


def _refused_with_a_sentence(answer: requests.Response, *, status: int = 400) -> str:
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    text = answer.json()["error"] if "json" in answer.headers["Content-Type"] else answer.text
    assert SERVER_ERROR not in text and len(text.split()) >= 4, text
    return text


def _post_json(live: Endpoint, body: bytes) -> requests.Response:
    return requests.post(live.url + "/api/comments", data=body, timeout=30,
                         headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_lone_surrogate_in_any_field_is_a_400(live: Endpoint, field: str) -> None:
    answer = _post_json(live, hostile.lone_surrogate_json(comment_fields(), field))
    assert "surrogate" in _refused_with_a_sentence(answer)
    assert live.store.list(status=None) == []


@pytest.mark.parametrize("body", [hostile.deeply_nested_json(),
                                  hostile.deeply_nested_json(inside='{"a": 1}'),
                                  hostile.deeply_nested_field(comment_fields(), "body")],
                         ids=["array", "object in arrays", "in a field"])
def test_json_nested_thousands_of_levels_deep_is_a_400(live: Endpoint, body: bytes) -> None:
    assert "nested" in _refused_with_a_sentence(_post_json(live, body))


@pytest.mark.parametrize("number", hostile.HUGE_NUMBERS)
@pytest.mark.parametrize("how", ["json number", "json string", "form"])
def test_a_parent_id_beyond_the_id_column_is_a_400(live: Endpoint, number: int, how: str) -> None:
    if how == "form":
        answer = requests.post(live.url + "/comments", data=comment_fields(parent=str(number)),
                               allow_redirects=False, timeout=30)
    else:
        value: int | str = number if how == "json number" else str(number)
        answer = requests.post(live.url + "/api/comments", json=comment_fields() | {"parent": value},
                               timeout=30)
    assert "replying to" in _refused_with_a_sentence(answer)


@pytest.mark.parametrize("number", hostile.HUGE_NUMBERS[:3] + hostile.HUGE_NUMBERS[4:6])
@pytest.mark.parametrize("route", ["admin/entries/{}/approve", "admin/api/entries/{}/approve"])
def test_an_admin_entry_id_beyond_the_id_column_is_a_400(live: Endpoint, number: int, route: str) -> None:
    session = requests.Session()
    session.post(live.url + "/admin/login", data={"token": TOKEN}, timeout=10)
    answer = session.post(f"{live.url}/{route.format(number)}", data={"csrf": _csrf(session, live)},
                          headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
                          timeout=10)
    assert "entry" in _refused_with_a_sentence(answer)


@pytest.mark.parametrize("number", [n for n in hostile.HUGE_NUMBERS if not -(2**63) <= n < 2**63])
@pytest.mark.parametrize("name", ["offset", "limit"])
def test_an_admin_api_offset_or_limit_beyond_64_bits_is_a_400(live: Endpoint, number: int, name: str) -> None:
    answer = requests.get(f"{live.url}/admin/api/entries", params={name: number}, timeout=10,
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert name in _refused_with_a_sentence(answer)


@pytest.mark.parametrize("number", [2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30])
def test_an_admin_page_beyond_64_bits_is_refused_or_empty(live: Endpoint, number: int) -> None:
    session = requests.Session()
    session.post(live.url + "/admin/login", data={"token": TOKEN}, timeout=10)
    answer = session.get(f"{live.url}/admin/", params={"page": number}, timeout=10)
    if -(2**63) <= number < 2**63:
        assert answer.status_code == 200  # a page number that is a number: an empty page
    else:
        assert "page" in _refused_with_a_sentence(answer)


@pytest.mark.parametrize("path", ["/webmention/status/a%00b", "/notifications/confirm/a%00b",
                                  "/notifications/unsubscribe/a%00b", f"/api/threads/{OPEN}%00/comments"])
def test_a_nul_character_in_the_address_is_a_404(live: Endpoint, path: str) -> None:
    answer = requests.get(live.url + path, headers={"Accept": "application/json"}, timeout=10)
    assert "NUL" in _refused_with_a_sentence(answer, status=404)


def test_a_nul_character_in_a_query_parameter_is_no_500(live: Endpoint) -> None:
    answer = requests.get(f"{live.url}/admin/api/entries", params={"status": "pend\x00ing"}, timeout=10,
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert "Unknown status" in _refused_with_a_sentence(answer)


def test_a_nul_character_in_a_webmention_url_is_a_400(live: Endpoint) -> None:
    answer = requests.post(live.url + "/webmention", timeout=10, data={
        "source": "http://source.example/post\x00x", "target": f"http://127.0.0.1:8000/{OPEN}"})
    assert "control character" in _refused_with_a_sentence(answer)


def test_nul_characters_in_a_trackback_are_dropped_not_a_500(live: Endpoint) -> None:
    answer = requests.post(f"{live.url}/trackback/{OPEN}", timeout=10, data={
        "url": "http://source.example/post", "title": "A\x00title", "excerpt": "An\x00 excerpt",
        "blog_name": "Blog\x00"})
    assert answer.status_code == 200 and "<error>0</error>" in answer.text, answer.text
    [entry] = live.store.list(kind="trackback", status=None)
    assert (entry.title, entry.body_source, entry.blog_name) == ("Atitle", "An excerpt", "Blog")


def _csrf(session: requests.Session, live: Endpoint) -> str:
    import re

    page = session.get(live.url + "/admin/", timeout=10).text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30, -(10**30)])
def test_bulk_moderation_of_ids_beyond_the_id_column_is_a_400(live: Endpoint, number: int) -> None:
    session = requests.Session()
    session.post(live.url + "/admin/login", data={"token": TOKEN}, timeout=10)
    answer = session.post(f"{live.url}/admin/bulk", timeout=10, headers={"Accept": "application/json"},
                          data={"csrf": _csrf(session, live), "action": "approve", "ids": [str(number)]})
    assert "entry" in _refused_with_a_sentence(answer)
